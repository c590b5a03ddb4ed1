"""`python -m extract FILE...`: one JSON object per line per file (reference/report-schema.md).

Exit codes: 0 every input was read as a page; 1 an input could not be read (missing, empty,
binary, or a document — PDF, DOCX, image … — that is not a page: its warnings say which);
2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys

from extract.page import extract_page

_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html", ".htm": "text/html",
          ".shtml": "text/html", ".xhtml": "text/html"}


def _content_type(path: str) -> str | None:
    """What the file's name says (the bytes still decide when they say otherwise)."""
    lower = path.lower()
    return next((ct for ext, ct in _TYPES.items() if lower.endswith(ext)), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extract",
        description="Extract a stored report page or text file: title, agency, year, layout, metadata, the "
                    "three tables' cells and their checks, one JSON object per line per FILE.",
        epilog="Exit status: 0 all read; 1 a FILE could not be read as a page (its warnings say why); 2 usage.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="a stored page (HTML, any encoding) or text file")
    parser.add_argument("--site-name", help="the site's name, the agency when the page names none")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        try:
            with open(path, "rb") as fh:
                body = fh.read()
        except OSError as exc:
            print(f"extract: cannot read {path}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        extraction = extract_page(body, _content_type(path), site_name=args.site_name)
        print(json.dumps(extraction.as_json(path), ensure_ascii=False))
        if not extraction.readable:
            print(f"extract: {path}: {extraction.warnings[0]}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
