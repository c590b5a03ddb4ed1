"""`govarchive serve`: datasette over an archive, read-only, on 127.0.0.1 only."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from archive.db import ArchiveError

METADATA = Path(__file__).with_name("datasette_metadata.json")


def datasette_args(db_path: str, port: int) -> list[str]:
    # A mutable file served by datasette is read through mode=ro connections, so the archive can
    # keep growing under a running crawl; immutable mode would ignore the WAL's newest pages.
    return [sys.executable, "-m", "datasette", "serve", db_path, "--host", "127.0.0.1", "--port", str(port),
            "--metadata", str(METADATA), "--setting", "truncate_cells_html", "300",
            "--setting", "max_returned_rows", "2000"]


def serve(db_path: str, port: int = 8001) -> int:
    if not os.path.exists(db_path):
        raise ArchiveError(f"{db_path}: no such archive (run `govarchive crawl` or `make demo` first)")
    args = datasette_args(db_path, port)
    os.execv(args[0], args)  # hand the process to datasette: signals and exit code are its own
    return 0  # not reached
