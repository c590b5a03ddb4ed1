"""Opening an archive: a SQLite file in WAL mode with the schema in place."""
from __future__ import annotations

import os
import sqlite3

import sqlite_utils

from archive.schema import DDL, VIEWS


class ArchiveError(Exception):
    """An archive that cannot be opened or used; the message names the file."""


def open_archive(path: str | os.PathLike, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    path = os.fspath(path)
    if not create and not os.path.exists(path):
        raise ArchiveError(f"{path}: no such archive")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ArchiveError(f"{path}: directory {parent} does not exist")
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            db = sqlite_utils.Database(conn)
        else:
            db = sqlite_utils.Database(path)
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable at checkpoints, no fsync per commit
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA foreign_keys = ON")
            db.executescript(DDL)
            _migrate(db)
            db.executescript(VIEWS)
            _full_text(db)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: not a usable SQLite archive ({exc})") from exc
    return db


# Columns added after a table's first release: an older archive gains them on open.
_ADDED_COLUMNS = {
    "reports": {"check_status": str, "expected_cells": int, "cells_found": int},
    "pages": {"request_body": bytes},
    "crawls": {"summary": str},
}


def _migrate(db: sqlite_utils.Database) -> None:
    for table, columns in _ADDED_COLUMNS.items():
        have = set(db[table].columns_dict)
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)


def _full_text(db: sqlite_utils.Database) -> None:
    """FTS5 over page titles and text; the trigram tokenizer splits Chinese (the default does not)."""
    if "pages_fts" not in db.table_names():
        db["pages"].enable_fts(["title", "text"], tokenize="trigram", create_triggers=True)
