"""The browsing plugin through datasette.client (in process, on the crawled demo archive): the report
as printed, failed checks, the archived page viewer, search, the dashboard, links, labels, Host."""
from __future__ import annotations

import asyncio
import csv
import hashlib
import re
import sqlite3
import urllib.parse

import lxml.html
import pytest
from datasette.app import Datasette

from archive import bodies
from archive.serve import metadata_for
from conftest import ROOT, run_cli
from demo_portal.seeds import seed_cells
from expected import EXPECTED_REPORTS

JIANGBEI_2020 = ("jiangbei", "/art/2021/1/18/art_1229138290_3676543.html")  # seed 000
QUZHOU_2021 = ("quzhou", "/art/2022/1/20/art_1229020318_58230045.html")  # its own sums fail
QUZHOU_2023 = ("quzhou", "/art/2024/1/22/art_1229020318_58876121.html")
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")


class Client:
    def __init__(self, db_path):
        self.ds = Datasette([str(db_path)], metadata=metadata_for(str(db_path)))
        asyncio.run(self.ds.invoke_startup())

    def get(self, path: str, **kwargs):
        return asyncio.run(self.ds.client.get(path, **kwargs))

    def html(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, response.text[:500]
        return lxml.html.fromstring(response.text)


@pytest.fixture(scope="module")
def client(crawled):
    return Client(crawled[0])


@pytest.fixture(scope="module")
def sql(crawled):
    conn = sqlite3.connect(f"file:{crawled[0]}?mode=ro", uri=True)
    yield conn
    conn.close()


def report_id(sql, portal, key) -> int:
    return sql.execute("SELECT r.id FROM reports r JOIN pages p ON p.id = r.page WHERE p.url = ?",
                       [portal.url(*key)]).fetchone()[0]


def shown_cells(doc) -> dict[str, tuple[str, str | None]]:
    return {td.get("data-cell"): (td.text_content(), td.get("data-raw")) for td in doc.xpath("//td[@data-cell]")}


def row_codes(doc, label: str) -> list[str]:
    """The cells printed in the row that a label heads."""
    (tr,) = doc.xpath(f"//table[contains(@class,'ga-report')]//tr[td[@class='label' and text()='{label}']]")
    return [td.get("data-cell") for td in tr.xpath("td[@data-cell]")]


def test_seed_000_as_printed(client, sql, portal):
    rid = report_id(sql, portal, JIANGBEI_2020)
    doc = client.html(f"/-/report/{rid}")
    expected = {f"{c.table}.{c.row}.{c.col}": ("" if c.value is None else str(c.value), c.raw) for c in seed_cells("000")}
    assert shown_cells(doc) == expected  # every cell of the 2019 grid, each value with its printed text
    assert shown_cells(doc)["active.procurement.amount"] == ("7.98", "7.98万元")
    text = doc.text_content()
    for label in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                  "本年新制作数量", "对外公开总数量", "其他对外管理服务事项", "政府集中采购", "申请人情况", "法人或其他组织",
                  "社会公益组织", "（三）不予公开", "5.要求行政机关确认或重新出具已获取信息", "未经复议直接起诉", "复议后起诉",
                  "宁波市江北区应急管理局", "2019 国办公开办函〔2019〕60号"):
        assert label in text, label
    # Labels and values on the same printed rows.
    assert row_codes(doc, "一、本年新收政府信息公开申请数量") == [f"applications.new.{c}" for c in APPLICANTS]
    assert row_codes(doc, "（七）总计") == [f"applications.total.{c}" for c in APPLICANTS]
    assert row_codes(doc, "（六）其他处理") == [f"applications.other.{c}" for c in APPLICANTS]  # one row in 2019
    assert row_codes(doc, "行政许可") == ["active.licensing.prev_items", "active.licensing.change", "active.licensing.decisions"]
    assert doc.get_element_by_id("check-status").text_content() == "ok"
    assert doc.get_element_by_id("completeness").text_content().startswith("198 / 198 cells")
    hrefs = {a.get("href") for a in doc.xpath("//a")}
    page_id = sql.execute("SELECT page FROM reports WHERE id = ?", [rid]).fetchone()[0]
    assert portal.url(*JIANGBEI_2020) in hrefs and f"/-/page/{page_id}" in hrefs
    attachment = sql.execute("SELECT id FROM attachments WHERE page_id = ?", [page_id]).fetchone()[0]
    assert f"/-/attachment/{attachment}" in hrefs
    stored, codec, sha = sql.execute("SELECT body, body_codec, sha256 FROM attachments WHERE id = ?",
                                     [attachment]).fetchone()
    got = client.get(f"/-/attachment/{attachment}")  # the file as served, whatever its stored codec
    assert got.content == bodies.unpack(stored, codec) and hashlib.sha256(got.content).hexdigest() == sha


