"""`govarchive serve`: datasette over an archive, read-only, on 127.0.0.1 only."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from archive.db import ArchiveError

METADATA = Path(__file__).with_name("datasette_metadata.json")


def metadata_for(db_path: str) -> dict:
    """The metadata file names databases by file stem; ours is written for any archive name ("*")."""
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    meta["databases"] = {Path(db_path).stem: meta["databases"]["*"]}
    return meta


def datasette_args(db_path: str, port: int, metadata_path: str) -> list[str]:
    # A mutable file served by datasette is read through mode=ro connections, so the archive can
    # keep growing under a running crawl; immutable mode would ignore the WAL's newest pages.
    return [sys.executable, "-m", "datasette", "serve", db_path, "--host", "127.0.0.1", "--port", str(port),
            "--metadata", metadata_path, "--setting", "truncate_cells_html", "300",
            "--setting", "max_returned_rows", "2000"]


def serve(db_path: str, port: int = 8001) -> int:
    if not os.path.exists(db_path):
        raise ArchiveError(f"{db_path}: no such archive (run `govarchive crawl` or `make demo` first)")
    fd, metadata_path = tempfile.mkstemp(prefix="govarchive-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(metadata_for(db_path), fh, ensure_ascii=False)
    args = datasette_args(db_path, port, metadata_path)
    os.execv(args[0], args)  # hand the process to datasette: signals and exit code are its own
    return 0  # not reached
