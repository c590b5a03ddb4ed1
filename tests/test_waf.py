"""Anti-bot challenges (瑞数 412 `$_ts`, 加速乐 521 `__jsl`) in front of demo sites, met by real crawls
through the `govarchive crawl` CLI: passed in Chromium once per cookie lifetime, everything else plain
HTTP, and nothing archived when the browser is not allowed to pass them."""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import crawl
from crawler.challenge import JSL, RUISHU, detect
from crawler.settings import USER_AGENT as SCRAPY_UA
from demo_portal.server import SiteServer
from demo_portal.sites import huancui, quzhou
from demo_portal.waf import JslGuard, RuishuGuard

SITES = {"quzhou": quzhou, "huancui": huancui}  # quzhou: plain HTTP + the Hanweb proxy POST; huancui: a JS listing
# A cookie lives for EXPIRE_AFTER requests, the browser's reload included: short enough for several
# lifetimes per crawl. huancui renders its listing in a browser: 4 requests a page (page, css, js, XHR),
# two pages at once, all within one lifetime, hence 12.
EXPIRE_AFTER = {"quzhou": 4, "huancui": 12}
GUARDS = {"ruishu": RuishuGuard, "jsl": JslGuard}
QUICK = ("-s", "AUTOTHROTTLE_ENABLED=False")  # loopback: no throttling, in the guarded and the plain crawl alike