def test_blank_is_not_zero_and_absent_is_marked(client, sql, portal):
    rid = report_id(sql, portal, ("yanliang", "/xxgk/gzbg/5fe1a2b3.html"))  # seed 002: blanks printed
    doc = client.html(f"/-/report/{rid}")
    cells = shown_cells(doc)
    blanks = {f"{c.table}.{c.row}.{c.col}": c.raw for c in seed_cells("002") if c.value is None}
    assert blanks and all(cells[code] == ("", raw) for code, raw in blanks.items())
    assert {td.get("data-cell") for td in doc.xpath("//td[contains(@class,'blank')]")} == set(blanks)


def test_failed_checks_highlighted_with_both_sides(client, sql, portal):
    rid = report_id(sql, portal, QUZHOU_2021)
    doc = client.html(f"/-/report/{rid}")
    assert doc.get_element_by_id("check-status").text_content() == "failed"
    results = ["granted", "partially_granted", "denied_state_secret", "denied_prohibited_by_law",
               "denied_three_safety_stability", "denied_third_party", "denied_internal_affairs", "denied_process_info",
               "denied_enforcement_file", "denied_administrative_query", "unavailable_not_held",
               "unavailable_needs_creation", "unavailable_unclear", "not_processed_complaint", "not_processed_repeat",
               "not_processed_publication", "not_processed_excessive", "not_processed_confirmation",
               "other_no_correction", "other_no_fee", "other_other", "total"]
    highlighted = {td.get("data-cell") for td in doc.xpath("//td[contains(@class,'failed')]")}
    # 自然人's result rows against its （七）总计, and the 予以公开 row against its 总计.
    assert highlighted == {f"applications.{r}.natural_person" for r in results} | {
        f"applications.granted.{c}" for c in APPLICANTS}
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath("//table[@id='failed-checks']//tr[td]")]
    assert rows == [
        ["applications_results_sum", "三、本年度办理结果（一）至（六）之和等于（七）总计（自然人列）", "3", "2"],
        ["applications_row_sum", "（一）予以公开：各类申请人之和等于总计", "2", "1"],
    ]
    (cell,) = doc.xpath("//td[@data-cell='applications.granted.natural_person']")
    assert cell.text_content() == "2" and "3 ≠ 2" in cell.get("title") and "2 ≠ 1" in cell.get("title")
    # The same agency's other years, linked.
    years = doc.get_element_by_id("other-years")
    linked = {a.text_content(): a.get("href") for a in years.xpath(".//a")}
    assert set(linked) == {"2022", "2023"} and linked["2023"] == f"/-/report/{report_id(sql, portal, QUZHOU_2023)}"


def test_not_assessable_checks_show_their_sides(client, sql, portal):
    rid = report_id(sql, portal, ("yanliang", "/xxgk/gzbg/5fe1a2b3.html"))
    doc = client.html(f"/-/report/{rid}")
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath("//table[@id='other-checks']//tr[td]")]
    stored = sql.execute("SELECT count(*) FROM report_checks WHERE report_id = ? AND status = 'not_assessable'", [rid]).fetchone()[0]
    blank_side = [r for r in rows if r[2] == "无法核对（一侧有空白）"]
    assert stored and len(blank_side) == stored
    assert all("空白" in (r[3], r[4]) for r in blank_side)


def test_every_report_row_links_to_its_page(client, sql):
    name = client.ds.get_database().name
    ids = {r[0] for r in sql.execute("SELECT id FROM current_reports")}
    assert len(ids) == len(EXPECTED_REPORTS)
    with_tables = {r[0] for r in sql.execute("SELECT DISTINCT report_id FROM report_cells WHERE table_code = 'applications'")}
    assert len(with_tables) == len(ids) - 1  # the image-only report has no cells
    for path, wanted in ((f"/{name}/report_summary", ids), (f"/{name}/outcomes_by_agency_year", with_tables)):
        hrefs = {a.get("href") for a in client.html(path).xpath("//table[contains(@class,'rows-and-columns')]//a")}
        assert {f"/-/report/{i}" for i in wanted} <= hrefs, path
    failed = {r[0] for r in sql.execute("SELECT DISTINCT report_id FROM report_checks WHERE status = 'failed'")}
    hrefs = {a.get("href") for a in client.html(f"/{name}/failed_checks").xpath("//table[contains(@class,'rows-and-columns')]//a")}
    assert failed and {f"/-/report/{i}" for i in failed} <= hrefs
    titles = client.html(f"/{name}/reports").xpath("//td[contains(@class,'col-title')]//a/@href")
    assert set(titles) == {f"/-/report/{i}" for i in sql.execute("SELECT id FROM reports").fetchall() for i in i}


