"""Reports published as files and as images, found by a real crawl of the demo portal with its
reports also published as PDF, DOC, DOCX and PNG pages (demo_portal.sites.DOCUMENTS), read in the
crawl's extraction workers into `reports` rows that name their source; one current report per
agency and year; reextract, a file that cannot be read, and an archive from before all this."""
from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from dataclasses import replace

import pytest

from archive.db import open_archive
from archive.reextract import reextract
from conftest import crawl, run_cli
from demo_portal.renditions import rendition, rendition_pages
from demo_portal.server import DemoPortal
from demo_portal.sites import DOCUMENTS, Attachment, all_sites, ningxia
from expected import EXPECTED_REPORTS
from formats_support import expected_cells

pytestmark = pytest.mark.slow  # LibreOffice converts the DOC; the PNG pages are OCR'd (≈10 s a page)

SOURCE_KIND = {"pdf": "pdf", "doc": "doc", "docx": "docx", "png": "image"}


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def cell_set(db, report_id: int) -> set:
    return {(t, r, c, v, type(v).__name__, raw) for t, r, c, v, raw in rows(
        db, "SELECT table_code, row_code, col_code, value, raw FROM report_cells WHERE report_id = ?", [report_id])}


@pytest.fixture(scope="module")
def documents_portal():
    with DemoPortal(all_sites(documents=True)) as portal:
        yield portal


