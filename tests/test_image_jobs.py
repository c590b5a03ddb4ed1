"""A report printed as images is written from all of its page's images, never from some: a crawl
restarted after a kill reads the images it already has while the rest arrive, and the two results
can land in either order (archive.documents.write_document_extraction refuses the stale one)."""
from __future__ import annotations

from archive.db import open_archive
from archive.documents import image_ids, images_job, write_document_extraction
from archive.store import Fetch, insert_version, store_attachment
from demo_portal.seeds import seed_path
from extract.page import extract_page

PAGE = "http://x.example/tpb.html"


def _image(db, n: int) -> int:
    fetch = Fetch(url=f"http://x.example/img{n}.png", body=b"\x89PNG\r\n\x1a\n" + bytes([n]) * 64,
                  headers={"Content-Type": ["image/png"]}, site="x")
    return store_attachment(db, fetch, PAGE, image_index=n)[0]


def _reports(db) -> list[tuple]:
    return db.execute("SELECT page, source, cell_count FROM reports").fetchall()


def _digests(db) -> list:
    return [r[0] for r in db.execute("SELECT extraction_digest FROM attachments ORDER BY id")]


def test_only_the_job_that_read_every_image_writes(tmp_path):
    db = open_archive(tmp_path / "a.db")
    page_id, _ = insert_version(db, Fetch(url=PAGE, body="<html><title>某局2023年政府信息公开工作年度报告（图片版）</title>"
                                          "<body><img src='img0.png'></body></html>".encode(),
                                          headers={"Content-Type": ["text/html; charset=utf-8"]}, site="x"))
    report = extract_page(seed_path("000").read_bytes(), "text/plain")  # what reading the images gave
    assert report.is_report and len(report.cells) > 100
    first = [_image(db, 0), _image(db, 1)]
    partial = images_job(db, page_id)  # the restarted crawl's backlog: the two images it has
    assert partial.attachment_ids == tuple(first)
    assert images_job(db, page_id, expected=4) is None  # the crawl's own job waits for all four
    rest = [_image(db, 2), _image(db, 3)]
    assert image_ids(db, page_id) == tuple(first + rest)

    with db.atomic():  # the partial result lands after the rest came in: refused, nothing written
        assert write_document_extraction(db, partial, report, None) == (None, False)
    assert _reports(db) == [] and _digests(db) == [None] * 4

    full = images_job(db, page_id, expected=4)
    with db.atomic():
        report_id, changed = write_document_extraction(db, full, report, None)
    assert changed and report_id is not None
    assert _reports(db) == [(page_id, "images", len(report.cells))]
    written = _digests(db)
    assert None not in written and len(set(written)) == 1

    fewer = extract_page(seed_path("003").read_bytes(), "text/plain")  # another result, from two images only
    with db.atomic():  # the partial result lands after the full one: refused, the full report stays
        assert write_document_extraction(db, partial, fewer, None) == (None, False)
    assert _reports(db) == [(page_id, "images", len(report.cells))] and _digests(db) == written
    db.close()