def test_canned_queries_are_titled_and_labelled(client):
    name = client.ds.get_database().name
    doc = client.html(f"/{name}/failed_checks")
    assert doc.findtext(".//title") == f"Reports whose checks fail — {name}"
    labels = client.ds.plugin_config("govarchive")["column_labels"]
    assert labels["agency"] == "报告机关" and labels["new_applications"] == "本年新收申请"
    assert '"agency": "报告机关"' in client.get(f"/{name}/report_summary").text  # the header script carries them


def test_page_viewer_and_raw_bytes(client, sql, portal):
    page_id, stored, codec, sha, ctype = sql.execute("SELECT id, body, body_codec, sha256, content_type FROM pages"
                                                     " WHERE url = ?", [portal.url(*JIANGBEI_2020)]).fetchone()
    body = bodies.unpack(stored, codec)
    doc = client.html(f"/-/page/{page_id}")
    (frame,) = doc.xpath("//iframe")
    assert frame.get("src") == f"/-/page/{page_id}/raw" and frame.get("sandbox") == ""
    banner = doc.get_element_by_id("banner").text_content()
    assert portal.url(*JIANGBEI_2020) in banner and sha in banner
    assert doc.get_element_by_id("live-url").get("href") == portal.url(*JIANGBEI_2020)
    download = doc.get_element_by_id("raw-download").get("href")
    assert download == f"/-/page/{page_id}/raw?download=1"
    got = client.get(download)  # the bytes as served, not the stored (compressed) ones
    assert got.content == body and got.headers["content-disposition"] == f"attachment; filename*=UTF-8''page-{page_id}"
    raw = client.get(f"/-/page/{page_id}/raw")
    assert raw.content == body and hashlib.sha256(raw.content).hexdigest() == sha
    assert raw.headers["content-type"] == ctype
    csp = raw.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp
    assert client.get("/-/page/999999").status_code == 404 and client.get("/-/report/999999").status_code == 404


def test_gbk_page_without_a_header_charset_is_shown_as_decoded(client, sql, portal):
    page_id, encoding = sql.execute("SELECT id, encoding FROM pages WHERE url = ?",
                                    [portal.url("ningxia", "/xxgk/zfxxgknb/202101/t20210126_2575380.html")]).fetchone()
    raw = client.get(f"/-/page/{page_id}/raw")
    assert raw.headers["content-type"] == f"text/html; charset={encoding}"
    assert "自治区应急管理厅2020年政府信息公开工作年度报告" in raw.content.decode(encoding)


def test_search_shows_snippets(client, sql, portal):
    doc = client.html("/-/search?q=依申请公开")
    hits = doc.xpath("//div[@class='ga-hit']")
    found = {re.sub(r"\s+", "", h.xpath(".//a")[0].text_content()) for h in hits}
    assert {"宁波市江北区应急管理局2020年政府信息公开工作年度报告", "衢州市应急管理局2023年政府信息公开工作年度报告"} <= found
    assert "关于报送2020年度政府信息公开工作年度报告的通知" not in found
    for hit in hits:
        assert hit.xpath(".//p[@class='snippet']/mark/text()") and set(hit.xpath(".//p[@class='snippet']/mark/text()")) == {"依申请公开"}
    jiangbei = next(h for h in hits if "宁波市江北区" in h.text_content())
    assert jiangbei.xpath(".//a[@class='report-link']/@href") == [f"/-/report/{report_id(sql, portal, JIANGBEI_2020)}"]
    assert not doc.xpath("//*[@id='like-notice']")


