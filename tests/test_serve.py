"""`govarchive serve`: datasette on the archive, read-only, bound to 127.0.0.1, with metadata."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from conftest import run_cli, serving
from expected import EXPECTED_REPORTS, N_PAGES


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def served(crawled):
    db, _, _ = crawled
    with serving(db) as base:
        yield base, db.stem


def test_reports_through_the_json_api(served):
    base, name = served
    reports = get_json(f"{base}/{name}/reports.json?_shape=array&_sort=id")
    assert sorted((r["agency"], r["year"]) for r in reports) == sorted(EXPECTED_REPORTS.values())
    pages = get_json(f"{base}/{name}/pages.json?_shape=array&index_no=768511246/2021-00409&_col=publisher")
    assert [p["publisher"] for p in pages] == ["区应急管理局"]


def test_metadata_titles_and_labels(served):
    base, name = served
    meta = get_json(f"{base}/-/metadata.json")
    tables = meta["databases"][name]["tables"]
    assert tables["pages"]["columns"]["index_no"].startswith("索引号")
    assert tables["pages"]["columns"]["written_date"].startswith("成文日期")
    with urllib.request.urlopen(f"{base}/{name}/pages", timeout=10) as response:
        html = response.read().decode()
    assert "Pages (页面)" in html and "索引号 Index number" in html


def test_archive_is_read_only(served):
    base, name = served
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{base}/{name}.json?sql=" + urllib.parse.quote("DELETE FROM pages"), timeout=10)
    assert err.value.code == 400
    assert get_json(f"{base}/{name}.json?sql=select+count(*)+as+n+from+pages&_shape=array") == [{"n": N_PAGES}]


def test_serve_missing_archive(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "none.db"), check=False)
    assert result.returncode == 2
    assert f"{tmp_path / 'none.db'}: no such archive" in result.stderr


def test_open_fetch_errors_query(served, portal):
    """The canned query names what the archive lacks: here only the report link robots.txt disallows."""
    base, name = served
    rows = get_json(f"{base}/{name}/open_fetch_errors.json?_shape=array")
    assert [(r["site"], r["kind"], r["url"]) for r in rows] == [
        ("宁波市江北区应急管理局", "robots", portal.url("jiangbei", "/private/ndbg/2019.html"))]
