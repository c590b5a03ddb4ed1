"""Pure functions from a stored page (bytes) to records: metadata, report identity, table cells, checks."""