def test_search_for_a_two_character_term_scans_and_says_so(client, sql):
    doc = client.html("/-/search?q=年报")
    assert "fewer than three characters" in doc.get_element_by_id("like-notice").text_content()
    shown = {int(h.xpath(".//a")[0].get("href").rsplit("/", 1)[1]) for h in doc.xpath("//div[@class='ga-hit']")}
    expected = {r[0] for r in sql.execute("SELECT id FROM pages WHERE instr(title, '年报') OR instr(text, '年报')")}
    assert expected and shown == expected
    for hit in doc.xpath("//div[@class='ga-hit']"):
        assert set(hit.xpath(".//p[@class='snippet']/mark/text()")) == {"年报"}


def test_dashboard(client):
    doc = client.html("/-/dashboard")
    charts = doc.xpath("//svg[@class='ga-chart']")
    assert len(charts) == 4 and all(int(c.get("width")) > 400 for c in charts)
    coverage = {tr.xpath("td")[0].text_content(): tr.xpath("td")[-1].text_content()
                for tr in doc.xpath("//section[@id='coverage']//tr[td]")}
    assert coverage["衢州市应急管理局"] == "2019, 2020"
    assert coverage["宁波市江北区应急管理局"] == "2019, 2021, 2022, 2023"
    # 衢州 2021 (its sums fail) and 宁夏 2019 (图片版 without its images: no tables, incomplete)
    assert doc.get_element_by_id("flagged").text_content().startswith(f"2 of {len(EXPECTED_REPORTS)} reports")


def test_host_header_is_checked(client):
    assert client.get("/-/versions.json").status_code == 200  # datasette.client says Host: localhost
    refused = client.get("/-/report/1", headers={"Host": "evil.example"})
    assert refused.status_code == 403 and "evil.example" in refused.text
    assert client.get("/", headers={"Host": "localhost:8001"}).status_code == 403  # not this server's port


def test_report_found_by_agency_and_year(client, sql, portal):
    found = client.get("/-/report?agency=衢州市应急管理局&year=2021")
    assert found.status_code == 302 and found.headers["location"] == f"/-/report/{report_id(sql, portal, QUZHOU_2021)}"
    assert client.get("/-/report?agency=衢州市应急管理局&year=2020").status_code == 404


def test_readme_browsing_urls_work_as_printed_for_demo_db(crawled, tmp_path):
    """The README's URLs name the database `demo` (the file demo.db) and ids it cannot know: they
    must answer on an archive of the demo portal served under that name."""
    demo = tmp_path / "demo.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(demo) as dst:
        src.backup(dst)
    client = Client(demo)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Browsing: datasette"):readme.index("## WARC export")]
    urls = re.findall(r"<http://127\.0\.0\.1:8001(/[^>]*)>", section)
    assert {u.split("?")[0] for u in urls} >= {"/-/report", "/-/search", "/-/dashboard", "/demo/report_summary", "/demo/pages"}
    for url in urls:
        path = url.split("#")[0]
        response = client.get(urllib.parse.quote(path, safe="/?=&-_."), follow_redirects=True)
        assert response.status_code == 200, url


def test_archive_with_the_extractors_completeness_columns(crawled, tmp_path, portal):
    """An archive whose reports carry expected_cells, cells_found and check_status = incomplete (the
    newer extractor's columns): the report page and the export show them."""
    db = tmp_path / "newer.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
        # The archive's schema has the columns since the extractor stores them: no ALTER needed.
        rid = dst.execute("SELECT r.id FROM reports r JOIN pages p ON p.id = r.page WHERE p.url = ?",
                          [portal.url(*JIANGBEI_2020)]).fetchone()[0]
        dst.execute("UPDATE reports SET expected_cells = 198, cells_found = 190, check_status = 'incomplete' WHERE id = ?", [rid])
        dst.execute("INSERT INTO report_checks (report_id, rule, status, lhs, rhs) VALUES (?, 'narrative', 'failed', 5, 4)", [rid])
    doc = Client(db).html(f"/-/report/{rid}")
    assert doc.get_element_by_id("completeness").text_content().strip() == "190 / 198 cells"
    assert doc.get_element_by_id("check-status").text_content() == "incomplete"
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath("//table[@id='failed-checks']//tr[td]")]
    assert rows == [["narrative", "narrative", "5", "4"]]
    out = tmp_path / "r.csv"
    run_cli("export", "--db", str(db), "--format", "csv", str(out))
    with open(out, newline="", encoding="utf-8") as fh:
        (row,) = [r for r in csv.DictReader(fh) if r["report_id"] == str(rid)]
    assert (row["check_status"], row["expected_cells"], row["cells_found"]) == ("incomplete", "198", "190")
