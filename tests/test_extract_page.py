"""Page-level extraction: metadata block, title, agency, year, report recognition, decoding."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys

import pytest

from demo_portal.seeds import seed_path
from extract.decode import decode_body
from extract.metadata import parse_metadata
from extract.page import extract_page
from extract.report import looks_like_report_title

SEEDS = {  # seed: (title, agency, year)
    "000": ("宁波市江北区应急管理局2020年政府信息公开工作年度报告", "宁波市江北区应急管理局", 2020),
    "001": ("威海市环翠区应急管理局2020年政府信息公开工作年度报告", "威海市环翠区应急管理局", 2020),
    "002": ("阎良区应急管理局2020年政府信息公开年度报告", "阎良区应急管理局", 2020),
    "003": (None, "衢州市应急管理局", 2023),  # no title: the year comes from 统计期限
    "004": ("自治区应急管理厅2020年政府信息公开工作年度报告", "宁夏回族自治区应急管理厅", 2020),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_identity(seed):
    e = extract_page(seed_path(seed).read_bytes(), "text/plain")
    assert (e.title, e.agency, e.year) == SEEDS[seed]
    assert e.is_report


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_an_extraction_pickles_whole(seed):
    """reextract's workers send extractions back pickled: every cell and check arrives as it left."""
    extraction = extract_page(seed_path(seed).read_bytes(), "text/plain")
    back = pickle.loads(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL))
    assert back.cells and back.checks
    assert [(c.table, c.row, c.col, c.value, type(c.value), c.raw, c.confidence) for c in back.cells] == \
        [(c.table, c.row, c.col, c.value, type(c.value), c.raw, c.confidence) for c in extraction.cells]
    assert back.checks == extraction.checks and back.as_json("seed") == extraction.as_json("seed")


def test_seed_000_metadata_all_keys():
    e = extract_page(seed_path("000").read_bytes(), "text/plain")
    assert e.metadata == {"index_no": "768511246/2021-00409", "publisher": "区应急管理局", "written_date": "2021-01-18",
                          "published_date": "", "doc_no": "", "topic": "应急,安全", "disclosure": "主动公开",
                          "genre": "其他"}


@pytest.mark.parametrize("seed", ["001", "002", "003", "004"])
def test_seeds_without_a_block_have_no_metadata(seed):
    assert extract_page(seed_path(seed).read_bytes(), "text/plain").metadata == {}


def test_metadata_in_table_cells_with_spaced_labels_and_dates():
    text = "索 引 号：\t11320000/2026-02-00018\t成文日期：\t2021年1月8日\n发布机构：\t江苏省人民政府办公厅\t发布日期：\t\n" \
           "标题：\t关于…\t文　　号：\t苏政办发〔2021〕1号\n主题分类\t综合政务\t体裁分类\t通知"
    assert parse_metadata(text) == ({
        "index_no": "11320000/2026-02-00018",  # looks like a date, is not one
        "publisher": "江苏省人民政府办公厅", "written_date": "2021-01-08", "published_date": "",
        "doc_no": "苏政办发〔2021〕1号", "topic": "综合政务", "disclosure": "", "genre": "通知"}, "关于…")


@pytest.mark.parametrize("title, expected", [
    ("宁波市江北区应急管理局2020年政府信息公开工作年度报告", True),
    ("阎良区应急管理局2020年政府信息公开年度报告", True),
    ("2023年度政府信息公开工作年报", True),
    ("关于报送2020年度政府信息公开工作年度报告的通知", False),
    ("关于做好2020年政府信息公开年度报告工作的通知", False),
    ("关于报送2020年政府信息公开工作年度报告的函", False),
    ("2021年江北区应急管理局政务公开工作要点", False),
    ("2020年度政府信息公开统计报表", False),
    ("环翠区应急管理局关于2019年度政府信息公开工作年度报告的解读", False),
    ("政府信息公开年报", False),  # a column, not a report
])
def test_report_titles(title, expected):
    assert looks_like_report_title(title) is expected


def test_gb2312_declared_decodes_as_gb18030():
    body = '<html><head><meta charset="gb2312"></head><body>镕基 䶮</body></html>'.encode("gb18030")
    text, encoding = decode_body(body, "text/html")
    assert "镕基 䶮" in text and encoding == "gb18030" and "\ufffd" not in text