@dataclass
class Run:
    key: str
    site_name: str
    origin: str
    guard: object
    db: Path
    returncode: int
    stderr: str
    log: list
    seconds: float

    def rows(self, sql, params=()):
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    @property
    def stats(self) -> dict:
        return json.loads(self.rows("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0][0])

    def stat(self, name: str) -> int:
        return self.stats.get(f"govarchive/{name}/{self.site_name}", 0)

    def paths(self, sql: str) -> set[str]:
        return {u[len(self.origin):] for (u,) in self.rows(sql)}

    @property
    def pages(self) -> set[str]:
        return self.paths("SELECT url FROM pages")

    @property
    def reports(self) -> set[str]:
        return self.paths("SELECT p.url FROM reports r JOIN pages p ON p.id = r.page")

    def browser(self) -> list:
        """Requests the challenge browser made: any User-Agent but Scrapy's (scrapy-playwright's
        rendering browser sends Scrapy's, in a lower-case header)."""
        return [r for r in self.log if _ua(r) != SCRAPY_UA]

    def scrapy(self) -> list:
        return [r for r in self.log if _ua(r) == SCRAPY_UA]


def _ua(logged) -> str:
    return next((v for k, v in logged.headers.items() if k.lower() == "user-agent"), "")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _dump(logged: list) -> str:
    """The requests, one a line, for an assertion's message."""
    return "\n".join(f"{r.method} {r.path} {r.status} {_ua(r)[-30:]} "
                     f"{[f'{k}: {v}' for k, v in r.headers.items() if k.lower() in ('cookie', 'sec-fetch-dest')]}"
                     for r in logged)


def _problems(run) -> str:
    """The crawl's warnings and errors, and its challenge stats, for an assertion's message."""
    lines = [line for line in run.stderr.splitlines() if " WARNING: " in line or " ERROR: " in line]
    return "\n".join(lines + [f"{k}: {v}" for k, v in run.stats.items() if "challenge" in k or "render" in k])


def _cookie(logged, name: str) -> str | None:
    for k, v in logged.headers.items():
        if k.lower() == "cookie":
            for part in v.split(";"):
                key, _, value = part.strip().partition("=")
                if key == name:
                    return value
    return None


def run_site(key: str, tmp: Path, guard=None, *settings: str) -> Run:
    site = SITES[key]()
    log: list = []
    server = SiteServer(site, log=log, guard=guard)
    server.thread.start()
    try:
        sites = tmp / f"{key}.toml"
        lines = ["[[site]]", f'name = "{site.name}"', f'start_urls = ["{server.origin}{site.start_path}"]']
        if getattr(site, "render", False):
            lines.append("render = true")
        sites.write_text("\n".join(lines) + "\n", encoding="utf-8")
        db = tmp / f"{key}.db"
        started = time.monotonic()
        result = crawl(sites, db, *QUICK, *settings, check=False)
        seconds = time.monotonic() - started
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    return Run(key, site.name, server.origin, guard, db, result.returncode, result.stderr, list(log), seconds)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Crawls shared by the tests of this module, made on first use: runs(key, guard_name, *settings)."""
    done: dict = {}

    def get(key: str, guard: str | None = None, *settings: str, expire_after: int | None = None, **options) -> Run:
        name = (key, guard, settings, expire_after, tuple(sorted(options.items())))
        if name not in done:
            made = GUARDS[guard](expire_after=expire_after or EXPIRE_AFTER[key], **options) if guard else None
            done[name] = run_site(key, tmp_path_factory.mktemp(f"{key}-{guard or 'plain'}"), made, *settings)
        return done[name]

    return get


CASES = [(g, k) for g in GUARDS for k in SITES]
IDS = [f"{g}-{k}" for g, k in CASES]


@pytest.mark.parametrize("guard,key", CASES, ids=IDS)
def test_guarded_crawl_archives_what_the_plain_one_does(runs, guard, key):
    plain, guarded = runs(key), runs(key, guard)
    assert plain.returncode == 0 and guarded.returncode == 0, guarded.stderr[-3000:]
    assert plain.stat("challenges") == 0 and not plain.browser()  # the plain site challenges nobody
    assert guarded.pages == plain.pages and len(guarded.pages) >= 5
    expected = {d.path for d in SITES[key]().expected_reports()}
    assert guarded.reports == plain.reports == expected
    assert len(guarded.rows("SELECT url FROM pages")) == len(guarded.pages)  # one row per page, no extra versions
    assert not [k for k in guarded.stats if k.startswith(("govarchive/errors/", "govarchive/challenge_failures/"))]


@pytest.mark.parametrize("guard,key", CASES, ids=IDS)
def test_one_browser_pass_per_cookie_lifetime(runs, guard, key):
    plain, run = runs(key), runs(key, guard)
    renders = run.stat("challenge_renders")
    assert renders >= 2  # the cookie ran out during the crawl, and was earned again
    # Each pass earned a cookie of its own (the one its reload presented), and Scrapy went on with it.
    name = run.guard.cookie_name
    earned = [_cookie(r, name) for r in run.browser()[1::2]]
    assert len(set(earned)) == len(earned) == renders and None not in earned, _dump(run.browser()) + _problems(run)
    for value in earned:
        assert any(_cookie(r, name) == value and r.status == 200 for r in run.scrapy())
    if key == "quzhou":
        assert run.guard.lifetimes == renders  # every cookie the site accepted was earned by one pass
    else:  # a rendering browser page that meets the challenge may compute a cookie of its own
        assert renders <= run.guard.lifetimes
    assert len(run.guard.expired) >= renders - 1  # each pass but the first replaced a spent cookie
    # renders/<site> counts listing renders only (a render the challenge cut short is done again).
    if key == "quzhou":
        assert run.stat("renders") == plain.stat("renders") == 0
    else:
        assert plain.stat("renders") <= run.stat("renders") <= plain.stat("renders") + len(run.guard.issued)
    assert run.stat("render_ms") > 0
    # One browser for the whole crawl, scrapy-playwright's: each pass in a context of its own.
    assert run.stats["playwright/browser_count"] == 1
    assert run.stats["playwright/context_count"] >= renders + (key == "huancui")
    # Every challenge Scrapy met was seen by the middleware: one per answer on plain HTTP; a rendered
    # page counts once however many of its own requests (css, js, XHR) were challenged.
    challenged = [r for r in run.scrapy() if r.status == run.guard.status]
    if key == "quzhou":
        assert run.stat("challenges") == len(challenged)
    else:
        assert renders <= run.stat("challenges") <= len(challenged)


@pytest.mark.parametrize("guard,key", CASES, ids=IDS)
def test_browser_visits_only_challenged_urls(runs, guard, key):
    run = runs(key, guard)
    browser = run.browser()
    renders = run.stat("challenge_renders")
    # Each visit: the challenged URL (answered with the challenge), then the reload that lands on the
    # page. Nothing else: no stylesheets, scripts, images or favicon, no other page.
    assert len(browser) == 2 * renders, _dump(browser) + "\n" + _problems(run)
    for first, reload in zip(browser[::2], browser[1::2]):
        assert first.path == reload.path and first.method == reload.method == "GET"
        assert first.status == run.guard.status and reload.status == 200
        assert "Cookie" not in first.headers  # a fresh browser context per pass
        assert "HeadlessChrome" in _ua(first)
    scrapy_paths = {r.path for r in run.scrapy()}
    challenged = {r.path for r in run.scrapy() if r.status == run.guard.status and r.method == "GET"}
    # A challenged POST (the Hanweb data proxy) is passed on the page that posted it (its Referer).
    challenged |= {_path(r.headers["Referer"]) for r in run.scrapy()
                   if r.status == run.guard.status and r.method == "POST"}
    for visit in browser[::2]:
        if key == "quzhou":
            assert visit.path in challenged  # a URL Scrapy itself was refused
        else:  # or a rendered page whose own XHR was refused
            assert visit.path in scrapy_paths
    # The guard saw the same: every challenge it issued went to a request the logs show refused.
    assert run.guard.challenges == sum(1 for r in run.log if r.status == run.guard.status)


@pytest.mark.parametrize("guard", list(GUARDS))
def test_without_the_browser_nothing_is_archived(runs, guard):
    """CHALLENGE_ENABLED=False: the same crawl meets the challenge and stores nothing: it is real."""
    run = runs("quzhou", guard, "-s", "CHALLENGE_ENABLED=False")
    assert run.returncode == 1 and f"nothing archived for: {run.site_name}" in run.stderr
    assert run.rows("SELECT count(*) FROM pages")[0][0] == 0
    assert not run.browser()
    assert run.scrapy() and all(r.status == run.guard.status for r in run.scrapy())
    assert run.stat("challenges") == 0 and run.stat("challenge_renders") == 0
    # the start URL is named: a challenge nobody passed, as its HTTP status (and robots.txt, when the
    # guard's status is a server error: 加速乐's 521)
    expected = {(run.origin + "/col/col1229020318/index.html", "listing", "http", run.guard.status)}
    if run.guard.status >= 500:
        expected.add((run.origin + "/robots.txt", "robots", "http", run.guard.status))
    assert set(run.rows("SELECT url, role, kind, status FROM fetch_errors")) == expected


def test_gives_up_on_a_challenge_the_browser_cannot_pass(runs):
    """A cookie good for one request is spent by the browser's own reload: Scrapy is refused every
    time. At most CHALLENGE_MAX_ATTEMPTS passes per request, then a logged error and a stat."""
    run = runs("quzhou", "ruishu", "-s", "CHALLENGE_MAX_ATTEMPTS=2", expire_after=1)
    failures = run.stat("challenge_failures")
    assert failures == 2  # robots.txt, then the start page; nothing else was found to fetch
    assert run.stat("challenge_renders") == 2 * failures
    assert run.stderr.count("could not pass the 瑞数 anti-bot challenge") == failures
    assert run.rows("SELECT count(*) FROM pages")[0][0] == 0 and run.returncode == 1


def test_ruishu_answering_202(runs):
    """瑞数 answers 202 on some sites: the same pass, the same pages."""
    plain, run = runs("quzhou"), runs("quzhou", "ruishu", status=202)
    assert run.returncode == 0 and run.pages == plain.pages and run.reports == plain.reports
    assert {r.status for r in run.log} >= {202, 200} and 412 not in {r.status for r in run.log}
    assert run.stat("challenge_renders") == run.guard.lifetimes >= 2


def test_detect():
    ts = b"<script>var $_ts=window['$_ts'];</script>"
    assert detect(412, ts) == RUISHU and detect(202, ts) == RUISHU
    assert detect(200, ts) is None and detect(412, b"<html>Precondition Failed</html>") is None
    assert detect(521, b"<script>document.cookie='__jsl_clearance_s=1'</script>") == JSL
    assert detect(521, b"", [b"__jsluid_h=0123; max-age=31536000; path=/; HttpOnly"]) == JSL
    assert detect(521, b"Web server is down") is None


def test_guards_answer_in_js_only():
    """The challenge page holds the token, not the cookie: a regex over the page cannot pass."""
    guard = RuishuGuard(expire_after=2)
    status, headers, body = guard("GET", "/", {})
    assert status == 412 and b"$_ts.cd=" in body and b"location.reload()" in body
    s_cookie = dict(headers)["Set-Cookie"].split(";")[0]
    assert guard("GET", "/", {"Cookie": s_cookie})[0] == 412  # the server's cookie alone does not pass
    assert guard.challenges == 2 and guard.lifetimes == 0
    jsl = JslGuard(expire_after=2)
    status, headers, body = jsl("GET", "/", {})
    assert status == 521 and b"__jsl_clearance_s" in body and b"__jsluid_h=" in dict(headers)["Set-Cookie"].encode()
    uid = dict(headers)["Set-Cookie"].split(";")[0]
    status, headers, _ = jsl("GET", "/", {"Cookie": uid})  # the visitor id alone: the same challenge again
    assert status == 521 and "Set-Cookie" not in dict(headers) and jsl.lifetimes == 0

