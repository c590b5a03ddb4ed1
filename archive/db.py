"""Opening an archive: a SQLite file in WAL mode with the schema in place.

`check_archive` judges a path before any work starts (before Scrapy, before a lock file): a
missing directory, a file that is not SQLite, a SQLite file of another program, a read-only file or
directory, or an archive written by a newer schema is refused with one line naming the path.
"""
from __future__ import annotations

import os
import sqlite3

import sqlite_utils

from archive import bodies
from archive.schema import (DDL, FULL_TEXT, FULL_TEXT_RETIRED_TRIGGERS, REPORT_INDEXES, REPORTS_TABLE, SCHEMA_VERSION,
                            VIEWS)

_SQLITE_MAGIC = b"SQLite format 3\x00"


class ArchiveError(Exception):
    """An archive that cannot be opened or used; the message names the file."""


def _read_only(path: str) -> sqlite3.Connection:
    """A connection that cannot write. Where this process may write the file (the crawler reading
    what the archive holds), an ordinary connection with `query_only`: SQLite's mode=ro on a WAL
    file fails ("disk I/O error") whenever its `-shm` is missing or stale. Elsewhere mode=ro, and
    where even that cannot create the `-shm` (read-only media, another user's archive: no crawl can
    be writing it from here) the file is opened immutable."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.access(path, os.W_OK) and os.access(parent, os.W_OK):
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if not any(m in str(exc) for m in ("readonly", "unable to open", "disk I/O error")):
            raise
    return sqlite3.connect(f"file:{path}?immutable=1", uri=True)


def check_archive(path: str | os.PathLike, *, write: bool, must_exist: bool) -> None:
    """Raise ArchiveError unless `path` can serve as an archive.

    write: the command will write to it (the file and its directory must be writable: WAL mode
    creates `-wal` and `-shm` files beside it). must_exist: an absent or empty file is refused
    (reextract, serve, export); otherwise a crawl creates it.
    """
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ArchiveError(f"{path}: directory {parent} does not exist")
    if not os.path.exists(path):
        if must_exist:
            raise ArchiveError(f"{path}: no such archive")
        if write and not os.access(parent, os.W_OK):
            raise ArchiveError(f"{path}: directory {parent} is not writable")
        return
    if os.path.isdir(path):
        raise ArchiveError(f"{path}: is a directory, not an archive")
    if not os.access(path, os.R_OK):
        raise ArchiveError(f"{path}: not readable")
    if write and not os.access(path, os.W_OK):
        raise ArchiveError(f"{path}: read-only file")
    if write and not os.access(parent, os.W_OK):
        raise ArchiveError(f"{path}: directory {parent} is not writable (SQLite needs it for the WAL)")
    with open(path, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if not head:
        if must_exist:
            raise ArchiveError(f"{path}: empty file, not an archive")
        return  # an empty file is an empty database: a crawl makes it an archive
    if head != _SQLITE_MAGIC:
        raise ArchiveError(f"{path}: not a SQLite database")
    try:
        conn = _read_only(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: not a usable SQLite database ({exc})") from None
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"{path}: written by a newer govarchive (schema {version}; this one knows up to "
                           f"{SCHEMA_VERSION}); upgrade govarchive")
    if "pages" not in tables and (tables or must_exist):
        raise ArchiveError(f"{path}: a SQLite database, but not a govarchive archive (no pages table)")


def open_archive(path: str | os.PathLike, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    path = os.fspath(path)
    check_archive(path, write=not readonly, must_exist=not create or readonly)
    try:
        if readonly:
            db = sqlite_utils.Database(_read_only(path))
        else:
            db = sqlite_utils.Database(path)
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable at checkpoints, no fsync per commit
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA foreign_keys = ON")
            db.executescript(DDL)
            _migrate(db)
            db.executescript(REPORT_INDEXES)
            _views(db)
            _full_text(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        bodies.register(db.conn)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: not a usable SQLite archive ({exc})") from exc
    return db


# Columns added after a table's first release: an older archive gains them on open.
_ADDED_COLUMNS = {
    "reports": {"check_status": str, "expected_cells": int, "cells_found": int},
    "pages": {"request_body": bytes, "agency_hint": str, "body_codec": str},
    "attachments": {"body_codec": str, "image_index": int, "extractor_version": str, "extract_error": str,
                    "extraction_digest": str},
    "crawls": {"summary": str, "pid": int, "failures": int},
}


def _migrate(db: sqlite_utils.Database) -> None:
    for table, columns in _ADDED_COLUMNS.items():
        have = set(db[table].columns_dict)
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)
    if "source" not in db["reports"].columns_dict:
        _rebuild_reports(db)


def _rebuild_reports(db: sqlite_utils.Database) -> None:
    """An archive from before reports came from attachments: its `reports` has UNIQUE (page), which
    SQLite cannot drop in place. The table is rebuilt (SQLite's documented way: new table, rows
    copied with their ids, old one dropped, new one renamed) in one transaction; every row is a page
    report. Foreign keys are off meanwhile (report_cells and report_checks keep pointing at the
    same ids) and checked before the commit."""
    conn = db.conn
    conn.commit()
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
            conn.execute(f"DROP VIEW {name}")  # they name reports; made again by _views
        old = [r[1] for r in conn.execute("PRAGMA table_info(reports)")]
        conn.execute(REPORTS_TABLE.replace("reports", "reports_rebuilt", 1))
        new = [r[1] for r in conn.execute("PRAGMA table_info(reports_rebuilt)")]
        keep = ", ".join(c for c in old if c in new)
        conn.execute(f"INSERT INTO reports_rebuilt ({keep}, source) SELECT {keep}, 'page' FROM reports ORDER BY id")
        copied = conn.execute("SELECT count(*) FROM reports_rebuilt").fetchone()[0]
        if copied != conn.execute("SELECT count(*) FROM reports").fetchone()[0]:
            raise sqlite3.DatabaseError("reports: rebuild copied a different number of rows")
        conn.execute("DROP TABLE reports")
        conn.execute("ALTER TABLE reports_rebuilt RENAME TO reports")
        for table in ("reports", "report_cells", "report_checks"):
            if conn.execute(f"PRAGMA foreign_key_check({table})").fetchone():
                raise sqlite3.DatabaseError(f"reports: rebuild left dangling references in {table}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _views(db: sqlite_utils.Database) -> None:
    """The views as this version defines them: one an older archive has under the same name, with
    other SQL, is replaced."""
    import re

    have = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    for statement in filter(str.strip, re.split(r";\s*\n", VIEWS)):
        sql = "\n".join(line for line in statement.strip().splitlines() if not line.startswith("--"))
        name = re.match(r"CREATE VIEW IF NOT EXISTS (\w+)", sql).group(1)
        wanted = sql.replace("CREATE VIEW IF NOT EXISTS", "CREATE VIEW", 1)
        if have.get(name) == wanted:
            continue
        with db.atomic():
            if name in have:
                db.execute(f"DROP VIEW {name}")
            db.execute(wanted)


def _full_text(db: sqlite_utils.Database) -> None:
    """The full-text index of archive.schema.FULL_TEXT. An archive indexed the older way (sqlite-utils'
    FTS over pages.title and pages.text with token positions: 5x the size) has it replaced and
    rebuilt, in one transaction (~1 s per 20,000 pages)."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_fts'").fetchone()
    if sql and "page_texts" in sql[0]:
        _full_text_triggers(db)
        return
    conn = db.conn
    conn.commit()
    try:
        conn.execute("BEGIN IMMEDIATE")
        for trigger in ("pages_ai", "pages_ad", "pages_au"):  # sqlite-utils' triggers of the old index
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute("DROP TABLE IF EXISTS pages_fts")
        for statement in FULL_TEXT:
            conn.execute(statement)
        conn.execute("INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def _full_text_triggers(db: sqlite_utils.Database) -> None:
    """The index's triggers as FULL_TEXT has them now: an archive made by an earlier version gets
    them replaced, and its update trigger (the writer updates the index itself now) dropped, in one
    transaction; the index itself is unchanged."""
    stored = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    wanted = {statement.split()[2]: statement for statement in FULL_TEXT[1:]}
    stale = [name for name, sql in wanted.items() if stored.get(name) != sql]
    retired = [name for name in FULL_TEXT_RETIRED_TRIGGERS if name in stored]
    if not stale and not retired:
        return
    conn = db.conn
    conn.commit()
    try:  # one transaction: never a moment without a trigger, nor with the old one beside the writer's update
        conn.execute("BEGIN IMMEDIATE")
        for name in stale + retired:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name in stale:
            conn.execute(wanted[name])
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
