"""`govarchive migrate`: bring an archive written by an older govarchive to the compact storage.

- Bodies of `pages` and `attachments` stored raw are compressed (archive/bodies.py) where that is
  smaller; each one is decompressed and checked against its row's sha256 before it replaces the
  raw bytes. A body whose raw bytes do not match its sha256 is left as it is and named.
- `pages.html` (a decoded copy of the body) is emptied: it is derived from the body when needed.
- `report_cells` is rebuilt WITHOUT ROWID (the primary key is the table; no second copy of it),
  every row copied and counted.
- The full-text index with token positions is replaced by this version's (archive.db._full_text,
  which runs as the archive is opened).

Batches of BATCH rows, each its own transaction, so an interrupted migration loses nothing and
the same command goes on. Then every body is read back and checked against its sha256, and the file
is VACUUMed so the space is given back. A second run finds nothing to do and changes nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from archive import bodies
from archive.db import open_archive
from archive.schema import REPORT_CELLS, VIEWS

BATCH = 500
CELL_COLUMNS = "report_id, table_code, row_code, col_code, value, raw"


@dataclass
class MigrateResult:
    compressed: dict[str, int] = field(default_factory=lambda: {"pages": 0, "attachments": 0})
    left_raw: dict[str, int] = field(default_factory=lambda: {"pages": 0, "attachments": 0})
    html_emptied: int = 0
    cells_repacked: int | None = None  # None: report_cells was WITHOUT ROWID already
    verified: int = 0
    mismatched: list[str] = field(default_factory=list)  # "table id: why"
    bytes_before: int = 0
    bytes_after: int = 0

    @property
    def changed(self) -> bool:
        return bool(sum(self.compressed.values()) or self.html_emptied or self.cells_repacked is not None)

    def format(self) -> str:
        if not self.changed and not self.mismatched:
            return f"nothing to migrate: {self.verified} bodies verified against their sha256"
        cells = ("report_cells already WITHOUT ROWID" if self.cells_repacked is None
                 else f"{self.cells_repacked} cells moved to a WITHOUT ROWID table")
        lines = [f"compressed {self.compressed['pages']} page and {self.compressed['attachments']} attachment bodies"
                 f" ({self.left_raw['pages'] + self.left_raw['attachments']} left raw: not smaller compressed);"
                 f" html emptied on {self.html_emptied} pages; {cells}",
                 f"verified {self.verified} bodies against their sha256; archive {self.bytes_before:,} -> "
                 f"{self.bytes_after:,} bytes"]
        lines += [f"NOT migrated, body does not match its sha256: {m}" for m in self.mismatched]
        return "\n".join(lines)


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _file_bytes(db) -> int:
    return db.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size").fetchone()[0]


def _compress(db, table: str, result: MigrateResult) -> None:
    """Raw bodies compressed, a batch a transaction; rows that stay raw are passed by id."""
    last = 0
    while True:
        rows = db.execute(f"SELECT id, body, sha256 FROM {table} WHERE body_codec IS NULL AND body IS NOT NULL"
                          f" AND id > ? ORDER BY id LIMIT {BATCH}", [last]).fetchall()
        if not rows:
            return
        with db.atomic():
            for row_id, raw, sha in rows:
                if _sha(raw) != sha:
                    result.mismatched.append(f"{table} {row_id}: stored bytes have sha256 {_sha(raw)}, row says {sha}")
                    continue
                packed, codec = bodies.pack(raw)
                if codec is None:
                    result.left_raw[table] += 1
                    continue
                if _sha(bodies.unpack(packed, codec)) != sha:  # never replace bytes we could not get back
                    raise RuntimeError(f"{table} {row_id}: compressed body does not decompress to its bytes")
                db.execute(f"UPDATE {table} SET body = ?, body_codec = ? WHERE id = ?", [packed, codec, row_id])
                result.compressed[table] += 1
        last = rows[-1][0]


def _empty_html(db, result: MigrateResult) -> None:
    while True:
        with db.atomic():
            cursor = db.execute(f"UPDATE pages SET html = NULL WHERE id IN"
                                f" (SELECT id FROM pages WHERE html IS NOT NULL LIMIT {BATCH})")
        if not cursor.rowcount:
            return
        result.html_emptied += cursor.rowcount


def _repack_cells(db, result: MigrateResult) -> None:
    """report_cells as a WITHOUT ROWID table, in one transaction (the view over it dropped and
    made again: SQLite cannot rename a table a view names)."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'report_cells'").fetchone()[0]
    if "WITHOUT ROWID" in sql.upper():
        return
    before = db.execute("SELECT count(*), total(length(raw)) FROM report_cells").fetchone()
    with db.atomic():
        db.execute("DROP VIEW IF EXISTS report_summary")
        db.execute(REPORT_CELLS.format(name="report_cells_packed"))
        db.execute(f"INSERT INTO report_cells_packed ({CELL_COLUMNS}) SELECT {CELL_COLUMNS} FROM report_cells")
        after = db.execute("SELECT count(*), total(length(raw)) FROM report_cells_packed").fetchone()
        if after != before:
            raise RuntimeError(f"report_cells: {before[0]} cells, the copy has {after[0]}; nothing changed")
        db.execute("DROP TABLE report_cells")
        db.execute("ALTER TABLE report_cells_packed RENAME TO report_cells")
    db.executescript(VIEWS)
    result.cells_repacked = before[0]


def _verify(db, result: MigrateResult) -> None:
    bad = {m.split(":")[0] for m in result.mismatched}
    for table in ("pages", "attachments"):
        last = 0
        while True:
            rows = db.execute(f"SELECT id, body, body_codec, sha256 FROM {table} WHERE body IS NOT NULL AND id > ?"
                              f" ORDER BY id LIMIT {BATCH}", [last]).fetchall()
            if not rows:
                break
            for row_id, stored, codec, sha in rows:
                if _sha(bodies.unpack(stored, codec)) != sha and f"{table} {row_id}" not in bad:
                    raise RuntimeError(f"{table} {row_id}: body does not match its sha256 after migration")
                result.verified += 1
            last = rows[-1][0]


def migrate(db_path: str) -> MigrateResult:
    """Migrate in place (open_archive first adds the columns an older archive lacks)."""
    db = open_archive(db_path, create=False)
    result = MigrateResult(bytes_before=_file_bytes(db))
    for table in ("pages", "attachments"):
        _compress(db, table, result)
    _empty_html(db, result)
    _repack_cells(db, result)
    _verify(db, result)
    if result.changed:
        db.execute("VACUUM")
    result.bytes_after = _file_bytes(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return result
