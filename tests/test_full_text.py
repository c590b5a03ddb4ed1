"""The full-text index follows every change of a page's title or text, and only those. The writer
of both (archive.store.write_extraction) updates the index itself; an archive made with an update
trigger (either earlier form) has it dropped when opened, so no change is indexed twice."""
from __future__ import annotations

import dataclasses

from archive.db import open_archive
from archive.schema import FULL_TEXT
from archive.store import Fetch, insert_version, write_extraction
from demo_portal.seeds import seed_path
from extract.page import extract_page

_NEW = "INSERT INTO pages_fts(rowid, body) VALUES (new.id, coalesce(new.title, '') || char(10) || coalesce(new.text, ''))"
_OLD = ("INSERT INTO pages_fts(pages_fts, rowid, body) VALUES ('delete', old.id, coalesce(old.title, '') || char(10)"
        " || coalesce(old.text, ''))")
OLD_UPDATE_TRIGGERS = (  # as earlier versions created them
    f"CREATE TRIGGER pages_fts_au AFTER UPDATE OF title, text ON pages BEGIN {_OLD}; {_NEW}; END",
    "CREATE TRIGGER pages_fts_au AFTER UPDATE OF title, text ON pages WHEN old.title IS NOT new.title OR old.text IS"
    f" NOT new.text BEGIN {_OLD}; {_NEW}; END",
)


def _hits(db, term: str) -> list[int]:
    return [r[0] for r in db.execute("SELECT rowid FROM pages_fts WHERE body LIKE ? ORDER BY rowid", [f"%{term}%"])]


def _fts_ok(db) -> None:
    # Compares the index with page_texts (its content): raises when a change was missed or indexed twice.
    db.execute("INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)")


def _triggers(db) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pages_fts%'")}


def _store(db, seed: str) -> tuple[int, object]:
    body = seed_path(seed).read_bytes()
    page_id, _ = insert_version(db, Fetch(url=f"http://x.example/{seed}.txt", body=body,
                                          headers={"Content-Type": ["text/plain; charset=utf-8"]}, site="x"))
    return page_id, extract_page(body, "text/plain")


def test_extraction_keeps_the_index_in_step(tmp_path):
    db = open_archive(tmp_path / "a.db")
    assert _triggers(db) == {"pages_fts_ai", "pages_fts_ad"}
    page_id, extraction = _store(db, "000")
    other_id, other = _store(db, "001")
    with db.atomic():
        write_extraction(db, page_id, extraction)
        write_extraction(db, other_id, other)
    _fts_ok(db)
    assert _hits(db, "依申请公开") == [page_id, other_id]
    # The same title and text with other output (a new extractor version): the index is left alone.
    changed = dataclasses.replace(extraction, warnings=extraction.warnings + ["another warning"])
    with db.atomic():
        assert write_extraction(db, page_id, changed)[1]
    _fts_ok(db)
    assert _hits(db, "依申请公开") == [page_id, other_id]
    # A new title and text: the index follows, the old words gone from that page only.
    renamed = dataclasses.replace(extraction, title="某局年度报告甲乙丙", text="丁戊己庚")
    with db.atomic():
        write_extraction(db, page_id, renamed)
    _fts_ok(db)
    assert _hits(db, "依申请公开") == [other_id]
    assert _hits(db, "甲乙丙") == _hits(db, "戊己庚") == [page_id]
    db.close()


def test_an_old_update_trigger_is_dropped_on_open(tmp_path):
    for n, old_trigger in enumerate(OLD_UPDATE_TRIGGERS):
        path = tmp_path / f"{n}.db"
        db = open_archive(path)
        page_id, extraction = _store(db, "000")
        with db.atomic():
            db.conn.execute(old_trigger)  # the archive as an earlier version left it: its trigger indexed the text
            db.execute("UPDATE pages SET title = '旧标题', text = '旧的正文' WHERE id = ?", [page_id])
        _fts_ok(db)
        db.close()

        db = open_archive(path)
        assert _triggers(db) == {"pages_fts_ai", "pages_fts_ad"}
        assert [s.split()[2] for s in FULL_TEXT[1:]] == ["pages_fts_ai", "pages_fts_ad"]
        with db.atomic():
            write_extraction(db, page_id, extraction)
        _fts_ok(db)  # indexed once: a trigger left beside the writer's update would index it twice
        assert _hits(db, "依申请公开") == [page_id]
        assert _hits(db, "旧的正") == []
        db.close()
