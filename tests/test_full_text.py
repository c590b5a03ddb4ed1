"""The full-text index follows every change of a page's title or text, and only those: an
extraction that rewrites a page row with the same text leaves the index alone (its update trigger
has a WHEN), and an archive made with the older trigger gets the current one when opened."""
from __future__ import annotations

from archive.db import open_archive
from archive.schema import FULL_TEXT
from archive.store import Fetch, insert_version, write_extraction
from demo_portal.seeds import seed_path
from extract.page import extract_page

OLD_UPDATE_TRIGGER = FULL_TEXT[3].replace(
    "WHEN old.title IS NOT new.title OR old.text IS NOT new.text ", "")


def _hits(db, term: str) -> list[int]:
    return [r[0] for r in db.execute("SELECT rowid FROM pages_fts WHERE body LIKE ? ORDER BY rowid", [f"%{term}%"])]


def _fts_ok(db) -> None:
    db.execute("INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)")  # raises when out of step


def test_index_follows_title_and_text_and_old_trigger_is_replaced(tmp_path):
    path = tmp_path / "a.db"
    db = open_archive(path)
    body = seed_path("000").read_bytes()
    page_id, _ = insert_version(db, Fetch(url="http://x.example/r.txt", body=body,
                                          headers={"Content-Type": ["text/plain; charset=utf-8"]}, site="x"))
    extraction = extract_page(body, "text/plain")
    with db.conn:
        write_extraction(db, page_id, extraction)
    assert _hits(db, "依申请公开") == [page_id]
    with db.conn:  # the older archive: its update trigger fired on every rewrite
        db.conn.execute("DROP TRIGGER pages_fts_au")
        db.conn.execute(OLD_UPDATE_TRIGGER)
    db.close()

    db = open_archive(path)
    assert db.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_fts_au'").fetchone()[0] == FULL_TEXT[3]
    assert OLD_UPDATE_TRIGGER != FULL_TEXT[3]
    with db.conn:  # same text, another column: the index is left as it is, and still in step
        db.execute("UPDATE pages SET title = title, text = text, is_report = 0 WHERE id = ?", [page_id])
    _fts_ok(db)
    assert _hits(db, "依申请公开") == [page_id]
    with db.conn:  # a new title and text: the index follows
        db.execute("UPDATE pages SET title = '某局年度报告甲乙丙', text = '丁戊己庚' WHERE id = ?", [page_id])
    _fts_ok(db)
    assert _hits(db, "依申请公开") == []
    assert _hits(db, "甲乙丙") == _hits(db, "戊己庚") == [page_id]
    db.close()
