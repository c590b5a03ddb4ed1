"""One stored page (bytes) → everything the archive keeps about it. Pure: no I/O, no clock."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from extract import html_text, metadata, report
from extract.chinese import MAX_CONVERTED, is_traditional, to_simplified
from extract.checks import run_checks
from extract.decode import decode_body, xml_safe
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
        }


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    if content_type:
        ct = content_type.lower()
        if "html" in ct or "xml" in ct:
            return True
        if ct.startswith("text/plain"):
            return False
    return bool(_HTML_SNIFF.search(body[:2048]))


def extract_page(body: bytes, content_type: str | None = None, site_name: str | None = None) -> Extraction:
    """Decode, find the content, read metadata and identity, and for a report its tables and checks."""
    decoded, encoding = decode_body(body, content_type)
    safe = xml_safe(decoded)
    is_html = looks_like_html(body, content_type)
    notes: list[str] = []
    if is_html:
        doc, notes = html_text.parse_html(safe)
        if is_traditional(html_text.text_content(_body(doc))):
            # Labels are matched in simplified characters: the tree's text is converted, once
            # (the archive keeps the page as served).
            capped = html_text.to_simplified_tree(_body(doc))
            if capped is not None:
                notes.append(f"traditional characters converted in the first {capped:,} characters of text only")
        body_el = _body(doc)
        root = html_text.content_root(doc)
        page_text, simple_text, cut = html_text.texts(body_el, root)
        if cut:
            notes.append(f"page has more than {html_text.MAX_WALKED:,} elements: the text after them is read "
                         "without line and cell breaks")
        metas = html_text.meta_tags(doc)
        title = _html_title(doc, root, metas)
    else:
        metas = {}
        doc = root = None
        plain = safe.replace("\r\n", "\n")
        page_text, notes = _simplified_capped(plain) if is_traditional(plain) else (plain, [])
        simple_text = page_text
        title = None
    meta = metadata.parse_metadata(page_text)
    if title is None:
        title = report.title_from_text(simple_text)
    simple_title = to_simplified(title, threshold=1) if title else None
    result = Extraction(
        encoding=encoding,
        is_html=is_html,
        html=decoded if is_html else None,
        text=simple_text,
        title=simple_title,
        metadata=meta,
        is_report=report.is_report(simple_title, simple_text),
        warnings=notes,
    )
    if not result.is_report:
        return result
    hints = tuple(h for h in (metas.get(n) for n in ("ContentSource", "SiteName")) if h)
    result.agency = report.agency_of(simple_title, simple_text, tuple(to_simplified(h, threshold=1) for h in hints))
    result.year = report.year_of(simple_title, simple_text)
    tables = extract_tables(root, simple_text)
    result.layout = tables.layout
    result.cells = tables.cells
    result.warnings += tables.warnings
    if not tables.cells:
        # An image-only report (（图片版）) or one published as an attachment: kept, flagged.
        result.warnings.append("no statistical tables found in the page")
    result.checks = run_checks(tables.layout, tables.cells) if tables.cells else []
    return result


def _body(doc):
    body = doc.find("body")
    return body if body is not None else doc


def _simplified_capped(text: str) -> tuple[str, list[str]]:
    """Traditional → simplified, the first MAX_CONVERTED characters at most (cut at a line end)."""
    if len(text) <= MAX_CONVERTED:
        return to_simplified(text, threshold=1), []
    cut = text.rfind("\n", 0, MAX_CONVERTED)
    cut = cut if cut > 0 else MAX_CONVERTED
    return (to_simplified(text[:cut], threshold=1) + text[cut:],
            [f"traditional characters converted in the first {cut:,} characters of text only"])


def _html_title(doc, root, metas: dict[str, str]) -> str | None:
    for name in ("ArticleTitle", "articletitle"):
        if value := metas.get(name):
            return report.squeeze(value)
    candidates = itertools.chain(root.iter("h1"), doc.iter("h1"),
                                 (el for el in doc.xpath("//*[contains(@class,'title')][not(self::title)]")))
    for el in candidates:
        t = report.squeeze(html_text.text_content(el))
        if 4 <= len(t) <= 80:
            return t
    t = doc.findtext(".//title")
    return report.clean_page_title(t) if t and t.strip() else None
