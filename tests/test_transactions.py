"""A page's extraction lands whole or not at all. sqlite-utils 4 commits a bare write at once when no
transaction is open, and `with conn:` opens none: a write interrupted after its first statements
left a page marked extracted (its digest set) without its cells, and no later run redid it. The
archive's writes run in `Database.atomic()`. A failure midway is the interruption here: real
SQLite files, the demo portal's report pages."""
from __future__ import annotations

import sqlite3

import pytest

import archive.reextract
import archive.store
from archive.db import open_archive
from archive.reextract import reextract
from archive.reports import write_report
from archive.store import Fetch, insert_version, safe_extract, store_fetch, unextracted_pages, write_extraction
from bench.extract import demo_pages


class Interrupted(Exception):
    pass


def _reports(n: int) -> list[tuple[bytes, str]]:
    pages = [(body, ctype) for body, ctype, is_report in demo_pages() if is_report]
    assert len(pages) >= n
    return pages[:n]


def _fails_after(calls: int):
    """write_report that writes its report, cells and checks and then fails, from call `calls` on."""
    seen = [0]

    def failing(*args, **kwargs):
        report_id = write_report(*args, **kwargs)
        seen[0] += 1
        if seen[0] >= calls:
            raise Interrupted("after the cells")
        return report_id

    return failing


def _state(path) -> dict:
    with sqlite3.connect(path) as conn:
        return {
            "digests": conn.execute("SELECT id, extraction_digest, is_report FROM pages ORDER BY id").fetchall(),
            "reports": conn.execute("SELECT count(*) FROM reports").fetchone()[0],
            "cells": conn.execute("SELECT count(*) FROM report_cells").fetchone()[0],
            "checks": conn.execute("SELECT count(*) FROM report_checks").fetchone()[0],
            "index": conn.execute("INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)").fetchall(),
        }


def test_a_page_whose_extraction_fails_midway_keeps_none_of_it_and_is_redone(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    db = open_archive(path)
    (body, ctype), = _reports(1)
    fetch = Fetch(url="http://127.0.0.1/report.html", body=body, headers={"Content-Type": [ctype]}, site="demo")
    monkeypatch.setattr(archive.store, "write_report", _fails_after(1))
    with pytest.raises(Interrupted):
        store_fetch(db, fetch)
    state = _state(path)
    assert [(digest, is_report) for _, digest, is_report in state["digests"]] == [(None, 0)]  # stored, not extracted
    assert (state["reports"], state["cells"], state["checks"]) == (0, 0, 0)
    assert unextracted_pages(db, ["demo"]) == [state["digests"][0][0]]  # the next run redoes it
    monkeypatch.undo()
    stored = store_fetch(db, fetch)
    assert not stored.new  # the bytes were kept: the same version, not a second one
    with db.atomic():
        write_extraction(db, stored.page_id, *safe_extract(body, ctype, "demo"))
    state = _state(path)
    assert state["reports"] == 1 and state["cells"] > 150 and state["digests"][0][1] is not None
    db.close()


def test_a_reextract_batch_that_fails_midway_keeps_none_of_it(tmp_path, monkeypatch):
    path = tmp_path / "b.db"
    db = open_archive(path)
    for i, (body, ctype) in enumerate(_reports(3)):  # stored as an archive-only crawl stores them
        insert_version(db, Fetch(url=f"http://127.0.0.1/{i}.html", body=body, headers={"Content-Type": [ctype]},
                                 site="demo"))
    db.close()
    before = _state(path)
    assert [digest for _, digest, _ in before["digests"]] == [None, None, None]
    monkeypatch.setattr(archive.store, "write_report", _fails_after(2))  # the batch's second page
    with pytest.raises(Interrupted):
        reextract(str(path))
    assert _state(path) == before  # the first page's rows are not kept either
    monkeypatch.undo()
    result = reextract(str(path))
    after = _state(path)
    assert result.reports == 3 and after["reports"] == 3 and after["cells"] == result.cells > 450
    assert all(digest for _, digest, _ in after["digests"])
    assert archive.reextract.BATCH >= 3  # one batch: one transaction