@pytest.fixture(scope="module")
def documents_crawl(documents_portal, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("documents")
    sites = documents_portal.write_sites_file(tmp / "sites.toml")
    db = tmp / "archive.db"
    result = crawl(sites, db)
    return db, result


def report_rows(portal, db) -> dict:
    """(site, page path, source) → (source_kind, agency, year, duplicate_of's source or None, id)."""
    got = {}
    by_id = {}
    for rid, url, source, kind, agency, year, dup in rows(
            db, "SELECT r.id, p.url, r.source, r.source_kind, r.agency, r.year, r.duplicate_of"
                " FROM reports r JOIN pages p ON p.id = r.page"):
        key = next(k for k, s in portal.servers.items() if url.startswith(s.origin + "/"))
        path = url[len(portal.servers[key].origin):]
        by_id[rid] = source
        got[(key, path, source)] = [kind, agency, year, dup, rid]
    for value in got.values():
        value[3] = by_id.get(value[3])
    return {k: tuple(v[:4]) for k, v in got.items()}, {k: v[4] for k, v in got.items()}


def test_the_crawl_finds_exactly_these_reports_with_their_sources(documents_portal, documents_crawl):
    db, _ = documents_crawl
    got, _ = report_rows(documents_portal, db)
    expected = {}
    for (site, path), (agency, year) in EXPECTED_REPORTS.items():
        expected[(site, path, "page")] = ("html", agency, year, None)
    for site, (path, how, _seed, kind, _link) in DOCUMENTS.items():
        agency, year = EXPECTED_REPORTS[(site, path)]
        source = "images" if how == "images" else "attachment"
        if how == "also":  # the tables on the page are complete: the page's report wins, the PDF is evidence
            expected[(site, path, source)] = (SOURCE_KIND[kind], agency, year, "page")
        else:  # the page has no tables (0 cells, incomplete): the file's report wins
            expected[(site, path, source)] = (SOURCE_KIND[kind], agency, year, None)
            expected[(site, path, "page")] = ("html", agency, year, source)
    assert got == expected


@pytest.mark.parametrize("site", sorted(DOCUMENTS))
def test_every_published_file_gives_the_seed_cells_exactly(documents_portal, documents_crawl, site):
    db, _ = documents_crawl
    path, how, seed, kind, _ = DOCUMENTS[site]
    source = "images" if how == "images" else "attachment"
    _, ids = report_rows(documents_portal, db)
    report_id = ids[(site, path, source)]
    got, expected = cell_set(db, report_id), expected_cells(seed)
    assert sorted(got - expected, key=str) == [] and sorted(expected - got, key=str) == []
    ((found, expected_n, status, warnings),) = rows(
        db, "SELECT cells_found, expected_cells, check_status, warnings FROM reports WHERE id = ?", [report_id])
    assert (found, status, warnings) == (expected_n, "ok", "[]")


def test_one_current_report_per_agency_and_year(documents_portal, documents_crawl):
    db, _ = documents_crawl
    current = rows(db, "SELECT agency, year FROM current_reports ORDER BY agency, year")
    assert current == sorted(EXPECTED_REPORTS.values())
    summary = rows(db, "SELECT agency, year, source, cells_found FROM report_summary ORDER BY agency, year")
    assert [(a, y) for a, y, *_ in summary] == current
    sources = {(a, y): (s, n) for a, y, s, n in summary}
    assert sources[("衢州市应急管理局", 2023)] == ("images", 200)
    assert sources[("宁波市江北区应急管理局", 2020)] == ("page", 198)
    assert sources[("威海市环翠区应急管理局", 2020)] == ("attachment", 198)


def test_images_archived_in_page_order(documents_portal, documents_crawl):
    db, _ = documents_crawl
    page = documents_portal.url("quzhou", DOCUMENTS["quzhou"][0])
    got = rows(db, "SELECT image_index, sha256, content_type FROM attachments"
                   " WHERE source_page = ? AND image_index IS NOT NULL ORDER BY image_index", [page])
    assert got == [(n, hashlib.sha256(png).hexdigest(), "image/png") for n, png in enumerate(rendition_pages("003"))]


def test_summary_and_listing_name_the_sources(documents_crawl):
    db, result = documents_crawl
    assert f"report pages found: {len(EXPECTED_REPORTS)}\n" in result.stdout
    assert "  衢州市应急管理局 2021 (layout 2021), 2022 (layout 2021), " \
           "2023 (layout 2021; from 3 page images, 200 of 200 cells)\n" in result.stdout
    assert "  威海市环翠区应急管理局 2020 (layout 2019; from a PDF attachment, 198 of 198 cells)\n" in result.stdout
    assert "  阎良区应急管理局 2020 (layout 2019; from a DOC attachment, 198 of 198 cells)\n" in result.stdout
    assert "2020 (layout 2019; from a DOCX attachment, 198 of 198 cells)" in result.stdout
    listed = run_cli("reports", "--db", str(db)).stdout.splitlines()
    assert listed[-1] == f"{len(EXPECTED_REPORTS)} reports"
    read_from = sorted(re.search(r"  \(from (\w+) (?:\S*/)?(\S+)\)$", line).groups() for line in listed if "  (from " in line)
    assert read_from == [("doc", "P2020ndbg.doc"), ("docx", "P2020ndbg.docx"), ("its", "images"), ("pdf", "P2020ndbg.pdf")]


def test_export_has_one_row_per_current_report(documents_crawl, tmp_path):
    import csv

    db, _ = documents_crawl
    run_cli("export", "--db", str(db), "--format", "csv", str(tmp_path / "r.csv"))
    with open(tmp_path / "r.csv", encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    assert sorted((r["agency"], int(r["year"])) for r in exported) == sorted(EXPECTED_REPORTS.values())
    huancui = next(r for r in exported if r["agency"] == "威海市环翠区应急管理局")
    seed = {f"{t}.{r}.{c}": v for t, r, c, v, _k, _raw in expected_cells("001")}
    assert {k: huancui[k] for k in seed} == {k: "" if v is None else str(v) for k, v in seed.items()}


DERIVED = ("SELECT id, page, source, attachment, source_kind, duplicate_of, title, agency, year, layout, cell_count,"
           " check_status, expected_cells, cells_found, warnings, extractor_version FROM reports ORDER BY id",
           "SELECT * FROM report_cells ORDER BY report_id, table_code, row_code, col_code",
           "SELECT id, extract_error, extractor_version, extraction_digest FROM attachments ORDER BY id")


def snapshot(db):
    return [rows(db, sql) for sql in DERIVED]


def test_reextract_covers_files_and_images(documents_crawl, tmp_path):
    db, _ = documents_crawl
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    before = snapshot(copy)
    same = reextract(str(copy), jobs=2)
    assert (same.documents, same.document_reports, same.documents_changed) == (9, 5, 0)
    assert snapshot(copy) == before  # nothing changed: same rows, same ids
    with sqlite3.connect(copy) as conn:  # as after an EXTRACTOR_VERSION bump: every stored output stale
        conn.execute("UPDATE attachments SET extraction_digest = 'from an older extractor'")
        conn.execute("DELETE FROM report_cells WHERE report_id IN (SELECT id FROM reports WHERE source != 'page')")
    again = reextract(str(copy), jobs=2)
    assert (again.documents, again.document_reports, again.documents_changed) == (9, 5, 9)
    assert snapshot(copy) == before  # rewritten whole: the same reports under the same ids


def test_a_file_that_cannot_be_read_is_named_and_the_crawl_goes_on(tmp_path):
    site = ningxia()
    report = "/xxgk/zfxxgknb/202101/t20210126_2575380.html"
    broken = Attachment("/xxgk/zfxxgknb/202101/P2020ndbg.pdf", rendition("004", "pdf")[:3000], "application/pdf", "a")
    docx = Attachment("/xxgk/zfxxgknb/202101/P2020ndbg.docx", b"PK\x03\x04 not a zip", "application/msword", "a")
    site = replace(site, attachments={report: [broken, docx] + site.attachments[report]})
    with DemoPortal((site,)) as portal:
        sites = portal.write_sites_file(tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        result = crawl(sites, db)
        errors = dict(rows(db, "SELECT url, extract_error FROM attachments"))
        assert result.returncode == 0
        assert errors[portal.url("ningxia", broken.path)] == "not a readable PDF (PdfminerException: Unexpected EOF)"
        assert "damaged ZIP" in errors[portal.url("ningxia", docx.path)]
        assert errors[portal.url("ningxia", "/xxgk/zfxxgknb/202101/P020210126_2575380.pdf")] is None  # read: no report
        assert rows(db, "SELECT source, agency, year FROM current_reports ORDER BY year") == [
            ("page", "宁夏回族自治区应急管理厅", 2019), ("page", "宁夏回族自治区应急管理厅", 2020)]
        assert rows(db, "SELECT count(*) FROM reports WHERE source != 'page'") == [(0,)]


OLD_REPORTS = """CREATE TABLE reports (
    id INTEGER PRIMARY KEY, page INTEGER NOT NULL UNIQUE REFERENCES pages(id), title TEXT, agency TEXT, year INTEGER,
    layout TEXT, cell_count INTEGER, checks_failed INTEGER, check_status TEXT, expected_cells INTEGER,
    cells_found INTEGER, warnings TEXT, extractor_version TEXT, extracted_at TEXT)"""
OLD_CURRENT = """CREATE VIEW current_reports AS SELECT r.*, p.url, p.fetched_at FROM reports r JOIN pages p
    ON p.id = r.page WHERE p.id = (SELECT max(id) FROM pages WHERE url = p.url)"""
OLD_COLUMNS = ("id, page, title, agency, year, layout, cell_count, checks_failed, check_status, expected_cells,"
               " cells_found, warnings, extractor_version, extracted_at")


def test_an_archive_from_before_is_rebuilt_keeping_every_row_and_id(documents_crawl, tmp_path):
    """Schema 2: reports with UNIQUE (page), no source columns, attachments without extraction."""
    db, _ = documents_crawl
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    with sqlite3.connect(old) as conn:
        for (view,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
            conn.execute(f"DROP VIEW {view}")
        doc_ids = [r[0] for r in conn.execute("SELECT id FROM reports WHERE source != 'page'")]
        conn.execute(f"DELETE FROM report_cells WHERE report_id IN ({','.join(map(str, doc_ids))})")
        conn.execute(f"DELETE FROM report_checks WHERE report_id IN ({','.join(map(str, doc_ids))})")
        conn.execute(OLD_REPORTS.replace("reports", "reports_old", 1))
        conn.execute(f"INSERT INTO reports_old ({OLD_COLUMNS}) SELECT {OLD_COLUMNS} FROM reports WHERE source = 'page'")
        conn.execute("DROP TABLE reports")
        conn.execute("ALTER TABLE reports_old RENAME TO reports")
        conn.execute("DELETE FROM attachments WHERE image_index IS NOT NULL")  # crawlers before fetched no images
        for column in ("image_index", "extractor_version", "extract_error", "extraction_digest"):
            conn.execute(f"ALTER TABLE attachments DROP COLUMN {column}")
        conn.execute(OLD_CURRENT)
        conn.execute("PRAGMA user_version = 2")
    before_reports = rows(old, f"SELECT {OLD_COLUMNS} FROM reports ORDER BY id")
    before_cells = rows(old, "SELECT * FROM report_cells ORDER BY report_id, table_code, row_code, col_code")
    assert len(before_reports) == len(EXPECTED_REPORTS) and len(before_cells) == 198 + 200 + 200  # the page reports with tables

    open_archive(str(old)).close()
    assert rows(old, f"SELECT {OLD_COLUMNS} FROM reports ORDER BY id") == before_reports
    assert rows(old, "SELECT * FROM report_cells ORDER BY report_id, table_code, row_code, col_code") == before_cells
    assert rows(old, "SELECT DISTINCT source, attachment, duplicate_of FROM reports") == [("page", None, None)]
    assert rows(old, "PRAGMA user_version") == [(3,)] and rows(old, "PRAGMA foreign_key_check") == []
    assert rows(old, "PRAGMA integrity_check") == [("ok",)]
    schema = rows(old, "SELECT sql FROM sqlite_master WHERE tbl_name = 'reports'")
    assert not any("UNIQUE" in (sql or "") and "CREATE TABLE" in sql for (sql,) in schema)
    # The next crawl's backlog reads the files the old archive held unread: run it as reextract does.
    result = reextract(str(old))
    assert (result.documents, result.document_reports) == (8, 4)
    got = rows(old, "SELECT agency, year, source FROM current_reports ORDER BY agency, year")
    assert [(a, y) for a, y, _ in got] == sorted(EXPECTED_REPORTS.values())
    assert [s for *_, s in got].count("attachment") == 3  # huancui PDF, ningxia DOCX, yanliang DOC (jiangbei's page wins)
    assert rows(old, f"SELECT {OLD_COLUMNS} FROM reports WHERE source = 'page' ORDER BY id") == before_reports


def test_report_page_says_where_the_report_was_read_from(documents_portal, documents_crawl):
    from test_report_page import Client, shown_cells

    db, _ = documents_crawl
    _, ids = report_rows(documents_portal, db)
    path = DOCUMENTS["huancui"][0]
    client = Client(db)
    doc = client.html(f"/-/report/{ids[('huancui', path, 'attachment')]}")
    assert doc.get_element_by_id("read-from").text_content() == "attachment P2020ndbg.pdf (pdf)"
    seed = {f"{c[0]}.{c[1]}.{c[2]}": ("" if c[3] is None else str(c[3]), c[5]) for c in expected_cells("001")}
    assert shown_cells(doc) == seed
    page_report = client.html(f"/-/report/{ids[('huancui', path, 'page')]}")
    link = page_report.get_element_by_id("duplicate-of").xpath(".//a/@href")
    assert link == [f"/-/report/{ids[('huancui', path, 'attachment')]}"]
    images = client.html(f"/-/report/{ids[('quzhou', DOCUMENTS['quzhou'][0], 'images')]}")
    assert images.get_element_by_id("read-from").text_content() == "the page's images （图片版）, read in order (image)"


def test_files_left_unread_are_read_by_the_next_crawl(tmp_path):
    """Archived without extraction (EXTRACT_DURING_CRAWL=False, or a crawl that died): the next
    crawl of the site reads its files first, as it does pages."""
    from demo_portal.sites import with_documents

    site = with_documents(ningxia())  # the 2020 report only as a DOCX
    with DemoPortal((site,)) as portal:
        sites = portal.write_sites_file(tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        crawl(sites, db, "-s", "EXTRACT_DURING_CRAWL=False")
        assert rows(db, "SELECT count(*), count(extraction_digest) FROM attachments") == [(2, 0)]  # the DOCX and the pdf.js PDF
        assert rows(db, "SELECT count(*) FROM reports") == [(0,)]
        crawl(sites, db)
        assert rows(db, "SELECT count(*), count(extraction_digest) FROM attachments") == [(2, 2)]
        ((report_id, source, kind),) = rows(db, "SELECT id, source, source_kind FROM current_reports WHERE year = 2020")
        assert (source, kind) == ("attachment", "docx")
        assert cell_set(db, report_id) == expected_cells("004")


def test_a_changed_page_keeps_the_report_of_its_unchanged_file(tmp_path):
    """The page changes (a correction notice), the DOCX it links does not: the file stays one
    version, and it and its report move to the new page version, which stays the current report."""
    from demo_portal.sites import with_documents

    site = with_documents(ningxia())
    report = DOCUMENTS["ningxia"][0]
    with DemoPortal((site,)) as portal:
        sites = portal.write_sites_file(tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        crawl(sites, db)
        ((first_id, first_page),) = rows(db, "SELECT id, page FROM current_reports WHERE year = 2020")
        server = portal.servers["ningxia"]
        server.set_page(report, server.pages[report][0].replace(b"</body>", "<p>更正说明。</p></body>".encode("gbk")))
        crawl(sites, db, "-s", "REFETCH_AFTER=0")
        url = portal.url("ningxia", report)
        old_version, new_version = [i for (i,) in rows(db, "SELECT id FROM pages WHERE url = ? ORDER BY id", [url])]
        assert first_page == old_version
        assert rows(db, "SELECT count(*) FROM attachments") == [(2,)]  # the files: one version each
        assert rows(db, "SELECT DISTINCT page_id FROM attachments") == [(new_version,)]
        ((report_id, page, source),) = rows(db, "SELECT id, page, source FROM current_reports WHERE year = 2020")
        assert (report_id, page, source) == (first_id, new_version, "attachment")
        assert cell_set(db, report_id) == expected_cells("004")
        # Each page version keeps its own (empty) page report; the new one defers to the file's.
        assert rows(db, "SELECT page, duplicate_of FROM reports WHERE source = 'page' AND year = 2020 ORDER BY page") \
            == [(old_version, None), (new_version, report_id)]
