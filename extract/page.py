"""One stored page (bytes) → everything the archive keeps about it. Pure: no I/O, no clock."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from extract import html_text, metadata, report
from extract.checks import run_checks
from extract.chinese import MAX_CONVERTED, is_traditional, to_simplified
from extract.completeness import check_status, completeness
from extract.decode import decode_body, xml_safe
from extract.model import Cell, Check
from extract.narrative import narrative_checks
from extract.sniff import PAGE_KINDS, sniff, why_unread
from extract.tables import extract_tables
from extract.version import EXTRACTOR_VERSION

@dataclass
class Extraction:
    encoding: str
    is_html: bool
    html: str | None  # the decoded page (None for plain text)
    text: str  # main text of the content container, in simplified characters
    title: str | None
    metadata: dict[str, str]
    is_report: bool
    source_kind: str | None = None  # html | text | pdf | docx | doc | wps | ofd | image | scan; None: unreadable
    agency: str | None = None
    year: int | None = None
    layout: str | None = None
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    expected_cells: int | None = None  # what the layout expects (None: no layout recognised)
    cells_found: int = 0  # of the expected cells, how many were extracted
    check_status: str | None = None  # reports: incomplete | failed | ok
    warnings: list[str] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION

    @property
    def readable(self) -> bool:
        """Whether the input could be read as a page (html or text)."""
        return self.source_kind in PAGE_KINDS

    def as_json(self, source: str) -> dict:
        """The `python -m extract` contract of reference/report-schema.md."""
        return {
            "source": source,
            "source_kind": self.source_kind,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "layout": self.layout,
            "metadata": self.metadata,
            "cells": [c.as_json() for c in self.cells],
            "checks": [c.as_json() for c in self.checks],
            "expected_cells": self.expected_cells,
            "check_status": self.check_status,
            "warnings": self.warnings,
        }


def extract_page(body: bytes, content_type: str | None = None, site_name: str | None = None) -> Extraction:
    """Decode, find the content, read metadata and identity, and for a report its tables and checks.

    `site_name` is the name the sites file gives the site (the crawler and the archive pass it): a
    report's agency when neither its title, its text nor its 发布机构 names one. Never raises."""
    kind = sniff(body, content_type)
    if kind not in PAGE_KINDS:
        return Extraction(encoding="", is_html=False, html=None, text="", title=None, metadata={}, is_report=False,
                          source_kind=kind if kind in ("pdf", "docx", "doc", "wps", "ofd", "image") else None,
                          warnings=[why_unread(kind)])
    decoded, encoding = decode_body(body, content_type)
    safe = xml_safe(decoded, body, encoding)
    is_html = kind == "html"
    if is_html:
        doc, notes = html_text.parse_html(safe)
        body_el = _body(doc)
        body_text = html_text.text_content(body_el)
        if is_traditional(body_text):
            # Labels are matched in simplified characters: the tree's text is converted, once
            # (the archive keeps the page as served).
            capped = html_text.to_simplified_tree(body_el)
            if capped is not None:
                notes.append(f"traditional characters converted in the first {capped:,} characters of text only")
            body_text = html_text.text_content(body_el)
        root = html_text.content_root(doc)
        page_text, simple_text = html_text.texts(body_el, root)
        metas = html_text.meta_tags(doc)
        meta, labelled_title = metadata.parse_metadata(page_text, doc, metas,
                                                       tree_text=html_text.whole_text(doc, body_el, body_text))
        title = _html_title(doc, root, metas, labelled_title)
    else:
        metas, doc, root = {}, None, None
        plain = safe.replace("\r\n", "\n")
        page_text, notes = _simplified_capped(plain) if is_traditional(plain) else (plain, [])
        simple_text = page_text
        meta, labelled_title = metadata.parse_metadata(page_text)
        title = _first_report_title([labelled_title, report.title_from_text(simple_text)])
    return extract_read(doc, root, page_text, simple_text, title, encoding=encoding,
                        html=decoded if is_html else None, source_kind=kind, meta=meta, metas=metas,
                        notes=notes, site_name=site_name)


def extract_read(doc, root, page_text: str, simple_text: str, title: str | None, *, encoding: str, html: str | None,
                 source_kind: str, table_text: str | None = None, read_tables=extract_tables,
                 meta: dict[str, str] | None = None, metas: dict[str, str] | None = None,
                 notes: list[str] | None = None, site_name: str | None = None) -> Extraction:
    """Metadata, identity and, for a report, tables and checks of a page or document already read
    into a tree (`root`, None for plain text) and text. Documents (PDF, Word, scans) come here from
    extract.document with their own tree, the text their tables' text fallback reads (`table_text`)
    and, for OCR, a table reader that keeps each cell's confidence."""
    metas = metas or {}
    if meta is None:
        meta, labelled_title = metadata.parse_metadata(page_text)
        if title is None:
            title = _first_report_title([labelled_title, report.title_from_text(simple_text)])
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
        warnings=list(notes or []),
    )
    if not result.is_report:
        result.warnings.append("not a report: " + (f"the title {simple_title!r} names no annual report of its own"
                                                   if simple_title else "no report title and no report tables"))
        return result
    if simple_title is None or not report.names_report(simple_title):
        result.title = simple_title = report.title_from_text(simple_text) or simple_title
    hints = tuple(to_simplified(h, threshold=1) for h in (metas.get(n) for n in ("ContentSource", "SiteName")) if h)
    result.agency = report.agency_of(simple_title, simple_text, hints, publisher=meta.get("publisher"),
                                     site_name=site_name)
    result.year = report.year_of(simple_title, simple_text)
    tables = read_tables(root, table_text or simple_text)
    result.layout = tables.layout
    result.cells = tables.cells
    result.warnings += tables.warnings
    if not tables.cells:
        # An image-only report (（图片版）) or one published as an attachment: kept, flagged.
        result.warnings.append("no statistical tables found in the page")
    result.expected_cells, result.cells_found, missing = completeness(tables.layout, tables.cells)
    if tables.cells:
        result.warnings += missing
        result.checks = run_checks(tables.layout, tables.cells) + narrative_checks(simple_text, tables.cells)
    result.check_status = check_status(result.expected_cells, result.cells_found, result.checks)
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


def _first_report_title(candidates) -> str | None:
    """The first candidate that names a report, else the first there is."""
    titles = [t for t in candidates if t]
    return next((t for t in titles if report.names_report(t)), titles[0] if titles else None)


def _html_title(doc, root, metas: dict[str, str], labelled: str | None) -> str | None:
    """<meta name="ArticleTitle">, the article's <h1>, the metadata block's 标题/名称, an element
    classed as a title, <title>: the first that names a report (else the first there is)."""
    def candidates():
        for name in ("ArticleTitle", "articletitle"):
            if value := metas.get(name):
                yield report.squeeze(value)
        for el in itertools.chain(root.iter("h1"), doc.iter("h1")):
            yield report.squeeze(html_text.text_content(el))
        yield report.clean_page_title(labelled) if labelled else None
        for el in doc.xpath("//*[contains(@class,'title')][not(self::title)]"):
            yield report.squeeze(html_text.text_content(el))
        t = doc.findtext(".//title")
        yield report.clean_page_title(t) if t and t.strip() else None

    first = None
    for t in candidates():
        if not t or not 4 <= len(t) <= 80:
            continue
        if report.names_report(t):
            return t
        first = first or t
    return first
