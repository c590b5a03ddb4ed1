"""`govarchive export-warc`: every stored version as WARC request/response records (warcio).

Bodies are written as stored — exactly as served, after Scrapy undid any Content-Encoding — so the
HTTP headers are written with Content-Encoding dropped and Content-Length fitted to that body.
A page a browser rendered is a `resource` record (the DOM is not an HTTP response).
"""
from __future__ import annotations

import io
import json
from http import HTTPStatus
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import bodies
from archive.db import open_archive
from archive.output import output_file

_DROP = {"content-encoding", "transfer-encoding", "content-length"}


def _http_headers(status: int, headers_json: str | None, body: bytes) -> StatusAndHeaders:
    headers = json.loads(headers_json or "{}")
    pairs = [(k, v) for k, values in headers.items() if k.lower() not in _DROP for v in values]
    pairs.append(("Content-Length", str(len(body))))
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return StatusAndHeaders(f"{status} {reason}".strip(), pairs, protocol="HTTP/1.1")


def _request(writer: WARCWriter, url: str, method: str, date: str, body: bytes | None) -> None:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
    headers = [("Host", parts.netloc)]
    if body:
        headers += [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
                    ("Content-Length", str(len(body)))]
    record = writer.create_warc_record(url, "request", payload=io.BytesIO(body or b""),
                                       http_headers=StatusAndHeaders(f"{method} {target} HTTP/1.1", headers,
                                                                     is_http_request=True),
                                       warc_headers_dict={"WARC-Date": _warc_date(date)})
    writer.write_record(record)


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z")


def export_warc(db_path: str, out_path: str, force: bool = False) -> int:
    """Write the archive to a gzipped WARC (archive/output.py's rules); returns the number of records."""
    db = open_archive(db_path, readonly=True)
    n = 0
    with output_file(out_path, protect=db_path, force=force) as fh:
        writer = WARCWriter(fh, gzip=out_path.endswith(".gz"))
        codec_of = {t: bodies.codec_column(db[t].columns_dict) for t in ("pages", "attachments")}
        pages = db.execute(f"SELECT url, method, rendered, status, headers, content_type, body, {codec_of['pages']},"
                           " fetched_at, request_body FROM pages ORDER BY id")
        for url, method, rendered, status, headers, ctype, body, codec, fetched, req_body in pages:
            body = bodies.unpack(body, codec)
            date = {"WARC-Date": _warc_date(fetched)}
            if rendered:
                record = writer.create_warc_record(url, "resource", payload=io.BytesIO(body),
                                                   warc_content_type=ctype or "text/html", warc_headers_dict=date)
                writer.write_record(record)
                n += 1
                continue
            _request(writer, url, method, fetched, req_body)
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=_http_headers(status, headers, body), warc_headers_dict=date)
            writer.write_record(record)
            n += 2
        for url, status, headers, body, codec, fetched in db.execute(
                f"SELECT url, status, headers, body, {codec_of['attachments']}, fetched_at FROM attachments ORDER BY id"):
            body = bodies.unpack(body, codec)
            _request(writer, url, "GET", fetched, None)
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=_http_headers(status, headers, body),
                                               warc_headers_dict={"WARC-Date": _warc_date(fetched)})
            writer.write_record(record)
            n += 2
    db.close()
    return n