def test_header_charset_wins_and_utf8_fallback():
    assert decode_body("报告".encode("utf-8"), "text/html; charset=UTF-8") == ("报告", "utf-8")
    assert decode_body("报告".encode("gbk"), None) == ("报告", "gb18030")


def test_python_m_extract_contract():
    out = subprocess.run([sys.executable, "-m", "extract", str(seed_path("000")), str(seed_path("003"))],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == 2
    first, second = (json.loads(line) for line in out)
    assert list(first) == ["source", "source_kind", "title", "agency", "year", "layout", "metadata", "cells", "checks",
                           "expected_cells", "check_status", "warnings"]
    assert (first["source_kind"], first["expected_cells"], first["check_status"]) == ("text", 198, "ok")
    assert first["source"] == str(seed_path("000"))
    assert (first["agency"], first["year"], first["metadata"]["index_no"]) == ("宁波市江北区应急管理局", 2020,
                                                                                "768511246/2021-00409")
    assert (second["title"], second["agency"], second["year"]) == (None, "衢州市应急管理局", 2023)


def test_python_m_extract_missing_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "extract", str(tmp_path / "gone.html")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"extract: cannot read {tmp_path / 'gone.html'}" in proc.stderr


# ------------------------------------------------- the metadata walk ends once nothing more can be found
def _tree(html: str):
    from extract import html_text

    doc, _ = html_text.parse_html(html)
    body = doc.find("body") if doc.find("body") is not None else doc  # as extract_page finds it
    return doc, html_text.whole_text(doc, body, html_text.text_content(body))


def test_the_metadata_walk_stops_only_when_every_label_on_the_page_is_read():
    from bench.extract import REAL, demo_pages
    from demo_portal import fuzz
    from extract.decode import xml_safe
    from extract.metadata import pairs_from_tree
    from extract.sniff import sniff

    pages = [body for body, _, _ in demo_pages()] + ([REAL.read_bytes()] if REAL.exists() else [])
    pages += [item.body for item in fuzz.inputs(seed=3, count=300, big_rows=(500,))  # broken, spliced, deep …
              if sniff(item.body, item.content_type) == "html"]
    with_block = 0
    for body in pages:
        decoded, encoding = decode_body(body, "text/html")
        doc, whole = _tree(xml_safe(decoded, body, encoding))
        walked = pairs_from_tree(doc)
        assert pairs_from_tree(doc, whole) == walked
        with_block += len(walked) >= 4
    assert len(pages) > 300 and with_block >= 40  # 313 and 48 now


def test_labels_late_on_the_page_and_in_the_head_are_still_read():
    from extract.metadata import keys_in, pairs_from_tree

    block = "<table><tr><td>索引号</td><td>1234/2024-1</td><td>发布机构</td><td>某局</td></tr></table>"
    late = "<p>" + "正文。" * 500 + "</p><div><span>成文日期</span><span>2024年1月5日</span></div>"
    doc, whole = _tree(f"<html><body>{block}{late}</body></html>")
    assert keys_in(whole) == {"index_no", "publisher", "written_date"}
    assert pairs_from_tree(doc, whole) == {"index_no": "1234/2024-1", "publisher": "某局", "written_date": "2024-01-05"}
    # <noscript> in <head> holds elements: its label is read, its text is part of the whole.
    doc, whole = _tree(f"<html><head><noscript><li><span>文号</span>某发〔2024〕1号</li></noscript></head>"
                       f"<body>{block}</body></html>")
    assert pairs_from_tree(doc, whole) == {"index_no": "1234/2024-1", "publisher": "某局", "doc_no": "某发〔2024〕1号"}
    # A page whose text names no label is not walked for one.
    doc, whole = _tree("<html><body><table><tr><td>栏目</td></tr></table></body></html>")
    assert keys_in(whole) == frozenset() and pairs_from_tree(doc, whole) == {}
    # Labels spaced out or split over elements are labels of the text too.
    doc, whole = _tree("<html><body><dl><dt>索 <b>引</b>　号：</dt><dd>99/2024</dd><dt>公开日期</dt><dd>2024-2-1</dd>"
                       "</dl></body></html>")
    assert keys_in(whole) == {"index_no", "published_date"}
    assert pairs_from_tree(doc, whole) == {"index_no": "99/2024", "published_date": "2024-02-01"}
