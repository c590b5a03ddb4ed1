"""The three statistical tables of an annual report → cells with the codes of reference/report-schema.md.

Entry points (inputs are already in simplified characters; the caller converts):
- extract_tables_from_text(text) -> TablesResult   flattened text (one cell per line, tabs, pipes …)
- extract_tables_from_html(root) -> TablesResult   lxml.html element holding the report body
- extract_tables(root, text)     -> TablesResult   HTML tables when they hold the report, else the text
"""
from extract.model import TablesResult


def extract_tables_from_text(text: str) -> TablesResult:  # replaced by the real parser
    return TablesResult()


def extract_tables_from_html(root) -> TablesResult:
    return TablesResult()


def extract_tables(root, text: str) -> TablesResult:
    result = extract_tables_from_html(root) if root is not None else TablesResult()
    if result.cells:
        return result
    return extract_tables_from_text(text)
