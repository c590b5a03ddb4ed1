"""One stored page (bytes) → everything the archive keeps about it. Pure: no I/O, no clock."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract import html_text, metadata, report
from extract.chinese import is_traditional, to_simplified
from extract.checks import run_checks
from extract.decode import decode_body
from extract.model import Cell, Check
from extract.tables import extract_tables
from extract.version import EXTRACTOR_VERSION

_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype|html|head|body|div|table|p|meta)\b", re.I)


@dataclass
class Extraction:
    encoding: str
    is_html: bool
    html: str | None  # the decoded page (None for plain text)
    text: str  # main text of the content container, in simplified characters
    title: str | None
    metadata: dict[str, str]
    is_report: bool
    agency: str | None = None
    year: int | None = None
    layout: str | None = None
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION
    source_kind: str = "html"  # html | text | pdf | docx | doc | wps | ofd | image | scan

    def as_json(self, source: str) -> dict:
        """The `python -m extract` contract of reference/report-schema.md."""
        return {
            "source": source,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "layout": self.layout,
            "metadata": self.metadata,
            "cells": [c.as_json() for c in self.cells],
            "checks": [c.as_json() for c in self.checks],
            "warnings": self.warnings,
            "source_kind": self.source_kind,
        }


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    if content_type:
        ct = content_type.lower()
        if "html" in ct or "xml" in ct:
            return True
        if ct.startswith("text/plain"):
            return False
    return bool(_HTML_SNIFF.search(body[:2048]))


def extract_page(body: bytes, content_type: str | None = None) -> Extraction:
    """Decode, find the content, read metadata and identity, and for a report its tables and checks."""
    decoded, encoding = decode_body(body, content_type)
    is_html = looks_like_html(body, content_type)
    if is_html:
        doc = html_text.parse_html(decoded)
        body_el = doc.find("body") if doc.find("body") is not None else doc
        root = html_text.content_root(doc)
        if is_traditional(html_text.text_content(body_el)):
            # Labels are matched in simplified characters: convert the tree's text once (the
            # archive keeps the page as served).
            html_text.to_simplified_tree(body_el)
        page_text, simple_text = html_text.texts(body_el, root)
        title = _html_title(doc, root)
    else:
        doc = root = None
        page_text = simple_text = to_simplified(decoded.replace("\r\n", "\n"))
        title = None
    return extract_read(doc, root, page_text, simple_text, title, encoding=encoding,
                        html=decoded if is_html else None, source_kind="html" if is_html else "text")


def extract_read(doc, root, page_text: str, simple_text: str, title: str | None, *, encoding: str, html: str | None,
                 source_kind: str, table_text: str | None = None, read_tables=extract_tables) -> Extraction:
    """Metadata, identity and, for a report, tables and checks of a page or document already read
    into a tree (`root`, None for plain text) and text. Documents (PDF, Word, scans) come here from
    extract.document with their own tree, the text their tables' text fallback reads (`table_text`)
    and, for OCR, a table reader that keeps each cell's confidence."""
    meta = metadata.parse_metadata(page_text)
    if title is None:
        title = report.title_from_text(simple_text)
    simple_title = to_simplified(title, threshold=1) if title else None
    result = Extraction(
        encoding=encoding,
        is_html=html is not None,
        html=html,
        text=simple_text,
        title=simple_title,
        metadata=meta,
        is_report=report.is_report(simple_title, simple_text),
        source_kind=source_kind,
    )
    if not result.is_report:
        return result
    hints = tuple(h for h in (html_text.meta_content(doc, n) for n in ("ContentSource", "SiteName")) if h) if doc is not None else ()
    result.agency = report.agency_of(simple_title, simple_text, tuple(to_simplified(h, threshold=1) for h in hints))
    result.year = report.year_of(simple_title, simple_text)
    tables = read_tables(root, table_text or simple_text)
    result.layout = tables.layout
    result.cells = tables.cells
    result.warnings = list(tables.warnings)
    if not tables.cells:
        # An image-only report (（图片版）) or one published as an attachment: kept, flagged.
        result.warnings.append("no statistical tables found in the page")
    result.checks = run_checks(tables.layout, tables.cells) if tables.cells else []
    return result


def _html_title(doc, root) -> str | None:
    for name in ("ArticleTitle", "articletitle"):
        if value := html_text.meta_content(doc, name):
            return report.squeeze(value)
    for xp in (".//h1", "//h1", "//*[contains(@class,'title')][not(self::title)]"):
        for el in (root.xpath(xp) if xp.startswith(".") else doc.xpath(xp)):
            t = report.squeeze(html_text.text_content(el))
            if 4 <= len(t) <= 80:
                return t
    t = doc.findtext(".//title")
    return report.clean_page_title(t) if t and t.strip() else None
