"""The demo portal's seeded fault mode and request timestamps, seen with plain HTTP clients: what a
crawl test relies on when it injects faults (demo_portal/faults.py)."""
from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

import pytest

from demo_portal.faults import KINDS, FaultPlan, FaultRecord, Target
from demo_portal.server import DemoPortal, SiteServer
from demo_portal.sites import huancui, jiangbei, ningxia, quzhou, yanliang
from demo_portal.waf import RuishuGuard

XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}


@dataclass
class Outcome:
    kind: str | None  # the fault as the client saw it; None: a whole answer
    status: int = 0
    headers: dict | None = None
    body: bytes = b""


def fetch(port: int, target: Target, headers: dict | None = None, timeout: float = 5.0) -> Outcome:
    """One request on a fresh connection, classified by what reached the client."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(target.method, target.path, body=target.body or None, headers=headers or {})
        resp = conn.getresponse()
        got = {k: v for k, v in resp.getheaders()}
        try:
            body = resp.read()
        except http.client.IncompleteRead as e:
            return Outcome("truncated", resp.status, got, e.partial)
        if resp.status in (500, 502, 503, 429):
            return Outcome(str(resp.status), resp.status, got, body)
        return Outcome(None, resp.status, got, body)
    except http.client.RemoteDisconnected:  # a ConnectionResetError too, but a clean close: not a reset
        return Outcome("closed")
    except ConnectionResetError:
        return Outcome("reset")
    except TimeoutError:
        return Outcome("stall")
    finally:
        conn.close()


def logged(server) -> list:
    """The server's log once every request answered so far has its entry."""
    assert server.wait_idle()
    return list(server.log)


def started(server: SiteServer) -> SiteServer:
    server.start()
    return server


@pytest.fixture
def ningxia_server(request):
    """ningxia (no guard, static pages only) with the fault plan the test passes by indirect param."""
    server = started(SiteServer(ningxia(), faults=request.param))
    yield server
    server.stop()


def test_log_has_arrival_times(tmp_path):
    server = started(SiteServer(ningxia()))
    try:
        windows = []
        for path in ("/robots.txt", "/", "/xxgk/zfxxgknb/index.html"):
            before = time.time()
            assert fetch(server.port, Target("ningxia", "GET", path)).status == 200
            windows.append((before, time.time()))
            time.sleep(0.2)
        log = logged(server)
        assert [r.path for r in log] == ["/robots.txt", "/", "/xxgk/zfxxgknb/index.html"]
        for r, (before, after) in zip(log, windows):
            assert before <= r.time <= after and r.fault is None
        gaps = [b.time - a.time for a, b in zip(log, log[1:])]
        assert all(gap >= 0.2 for gap in gaps)
    finally:
        server.stop()


def demo_targets() -> list[Target]:
    """Every URL of the demo sites: static pages, robots.txt, the Hanweb proxy POSTs, the JSON API."""
    targets = []
    for site in (jiangbei(), quzhou(), ningxia(), huancui(), yanliang()):
        targets += [Target(site.key, "GET", quote(path, safe="/?&=")) for path in site.build()]
    for site in (jiangbei(), quzhou()):
        form = site.cms.form(site).encode()
        targets += [Target(site.key, "POST", f"{site.cms.proxy}?startrecord={s}&endrecord={s + 44}&perpage=15", form)
                    for s in (1, 16)]
    targets += [Target("huancui", "GET", f"/api/doc/list?column=huancui&page={n}&size=2") for n in (1, 2, 3)]
    return targets


def test_plan_is_fixed_by_its_seed():
    targets = demo_targets()
    a, b, other = FaultPlan(seed=7), FaultPlan(seed=7), FaultPlan(seed=8)
    faulty = [t for t in targets if a.is_faulty(t)]
    assert faulty == [t for t in targets if b.is_faulty(t)]
    assert faulty != [t for t in targets if other.is_faulty(t)]
    assert [a.kind(t, n) for t in faulty for n in (0, 1)] == [b.kind(t, n) for t in faulty for n in (0, 1)]
    # Order of requests does not matter: the same records whichever way round they come.
    for t in targets + targets + targets:
        a.next_fault(t)
    for t in reversed(targets + targets + targets):
        b.next_fault(t)
    assert a.records() == b.records()
    assert set(a.records()) == set(faulty)
    assert all(r == FaultRecord((a.kind(t, 0), a.kind(t, 1)), 3) for t, r in a.records().items())


def test_about_rate_of_urls_are_faulty_and_every_kind_occurs():
    targets = [Target("s", "GET", f"/art/{n}.html") for n in range(3000)]
    plan = FaultPlan(rate=0.2, seed=7)
    faulty = [t for t in targets if plan.is_faulty(t)]
    assert 0.17 * len(targets) < len(faulty) < 0.23 * len(targets)
    assert {plan.kind(t, n) for t in faulty for n in (0, 1)} == set(KINDS)


