"""`python -m extract FILE... [--pages IMAGE...]`: one JSON object per line per file, and one for the
images after --pages (one report printed as several images), as reference/report-schema.md says."""
from __future__ import annotations

import json
import sys

from extract.document import extract_document


def main(argv: list[str] | None = None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    pages: list[str] = []
    if "--pages" in paths:
        at = paths.index("--pages")
        paths, pages = paths[:at], paths[at + 1:]
        if not pages:
            print("extract: --pages needs the report's page images, in order", file=sys.stderr)
            return 2
    if not paths and not pages:
        print("usage: python -m extract FILE... [--pages IMAGE...]", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        body = _read(path)
        if body is None:
            status = 1
            continue
        content_type = "text/plain" if path.endswith(".txt") else None
        extraction = extract_document(body, content_type, filename=path)
        status = max(status, _print(extraction, path))
    if pages:
        images = [_read(p) for p in pages]
        if any(i is None for i in images):
            return 1
        status = max(status, _print(extract_document(b"", pages=images), " ".join(pages)))
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
    unreadable = extraction.source_kind not in ("html", "text") and not extraction.text
    return 1 if unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
