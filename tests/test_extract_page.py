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
