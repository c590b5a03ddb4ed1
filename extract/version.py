# Bump whenever extraction output can change: `govarchive reextract` records it per report.
EXTRACTOR_VERSION = "0.2.0"
