"""Mutations of a report page's HTML tables, made on the markup (lxml), independent of the extractor:
header cells swapped, a column removed or moved, spacer rows, a row with two labels, a row printed
twice with other numbers. Tables 三 (申请人情况, seven value columns) and 四 (fifteen) are found by
their header text; a data row's values are its last seven <td>s."""
from __future__ import annotations

import copy
import re

import lxml.html

_WS = re.compile(r"\s+")


def squeeze(el) -> str:
    return _WS.sub("", el.text_content())


def squeeze_text(text: str) -> str:
    return _WS.sub("", text)


def parse(html: bytes | str):
    return lxml.html.fromstring(html)


def dump(root) -> bytes:
    return lxml.html.tostring(root, encoding="utf-8")


def tables(root, word: str):
    return [t for t in root.iter("table") if word in squeeze(t) and not t.findall(".//table")]


def applications_table(root):
    return tables(root, "申请人情况")[0]


def review_table(root):
    return next(t for t in tables(root, "结果维持") if "申请人情况" not in squeeze(t))


def header_cell(table, text: str, nth: int = 0):
    return [td for td in table.iter("td", "th") if squeeze(td) == text][nth]


def data_rows(table, width: int = 7):
    """Rows whose last `width` cells are values (a number, a blank)."""
    out = []
    for tr in table.iter("tr"):
        tds = tr.findall("td")
        if len(tds) > width and all(re.fullmatch(r"[\d./\-—]*", squeeze(td)) for td in tds[-width:]):
            out.append(tr)
    return out


def swap_text(a, b) -> None:
    """Swap two cells' contents (their markup included)."""
    ca, cb = list(a), list(b)
    ta, tb = a.text, b.text
    for child in ca:
        a.remove(child)
    for child in cb:
        b.remove(child)
    a.text, b.text = tb, ta
    a.extend(cb)
    b.extend(ca)


def swap_headers(html, first: str, second: str, table_of=applications_table, all_of_them: bool = False) -> bytes:
    root = parse(html)
    table = table_of(root)
    count = sum(1 for td in table.iter("td", "th") if squeeze(td) == first) if all_of_them else 1
    for n in range(count):
        swap_text(header_cell(table, first, n), header_cell(table, second, n))
    return dump(root)


def remove_total_column(html) -> bytes:
    """Table 三 without its 总计 column: the header cell and the last value of every row."""
    root = parse(html)
    table = applications_table(root)
    total = header_cell(table, "总计")
    total.getparent().remove(total)
    span = header_cell(table, "申请人情况")
    span.set("colspan", str(int(span.get("colspan", "7")) - 1))
    for tr in data_rows(table):
        tr.remove(tr.findall("td")[-1])
    return dump(root)


def total_column_first(html) -> bytes:
    """Table 三 with 总计 moved before 自然人, in the header and in every row."""
    root = parse(html)
    table = applications_table(root)
    total, natural = header_cell(table, "总计"), header_cell(table, "自然人")
    total.getparent().remove(total)
    natural.addprevious(total)
    for tr in data_rows(table):
        tds = tr.findall("td")
        last = tds[-1]
        tr.remove(last)
        tds[-7].addprevious(last)
    return dump(root)


def spacer_rows(html) -> bytes:
    """An empty row before every data row of table 三 and before the data row of table 四."""
    root = parse(html)
    for table, width in ((applications_table(root), 7), (review_table(root), 15)):
        for tr in data_rows(table, width) if width == 7 else [_review_data_row(table)]:
            spacer = lxml.html.fromstring("<table><tr>" + "<td></td>" * width + "</tr></table>").find(".//tr")
            tr.addprevious(spacer)
    return dump(root)


def _review_data_row(table):
    return [tr for tr in table.iter("tr") if all(re.fullmatch(r"[\d./\-—]*", squeeze(td)) for td in tr.findall("td"))][-1]


def second_label(html, row_label: str, extra: str) -> bytes:
    """The row labelled `row_label` carries another row's label in a cell of its own."""
    root = parse(html)
    tr = _row(applications_table(root), row_label)
    td = copy.deepcopy(tr.findall("td")[-7])
    for child in list(td):
        td.remove(child)
    td.text = extra
    tr.findall("td")[-7].addprevious(td)
    return dump(root)


def printed_twice(html, row_label: str, after_label: str) -> bytes:
    """The row labelled `row_label` printed again after `after_label`'s row, each number plus one."""
    root = parse(html)
    table = applications_table(root)
    again = copy.deepcopy(_row(table, row_label))
    for td in again.findall("td")[-7:]:
        for node in td.iter():
            if node.text and node.text.strip().isdigit():
                node.text = str(int(node.text.strip()) + 1)
    for td in again.findall("td"):
        td.attrib.pop("rowspan", None)
    _row(table, after_label).addnext(again)
    return dump(root)


def remove_rows(html, labels: tuple[str, ...]) -> bytes:
    root = parse(html)
    table = applications_table(root)
    for label in labels:
        tr = _row(table, label)
        tr.getparent().remove(tr)
    return dump(root)


def _row(table, label: str):
    return next(tr for tr in data_rows(table) if label in squeeze(tr))
