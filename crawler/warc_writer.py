"""What a distributed crawler keeps: every response in rotating WARC.gz files, and a small index
record of it (and of each failure, 304 and site-map entry) pushed to the crawl's Redis stream for
the one process that writes the archive (govarchive.ingest).

Records are written as `govarchive export-warc` writes them (archive/warc.py): a `request` and a
`response` record per fetch (POST bodies included), a `resource` record for a DOM a browser
rendered; bodies as Scrapy handed them over (any Content-Encoding undone, so that header is dropped
and Content-Length fits the body). Each record is its own gzip member, so (file, offset, length) of a
response record is a complete gzip stream. The index record is pushed only after the WARC record
was written and flushed to the kernel: a crawler killed mid-write leaves at most a torn last record
that no index record points at. (A power cut can lose bytes the kernel had not written yet: run the
WARC directory on a journaled file system; the records come back as in-flight requests anyway.)

Index records (JSON in the stream entry's field `r`), by `type`:
  page        site, url, final_url, status, headers, method, request_body (base64), rendered, failed,
              role, agency_hint, fetched_at, sha256, warc (absolute path), offset, length
  attachment  site, url, final_url, source_page, status, headers, fetched_at, sha256, warc, offset, length
  not_modified, sitemap, failure, resolved  (crawler.items / archive.failures fields)
  stats       a crawler's own counters (renders, challenges, 304s …) when it stops
  finished    pushed once, by the last crawler to stop on a drained frontier (crawler.frontier)
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import os
from pathlib import Path

from warcio.warcwriter import WARCWriter

from archive.failures import FetchFailure
from archive.warc import _http_headers, _request, _warc_date
from crawler.items import AttachmentItem, NotModifiedItem, PageItem, SiteMapItem


def b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def unb64(text: str | None) -> bytes | None:
    return base64.b64decode(text) if text is not None else None


class WarcFiles:
    """WARC.gz files `<prefix>-NNNNN.warc.gz` in one directory, a new one once WARC_MAX_SIZE bytes
    were written to the current one."""

    def __init__(self, directory: str | os.PathLike, prefix: str, max_size: int):
        self.directory = Path(directory).resolve()
        self.prefix = prefix
        self.max_size = max_size
        self.serial = 0
        self.fh = None
        self.writer = None
        self.path: Path | None = None

    def _current(self) -> WARCWriter:
        if self.fh is None or self.fh.tell() >= self.max_size:
            self.close()
            self.serial += 1
            self.path = self.directory / f"{self.prefix}-{self.serial:05d}.warc.gz"
            self.fh = open(self.path, "xb")
            self.writer = WARCWriter(self.fh, gzip=True)
            self.writer.write_record(self.writer.create_warcinfo_record(
                self.path.name, {"software": "govarchive", "format": "WARC File Format 1.1"}))
        return self.writer

    def write(self, url: str, *, status: int, headers: dict, body: bytes, fetched_at: str, method: str = "GET",
              request_body: bytes | None = None, rendered: bool = False, content_type: str | None = None
              ) -> tuple[str, int, int]:
        """Write one fetch; (file, offset, length) of its response (or resource) record."""
        writer = self._current()
        date = {"WARC-Date": _warc_date(fetched_at)}
        if rendered:
            record = writer.create_warc_record(url, "resource", payload=io.BytesIO(body),
                                               warc_content_type=content_type or "text/html", warc_headers_dict=date)
        else:
            _request(writer, url, method, fetched_at, request_body)
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=_http_headers(status, json.dumps(headers), body),
                                               warc_headers_dict=date)
        offset = self.fh.tell()
        writer.write_record(record)
        self.fh.flush()
        return str(self.path), offset, self.fh.tell() - offset

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None

    def files(self) -> list[Path]:
        return sorted(self.directory.glob(f"{self.prefix}-*.warc.gz"))


class IndexWriter:
    """Items and failures of a crawler → WARC records and index records on the crawl's stream."""

    def __init__(self, server, stream: str, warcs: WarcFiles):
        self.server = server
        self.stream = stream
        self.warcs = warcs
        self.written = 0  # fetches written to WARC files

    def push(self, record: dict) -> None:
        self.server.xadd(self.stream, {"r": json.dumps(record, ensure_ascii=False)})

    def item(self, item) -> None:
        if isinstance(item, PageItem):
            self._fetch(item, "page", method=item.method, request_body=b64(item.request_body), rendered=item.rendered,
                        failed=item.failed, role=item.role, agency_hint=item.agency_hint, file_links=item.file_links)
        elif isinstance(item, AttachmentItem):
            self._fetch(item, "attachment", source_page=item.source_page, image_index=item.image_index,
                        image_count=item.image_count)
        elif isinstance(item, (NotModifiedItem, SiteMapItem)):
            kind = "not_modified" if isinstance(item, NotModifiedItem) else "sitemap"
            self.push({"type": kind, **dataclasses.asdict(item)})

    def _fetch(self, item, kind: str, **fields) -> None:
        content_type = next((v[0] for k, v in item.headers.items() if k.lower() == "content-type" and v), None)
        path, offset, length = self.warcs.write(
            item.url, status=item.status, headers=item.headers, body=item.body, fetched_at=item.fetched_at,
            method=fields.get("method", "GET"), request_body=unb64(fields.get("request_body")),
            rendered=fields.get("rendered", False), content_type=content_type)
        self.written += 1
        self.push({"type": kind, "site": item.site, "url": item.url, "final_url": item.final_url,
                   "status": item.status, "headers": item.headers, "fetched_at": item.fetched_at,
                   "sha256": hashlib.sha256(item.body).hexdigest(), "warc": path, "offset": offset,
                   "length": length, **fields})

    def failure(self, failure: FetchFailure) -> None:
        self.push({"type": "failure", **dataclasses.asdict(failure), "request_body": b64(failure.request_body)})

    def resolved(self, url: str) -> None:
        self.push({"type": "resolved", "url": url})
