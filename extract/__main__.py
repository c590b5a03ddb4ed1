"""`python -m extract FILE...`: one JSON object per line per file (reference/report-schema.md)."""
from __future__ import annotations

import json
import sys

from extract.page import extract_page


def main(argv: list[str] | None = None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m extract FILE...", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            with open(path, "rb") as fh:
                body = fh.read()
        except OSError as exc:
            print(f"extract: cannot read {path}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        content_type = "text/plain" if path.endswith(".txt") else None
        record = extract_page(body, content_type).as_json(path)
        print(json.dumps(record, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