def test_body_and_method_make_distinct_urls():
    plan = FaultPlan(rate=0.5, seed=7)
    same_path = [Target("jiangbei", "POST", "/module/web/jpage/dataproxy.jsp?startrecord=1", f"columnid={n}".encode())
                 for n in range(200)]
    verdicts = {plan.is_faulty(t) for t in same_path}
    assert verdicts == {True, False}
    gets = [Target("s", "GET", f"/p{n}.html") for n in range(200)]
    heads = [replace(t, method="HEAD") for t in gets]
    assert [plan.is_faulty(t) for t in gets] != [plan.is_faulty(t) for t in heads]


def test_include_limits_the_faulty_urls():
    plan = FaultPlan(rate=1.0, include=lambda t: t.path == "/robots.txt")
    assert plan.is_faulty(Target("s", "GET", "/robots.txt"))
    assert not plan.is_faulty(Target("s", "GET", "/index.html"))


@pytest.mark.parametrize("bad", [dict(rate=1.5), dict(failures_per_url=0), dict(kinds=("404",)), dict(kinds=()),
                                 dict(stall_seconds=0)])
def test_plan_refuses_bad_settings(bad):
    with pytest.raises(ValueError):
        FaultPlan(**bad)


def clean_answer(server: SiteServer, target: Target, headers: dict) -> bytes:
    dynamic = server.site.handle(target.method, target.path, headers, target.body)
    return dynamic[2] if dynamic is not None else server.lookup(target.path)[0]


def test_faulty_urls_fail_exactly_failures_per_url_times_then_answer_the_real_bytes():
    plan = FaultPlan(rate=0.2, failures_per_url=2, seed=7, stall_seconds=0.5)
    # The guards are off here (a plain client cannot pass them); test_guard_and_faults_compose has them on.
    sites = (jiangbei(), quzhou(), ningxia(), replace(huancui(), guard=None), replace(yanliang(), guard=None))
    with DemoPortal(sites=sites, faults=plan) as portal:
        targets = demo_targets()
        for target in targets:
            server = portal.servers[target.site]
            headers = XHR if target.method == "POST" else {}
            seen = []
            for _ in range(plan.failures_per_url + 1):
                outcome = fetch(server.port, target, headers, timeout=0.25)
                if outcome.kind is None:
                    break
                seen.append(outcome.kind)
            expected = [plan.kind(target, n) for n in range(2)] if plan.is_faulty(target) else []
            assert seen == expected, target
            assert outcome.kind is None and outcome.status == 200, target
            assert outcome.body == clean_answer(server, target, headers), target
        faulty = {t for t in targets if plan.is_faulty(t)}
        assert set(plan.records()) == faulty and len(faulty) >= 20
        assert all(r.failures == 2 and r.recovered for r in plan.records().values())
        # robots.txt and the proxy POSTs can fail like any page (seed 7 picks some of each).
        assert {t.path for t in faulty} & {"/robots.txt"} and {t.method for t in faulty} == {"GET", "POST"}
        # The log names each injected fault, in order, and when it arrived.
        log = logged(portal)
        for target in faulty:
            entries = sorted((r for r in log if (r.site, r.method, r.path, r.body) ==
                             (target.site, target.method, target.path, target.body)), key=lambda r: r.time)
            assert [r.fault for r in entries] == [*plan.records()[target].kinds, None]
            assert entries[-1].status == 200
        some = next(iter(faulty))
        assert portal.url_of(some) == portal.servers[some.site].origin + some.path


ROBOTS = Target("ningxia", "GET", "/robots.txt")
REPORT = Target("ningxia", "GET", "/xxgk/zfxxgknb/202101/t20210126_2575380.html")


def only(kind: str, **kw) -> FaultPlan:
    return FaultPlan(rate=1.0, failures_per_url=1, kinds=(kind,), **kw)


@pytest.mark.parametrize("ningxia_server,status", [(only("500"), 500), (only("502"), 502), (only("503"), 503)],
                         indirect=["ningxia_server"])
def test_http_status_faults(ningxia_server, status):
    got = fetch(ningxia_server.port, REPORT)
    assert (got.kind, got.status, got.headers["Server"].strip()) == (str(status), status, "nginx")
    assert f"<h1>{status} ".encode() in got.body and int(got.headers["Content-Length"]) == len(got.body)
    assert fetch(ningxia_server.port, REPORT).body == ningxia_server.pages[REPORT.path][0]
    assert [(r.status, r.fault) for r in logged(ningxia_server)] == [(status, str(status)), (200, None)]


@pytest.mark.parametrize("ningxia_server", [only("429")], indirect=True)
def test_429_says_retry_after_one_second(ningxia_server):
    got = fetch(ningxia_server.port, REPORT)
    assert (got.status, got.headers["Retry-After"]) == (429, "1")
    assert fetch(ningxia_server.port, REPORT).status == 200


@pytest.mark.parametrize("ningxia_server", [only("reset")], indirect=True)
def test_reset_is_a_tcp_reset(ningxia_server):
    conn = http.client.HTTPConnection("127.0.0.1", ningxia_server.port, timeout=5)
    conn.request("GET", REPORT.path)
    with pytest.raises(ConnectionResetError) as e:
        conn.getresponse()
    assert type(e.value) is ConnectionResetError  # a RST, not RemoteDisconnected (a clean close)
    assert fetch(ningxia_server.port, REPORT).status == 200
    assert [(r.status, r.fault, r.sent) for r in logged(ningxia_server)] == [(0, "reset", 0), (200, None, len(
        ningxia_server.pages[REPORT.path][0]))]


