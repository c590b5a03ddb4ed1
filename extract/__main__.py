"""`python -m extract FILE... [--pages IMAGE...]`: one JSON object per line per file, and one for the
images after --pages (one report printed as several images), as reference/report-schema.md says.

Exit codes: 0 every input was read; 1 an input could not be read (missing, empty, binary, or a
document with nothing readable in it: its warnings say which); 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys

from extract.document import extract_document

_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html", ".htm": "text/html",
          ".shtml": "text/html", ".xhtml": "text/html"}


def _content_type(path: str) -> str | None:
    """What the file's name says (the bytes still decide when they say otherwise)."""
    lower = path.lower()
    return next((ct for ext, ct in _TYPES.items() if lower.endswith(ext)), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extract",
        description="Extract a stored report page or document: title, agency, year, layout, metadata, the "
                    "three tables' cells and their checks, one JSON object per line per FILE (and one for "
                    "the images after --pages: one report printed as several images).",
        epilog="Exit status: 0 all read; 1 a FILE could not be read (its warnings say why); 2 usage.")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="a stored page (HTML, any encoding), text file, PDF, DOCX, DOC, WPS, OFD, PNG or JPEG")
    parser.add_argument("--pages", nargs="+", metavar="IMAGE", default=[],
                        help="the page images of one report, in order")
    parser.add_argument("--site-name", help="the site's name, the agency when the report names none")
    args = parser.parse_args(argv)
    if not args.files and not args.pages:
        parser.error("a FILE or --pages IMAGE... is needed")
    status = 0
    for path in args.files:
        body = _read(path)
        if body is None:
            status = 1
            continue
        extraction = extract_document(body, _content_type(path), filename=path, site_name=args.site_name)
        status = max(status, _print(extraction, path))
    if args.pages:
        images = [_read(p) for p in args.pages]
        if any(i is None for i in images):
            return 1
        status = max(status, _print(extract_document(b"", pages=images, site_name=args.site_name),
                                    " ".join(args.pages)))
    return status


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        print(f"extract: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return None


def _print(extraction, source: str) -> int:
    """Prints the record; 1 when a document could not be read at all (its warnings say why)."""
    print(json.dumps(extraction.as_json(source), ensure_ascii=False))
    if extraction.source_kind is None or (not extraction.readable and not extraction.text):
        print(f"extract: {source}: {extraction.warnings[0] if extraction.warnings else 'nothing read'}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
