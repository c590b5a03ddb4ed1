"""The archive library: versions deduplicated, extraction errors stored, bad files named."""
from __future__ import annotations

import pytest

from archive.db import ArchiveError, open_archive
from archive.store import Fetch, store_fetch
from demo_portal.seeds import seed_path


def test_same_bytes_same_url_is_one_row(tmp_path):
    db = open_archive(tmp_path / "a.db")
    body = seed_path("000").read_bytes()
    first = store_fetch(db, Fetch(url="http://x/1", body=body, headers={"Content-Type": ["text/plain"]}))
    again = store_fetch(db, Fetch(url="http://x/1", body=body, headers={"Content-Type": ["text/plain"]}))
    assert first.new and not again.new and again.page_id == first.page_id
    assert first.is_report and again.report_id == first.report_id
    changed = store_fetch(db, Fetch(url="http://x/1", body=body + b"\n", headers={"Content-Type": ["text/plain"]}))
    assert changed.new and changed.page_id != first.page_id  # a new version; the old bytes stay
    assert db.execute("SELECT count(*) FROM pages WHERE url = 'http://x/1'").fetchone()[0] == 2
    assert db.execute("SELECT raw_body(body, body_codec) FROM pages WHERE id = ?", [first.page_id]).fetchone()[0] == body


def test_wal_mode(tmp_path):
    db = open_archive(tmp_path / "a.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_extractor_failure_is_stored_and_page_kept(tmp_path, monkeypatch):
    import archive.store

    def broken(body, content_type=None, site_name=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(archive.store, "extract_page", broken)
    db = open_archive(tmp_path / "a.db")
    stored = store_fetch(db, Fetch(url="http://x/2", body=b"<html>x</html>"))
    assert stored.error == "RuntimeError: boom"
    row = db.execute("SELECT raw_body(body, body_codec), extract_error, is_report FROM pages WHERE id = ?",
                     [stored.page_id]).fetchone()
    assert row == (b"<html>x</html>", "RuntimeError: boom", 0)


def test_not_an_archive_is_named_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not SQLite" * 100)
    with pytest.raises(ArchiveError) as err:
        open_archive(path)
    assert str(err.value) == f"{path}: not a SQLite database"
    assert path.read_bytes() == b"these are my notes, not SQLite" * 100


def test_missing_directory(tmp_path):
    with pytest.raises(ArchiveError, match="does not exist"):
        open_archive(tmp_path / "no" / "a.db")
