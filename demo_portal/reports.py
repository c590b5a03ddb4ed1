"""A report's body as an agency CMS publishes it: the seed's prose around real HTML tables."""
from __future__ import annotations

from demo_portal.pages import paragraphs
from demo_portal.seeds import seed_cells, seed_text, split_seed
from demo_portal.tables import TableRenderer


def report_body(seed_id: str, layout: str, *, style: str = "plain", drop_lines: set[int] = frozenset(),
                labels: dict[str, str] | None = None, prose: tuple[list[str], list[str]] | None = None,
                headings: tuple[str, str, str] = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                                  "四、政府信息公开行政复议、行政诉讼情况"),
                convert=lambda html: html) -> str:
    if prose is None:
        parts = split_seed(seed_text(seed_id), drop_lines)
        before, after = parts.before, parts.after
    else:
        before, after = prose
    raw = {(c.table, c.row, c.col): c.raw for c in seed_cells(seed_id)}
    tables = TableRenderer(raw, layout, style, labels)
    generated = "\n".join([
        f"<p><strong>{headings[0]}</strong></p>", tables.active(),
        f"<p><strong>{headings[1]}</strong></p>", tables.applications(),
        f"<p><strong>{headings[2]}</strong></p>", tables.review_litigation(),
    ])
    return "\n".join([paragraphs(before), convert(generated), paragraphs(after)])