@pytest.mark.parametrize("ningxia_server", [only("truncated")], indirect=True)
def test_truncated_declares_the_full_length_and_sends_half(ningxia_server):
    real = ningxia_server.pages[REPORT.path][0]
    conn = http.client.HTTPConnection("127.0.0.1", ningxia_server.port, timeout=5)
    conn.request("GET", REPORT.path)
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.getheader("Content-Length")) == len(real)
    assert resp.getheader("ETag") and resp.getheader("Content-Type") == "text/html"  # ningxia: no charset header
    with pytest.raises(http.client.IncompleteRead) as e:
        resp.read()
    assert e.value.partial == real[:len(real) // 2]
    assert fetch(ningxia_server.port, REPORT).body == real
    first = logged(ningxia_server)[0]
    assert first.fault == "truncated" and first.sent == len(real) // 2


@pytest.mark.parametrize("ningxia_server", [only("stall", stall_seconds=1.0)], indirect=True)
def test_stall_sends_nothing_then_closes(ningxia_server):
    assert fetch(ningxia_server.port, REPORT, timeout=0.3).kind == "stall"  # the client's timeout comes first
    second = Target("ningxia", "GET", "/xxgk/zfxxgknb/index.html")
    start = time.time()
    conn = http.client.HTTPConnection("127.0.0.1", ningxia_server.port, timeout=10)
    conn.request("GET", second.path)
    with pytest.raises(http.client.RemoteDisconnected):  # nothing at all, then the connection closed
        conn.getresponse()
    assert time.time() - start >= 1.0
    assert fetch(ningxia_server.port, second).status == 200


@pytest.mark.parametrize("ningxia_server", [only("stall", stall_seconds=60, include=lambda t: t.path == REPORT.path)],
                         indirect=True)
def test_a_stall_blocks_neither_other_requests_nor_shutdown(ningxia_server):
    port = ningxia_server.port
    stalled = {}

    def stall():
        stalled["outcome"] = fetch(port, REPORT, timeout=30)

    thread = threading.Thread(target=stall)
    thread.start()
    while not ningxia_server.faults.requests(REPORT):
        time.sleep(0.01)
    for path in ("/robots.txt", "/", "/xxgk/zfxxgknb/index.html"):  # answered while the stall goes on
        assert fetch(port, Target("ningxia", "GET", path), timeout=5).status == 200
    assert thread.is_alive()
    ningxia_server.stop()  # ends the 60 s stall now: the client sees the connection closed, not its timeout
    thread.join(20)
    assert not thread.is_alive()
    assert stalled["outcome"].kind == "closed"
    # Logged last, listed first: the log is in the order requests arrived.
    assert [(r.path, r.fault) for r in logged(ningxia_server)] == [
        (REPORT.path, "stall"), ("/robots.txt", None), ("/", None), ("/xxgk/zfxxgknb/index.html", None)]


def test_guard_and_faults_compose():
    """The guard answers first; only requests it lets through meet the fault plan."""
    guard = RuishuGuard(expire_after=10)
    plan = FaultPlan(rate=1.0, failures_per_url=1, kinds=("503",))
    server = started(SiteServer(quzhou(), guard=guard, faults=plan))
    try:
        target = Target("quzhou", "GET", "/robots.txt")
        challenge = fetch(server.port, target)
        assert challenge.status == 412 and plan.requests(target) == 0
        s_cookie = re.search(r"(FSSBBIl1UgzbN7N80S=[0-9a-f]+)", challenge.headers["Set-Cookie"]).group(1)
        nsd, cd = re.search(r'\$_ts.nsd=(\d+);\$_ts.cd="([^"]+)"', challenge.body.decode()).groups()
        cookie = {"Cookie": f"{s_cookie}; FSSBBIl1UgzbN7N80T={RuishuGuard.answer(cd, int(nsd))}"}
        assert fetch(server.port, target, cookie).kind == "503"
        assert fetch(server.port, target, cookie).body == server.pages["/robots.txt"][0]
        assert plan.records() == {target: FaultRecord(("503",), 2)}
        assert [(r.status, r.fault) for r in logged(server)] == [(412, None), (503, "503"), (200, None)]
    finally:
        server.stop()


def test_without_a_plan_nothing_is_faulted():
    server = started(SiteServer(ningxia()))
    try:
        for path in list(server.pages)[:20]:
            got = fetch(server.port, Target("ningxia", "GET", quote(path)))
            assert (got.status, got.body) == (200, server.pages[path][0])
            assert set(got.headers) == {"Server", "Date", "Content-Type", "ETag", "Last-Modified", "Content-Length"}
        assert {r.fault for r in logged(server)} == {None}
    finally:
        server.stop()


def test_url_of_a_target():
    with DemoPortal(sites=(ningxia(),)) as portal:
        url = portal.url_of(REPORT)
        assert urlsplit(url).port == portal.servers["ningxia"].port and url.endswith(REPORT.path)
