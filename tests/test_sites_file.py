"""A bad sites file stops the run before any request, naming the site and the field."""
from __future__ import annotations

import pytest

from conftest import crawl
from crawler.sites import SitesFileError, load_sites

GOOD = '''
[[site]]
name = "宁波市江北区应急管理局"
start_urls = ["http://127.0.0.1:8001/col/col1229138290/index.html"]
allowed_domains = ["127.0.0.1"]
cms = "hanweb"
render = false
'''


def write(tmp_path, text):
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file(tmp_path):
    (site,) = load_sites(write(tmp_path, GOOD))
    assert site.name == "宁波市江北区应急管理局"
    assert site.start_urls == ("http://127.0.0.1:8001/col/col1229138290/index.html",)
    assert site.allowed_domains == ("127.0.0.1",) and site.cms == "hanweb" and site.render is False
    assert site.allows("http://127.0.0.1:9999/art/1.html")  # a listed domain: any port
    assert not site.allows("http://www.example.org/")


def test_default_scope_is_the_start_urls_origin(tmp_path):
    (site,) = load_sites(write(tmp_path, '[[site]]\nname = "a"\nstart_urls = ["http://127.0.0.1:8001/x/index.html"]\n'))
    assert site.allows("http://127.0.0.1:8001/art/2.html")
    assert not site.allows("http://127.0.0.1:8002/art/2.html")  # another port is another site


@pytest.mark.parametrize("text, message", [
    (GOOD.replace('cms = "hanweb"', 'cms = "hanweb"\ncolour = "red"'),
     "site 1 ('宁波市江北区应急管理局'): field 'colour': unknown field"),
    ('[[site]]\nname = "甲局"\n', "site 1 ('甲局'): field 'start_urls': missing"),
    ('[[site]]\nstart_urls = ["http://a.gov.cn/"]\n', "site 1: field 'name': missing"),
    (GOOD + '\n[[site]]\nname = "乙局"\nstart_urls = "http://b.gov.cn/"\n',
     "site 2 ('乙局'): field 'start_urls': expected a list, got str"),
    (GOOD.replace('render = false', 'render = "yes"'), "field 'render': expected true or false, got str"),
    (GOOD.replace('cms = "hanweb"', 'cms = "wordpress"'), "field 'cms': 'wordpress' is not one of auto, hanweb, trs, generic"),
    ('[[site]]\nname = "丙局"\nstart_urls = ["ftp://c.gov.cn/"]\n', "site 1 ('丙局'): field 'start_urls': not an http(s) URL"),
    (GOOD + GOOD, "site 2 ('宁波市江北区应急管理局'): field 'name': duplicate site name"),
    ('[[site]\nname = "x"\n', "not valid TOML"),
    ('', "no [[site]] entries"),
])
def test_bad_files_name_site_and_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SitesFileError) as err:
        load_sites(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_cli_stops_before_any_request(tmp_path, portal):
    bad = write(tmp_path, f'[[site]]\nname = "江北"\nstart_urls = ["{portal.url("jiangbei", "/")}"]\ndelay = 1\n')
    db = tmp_path / "archive.db"
    seen = len(portal.log)
    result = crawl(bad, db, check=False)
    assert result.returncode == 2
    assert f"govarchive: {bad}: site 1 ('江北'): field 'delay': unknown field" in result.stderr
    assert len(portal.log) == seen  # not one request went out
    assert not db.exists()  # and no archive was created


def test_cli_missing_file(tmp_path):
    result = crawl(tmp_path / "nope.toml", tmp_path / "a.db", check=False)
    assert result.returncode == 2
    assert f"govarchive: {tmp_path / 'nope.toml'}: no such sites file" in result.stderr
