"""`govarchive reextract`: idempotent, parallel = serial, errors stored without stopping the run."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from archive.db import open_archive
from archive.reextract import reextract
from conftest import run_cli
from expected import N_PAGES, N_REPORTS

DERIVED = {
    "reports": "SELECT id, page, title, agency, year, layout, cell_count, checks_failed, warnings, extractor_version,"
               " extracted_at FROM reports ORDER BY id",
    "report_cells": "SELECT * FROM report_cells ORDER BY report_id, table_code, row_code, col_code",
    "report_checks": "SELECT * FROM report_checks ORDER BY rowid",
    "pages": "SELECT id, encoding, text, title, index_no, publisher, written_date, published_date, doc_no, topic,"
             " disclosure, genre, is_report, extractor_version, extract_error, extraction_digest FROM pages ORDER BY id",
}


def snapshot(db) -> dict:
    with sqlite3.connect(db) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in DERIVED.items()}


@pytest.fixture
def archive_copy(crawled, tmp_path):
    db, _, _ = crawled
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return copy


def test_reextract_twice_gives_identical_rows(archive_copy):
    first = reextract(str(archive_copy))
    after_first = snapshot(archive_copy)
    second = reextract(str(archive_copy))
    assert snapshot(archive_copy) == after_first
    assert (first.pages, first.reports) == (second.pages, second.reports) == (N_PAGES, N_REPORTS)
    assert second.changed == 0  # nothing rewritten: same output, same rows, same timestamps


def test_jobs_2_gives_the_same_rows_as_jobs_1(archive_copy, tmp_path):
    other = tmp_path / "other.db"
    shutil.copy(archive_copy, other)
    # Force a real rewrite in both: an extraction from an "older extractor" is replaced.
    for path in (archive_copy, other):
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE pages SET extraction_digest = 'stale'")
    one = reextract(str(archive_copy), jobs=1)
    two = reextract(str(other), jobs=2)
    assert one.changed == two.changed == N_PAGES
    a, b = snapshot(archive_copy), snapshot(other)
    strip = lambda rows: [r[:-1] for r in rows]  # noqa: E731 - extracted_at is the run's own time
    assert strip(a["reports"]) == strip(b["reports"])
    assert a["report_cells"] == b["report_cells"] and a["report_checks"] == b["report_checks"]
    assert a["pages"] == b["pages"]


def test_a_failing_page_is_recorded_and_the_run_goes_on(archive_copy, monkeypatch):
    import archive.store
    from extract.page import extract_page as real

    def flaky(body, content_type=None, site_name=None):
        if "我局嚴格按照條例規定".encode() in body:  # prose of the traditional report only
            raise ValueError("unparseable table")
        return real(body, content_type, site_name)

    with sqlite3.connect(archive_copy) as conn:
        conn.execute("UPDATE pages SET extraction_digest = 'stale'")
    monkeypatch.setattr(archive.store, "extract_page", flaky)
    result = reextract(str(archive_copy))
    assert result.errors == 1 and result.pages == N_PAGES and result.reports == N_REPORTS - 1
    db = open_archive(archive_copy)
    assert db.execute("SELECT extract_error FROM pages WHERE extract_error IS NOT NULL").fetchall() == [
        ("ValueError: unparseable table",)]
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == N_REPORTS - 1
    assert db.execute("SELECT count(*) FROM pages WHERE body IS NOT NULL").fetchone()[0] == N_PAGES  # nothing lost


def test_since_limits_the_pages(archive_copy):
    assert reextract(str(archive_copy), since="2999-01-01").pages == 0


def test_cli_summary(archive_copy):
    out = run_cli("reextract", "--db", str(archive_copy), "--jobs", "2").stdout
    assert out.startswith(f"re-extracted {N_PAGES} pages: {N_REPORTS} reports, ")
    assert "0 extractor errors" in out


def test_cli_missing_archive(tmp_path):
    result = run_cli("reextract", "--db", str(tmp_path / "none.db"), check=False)
    assert result.returncode == 2 and f"{tmp_path / 'none.db'}: no such archive" in result.stderr


def test_progress_bar_on_a_terminal(archive_copy):
    """On a terminal (a pty here, 100 columns) reextract draws a progress bar; piped, it does not."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    from conftest import GOVARCHIVE, ROOT

    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on the pty, 30 rows by 100 columns
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.chdir(ROOT)
        os.execv(GOVARCHIVE[0], GOVARCHIVE + ["reextract", "--db", str(archive_copy)])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    text = out.decode("utf-8", "replace")
    assert "reextract: 100%" in text and f"{N_PAGES}/{N_PAGES}" in text
    assert "reextract:" not in run_cli("reextract", "--db", str(archive_copy)).stderr


def test_reextract_brings_an_older_archive_to_the_new_columns_and_statuses(archive_copy):
    """An archive written before expected_cells/cells_found and the incomplete status existed:
    opening it adds the columns, reextract fills them and rewrites every report's status."""
    from extract.version import EXTRACTOR_VERSION

    with sqlite3.connect(archive_copy) as conn:
        conn.execute("DROP VIEW current_reports")  # views over reports.* would block DROP COLUMN
        conn.execute("DROP VIEW report_summary")
        conn.execute("ALTER TABLE reports DROP COLUMN expected_cells")
        conn.execute("ALTER TABLE reports DROP COLUMN cells_found")
        conn.execute("UPDATE reports SET check_status = 'none', extractor_version = '0.1.0'")
        conn.execute("UPDATE pages SET extraction_digest = 'from 0.1.0', extractor_version = '0.1.0'")
    result = reextract(str(archive_copy))
    assert result.changed == N_PAGES
    with sqlite3.connect(archive_copy) as conn:
        rows = conn.execute("SELECT r.agency, r.year, r.layout, r.expected_cells, r.cells_found, r.check_status,"
                            " r.extractor_version FROM reports r ORDER BY r.agency, r.year").fetchall()
        assert conn.execute("SELECT count(*) FROM current_reports").fetchone()[0] == N_REPORTS  # views back
    assert {r[6] for r in rows} == {EXTRACTOR_VERSION}
    by = {(a, y): (layout, exp, found, status) for a, y, layout, exp, found, status, _ in rows}
    assert by[("宁波市江北区应急管理局", 2020)] == ("2019", 198, 198, "ok")
    assert by[("衢州市应急管理局", 2023)] == ("2021", 200, 200, "ok")
    # The 2019 report published as images only: a report with no tables is incomplete, not ok.
    assert by[("宁夏回族自治区应急管理厅", 2019)] == (None, None, 0, "incomplete")
