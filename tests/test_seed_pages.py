"""Every seed cell right, from the text (`python -m extract`) and from the demo portal's HTML page."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from demo_portal.seeds import seed_cells, seed_path
from demo_portal.sites import all_sites
from extract.page import extract_page

# report page → (seed, layout, title, agency, year)
PAGES = {
    ("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html"):
        ("000", "2019", "宁波市江北区应急管理局2020年政府信息公开工作年度报告", "宁波市江北区应急管理局", 2020),
    ("huancui", "/zwgk/ndbg/202101/t20210120_2531177.html"):
        ("001", "2019", "威海市环翠区应急管理局2020年政府信息公开工作年度报告", "威海市环翠区应急管理局", 2020),
    ("yanliang", "/xxgk/gzbg/5fe1a2b3.html"):
        ("002", "2019", "阎良区应急管理局2020年政府信息公开年度报告", "阎良区应急管理局", 2020),
    ("quzhou", "/art/2024/1/22/art_1229020318_58876121.html"):
        ("003", "2021", "衢州市应急管理局2023年政府信息公开工作年度报告", "衢州市应急管理局", 2023),
    ("ningxia", "/xxgk/zfxxgknb/202101/t20210126_2575380.html"):
        ("004", "2019", "自治区应急管理厅2020年政府信息公开工作年度报告", "宁夏回族自治区应急管理厅", 2020),
    ("quzhou", "/art/2023/1/18/art_1229020318_58560377.html"):  # the synthetic demo report
        ("demo-qz-2022", "2021", "衢州市应急管理局2022年政府信息公开工作年度报告", "衢州市应急管理局", 2022),
    ("quzhou", "/art/2022/1/20/art_1229020318_58230045.html"):  # synthetic, its own sums fail
        ("demo-qz-2021", "2021", "衢州市应急管理局2021年政府信息公开工作年度报告", "衢州市应急管理局", 2021),
}
LAYOUTS = {"000": "2019", "001": "2019", "002": "2019", "003": "2021", "004": "2019"}


def expected(seed: str) -> set:
    return {(c.table, c.row, c.col, c.value, type(c.value).__name__, c.raw) for c in seed_cells(seed)}


def cell_set(cells) -> set:
    return {(c.table, c.row, c.col, c.value, type(c.value).__name__, c.raw) for c in cells}


@pytest.fixture(scope="module")
def built():
    return {site.key: site.build() for site in all_sites()}


@pytest.mark.parametrize("key", sorted(PAGES), ids=lambda k: PAGES[k][0])
def test_html_page_gives_every_seed_cell(built, key):
    seed, layout, title, agency, year = PAGES[key]
    body, ctype = built[key[0]][key[1]]
    e = extract_page(body, ctype)
    assert (e.layout, e.title, e.agency, e.year) == (layout, title, agency, year)
    assert cell_set(e.cells) == expected(seed)
    assert len(e.cells) == len(expected(seed))  # no cell twice
    assert e.warnings == []


def test_python_m_extract_prints_every_seed_cell():
    paths = [seed_path(s) for s in sorted(LAYOUTS)]
    out = subprocess.run([sys.executable, "-m", "extract", *map(str, paths)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert len(out) == len(paths)
    for seed, line in zip(sorted(LAYOUTS), out):
        record = json.loads(line)
        got = {(c["table"], c["row"], c["col"], c["value"], type(c["value"]).__name__, c["raw"]) for c in record["cells"]}
        assert got == expected(seed), seed
        assert record["layout"] == LAYOUTS[seed] and record["warnings"] == []


def test_checks_of_seed_003_all_assessable_and_ok():
    e = extract_page(seed_path("003").read_bytes(), "text/plain")
    statuses = {(c.rule, c.status) for c in e.checks}
    assert statuses == {("applications_balance", "ok"), ("applications_results_sum", "ok"),
                        ("applications_row_sum", "ok"), ("review_litigation_row_sum", "ok"), ("narrative", "ok")}
    # Its prose says 本年度共收到政府信息公开申请1件: the second witness agrees with the cell.
    (narrative,) = [c for c in e.checks if c.rule == "narrative"]
    assert (narrative.row, narrative.lhs, narrative.rhs) == ("new", 1, 1)
    assert e.check_status == "ok" and (e.expected_cells, e.cells_found) == (200, 200)
    balance = [c for c in e.checks if c.rule == "applications_balance" and c.col == "total"]
    assert [(c.lhs, c.rhs) for c in balance] == [(1, 1)]


def test_checks_of_seed_002_blanks_are_not_assessable():
    e = extract_page(seed_path("002").read_bytes(), "text/plain")
    row_sums = {c.row: c.status for c in e.checks if c.rule == "applications_row_sum"}
    assert set(row_sums.values()) == {"not_assessable"}  # six of seven columns printed blank
