"""What the spider yields, handed to the archive pipeline as it came off the wire."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PageItem:
    site: str
    url: str
    final_url: str
    status: int
    headers: dict[str, list[str]]
    body: bytes
    fetched_at: str
    role: str = "detail"  # listing | proxy | detail
    method: str = "GET"
    rendered: bool = False  # body is the DOM a browser built, not the bytes served
    request_body: bytes | None = None  # the form of a POST
    failed: bool = False  # kept as evidence, but the fetch failed (a rendering whose data requests failed)
    agency_hint: str | None = None  # the department the page was found under (directory link, breadcrumb)
    file_links: list[str] | None = None  # a detail page's attachments and report images (their URLs)


@dataclass
class AttachmentItem:
    site: str
    url: str
    final_url: str
    source_page: str | None
    status: int
    headers: dict[str, list[str]]
    body: bytes
    fetched_at: str
    image_index: int | None = None  # an image of a report printed as images （图片版）: its place on the page
    image_count: int | None = None  # and how many images the page prints


@dataclass
class NotModifiedItem:
    """A conditional request answered 304: the stored version is still current."""

    site: str
    url: str
    role: str
    fetched_at: str


@dataclass
class SiteMapItem:
    """A hub explored, or a report column found on one (archive.sitemap)."""

    site: str
    url: str
    kind: str  # hub | column
    agency: str | None = None
    parent: str | None = None
    cms: str | None = None
