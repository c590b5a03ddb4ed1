"""Crawl throughput, measured against baselines in the same run on the same machine (run by hand).

  .venv/bin/python bench/crawl.py [--pages 5000]

1. `scrapy bench` (Scrapy's own link-following benchmark, default settings)
2. the reports spider over the scaled portal with a no-op pipeline (ITEM_PIPELINES = {})
3. the same crawl with archiving and extraction on (the real ArchivePipeline), with 1 and 2
   extraction workers, and with extraction left to `reextract` (EXTRACT_DURING_CRAWL=False)
Each in its own process; pages/s = response_received_count / elapsed_time_seconds from Scrapy's
final stats; peak RSS of the crawling process from wait4().

  .venv/bin/python bench/crawl.py --pages 100000 --runs archive archive-jobdir

only the archiving crawl (after scrapy bench), with the pending requests in memory and on disk
(JOBDIR, `govarchive crawl --jobdir`): their peak RSS over 100,000 pages.

  .venv/bin/python bench/crawl.py --crawlers 2 [--pages 20000] [--sites 4]

A distributed crawl (crawler/distributed.py) of the portal split into --sites sites, on a redis-server
of its own: one ingest (archiving only, EXTRACT_DURING_CRAWL=False) and 1 crawler, then the same
with --crawlers crawlers (each holding at most sites/crawlers sites); pages/s = responses archived /
wall time from the crawlers' start to the ingest's end (its last record stored), the ratio of the two,
WARC bytes per response against the raw bytes the archive holds.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and `bench/extract.py` would
# shadow the `extract` package: put the repository root there instead.
if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO", "-s", "DEPTH_LIMIT=0",
        # One site of N pages: lift the per-site bounds (200 listing pages would stop it at 4,000 reports).
        "-s", "LISTING_PAGES_MAX=100000", "-s", "SITE_LISTINGS_MAX=100000", "-s", "SITE_REQUESTS_MAX=1000000"]
# The single-machine runs: label, extra settings.
RUNS = {
    "noop": ("reports spider, no-op pipeline", ["-s", "ITEM_PIPELINES={}"]),
    "extract1": ("archiving + extraction (1 worker)", ["-s", "EXTRACT_WORKERS=1"]),
    "extract2": ("archiving + extraction (2 workers, default)", []),
    "archive": ("archiving, extraction left to reextract", ["-s", "EXTRACT_WORKERS=0", "-s", "EXTRACT_DURING_CRAWL=False"]),
    # The same with the pending requests on disk (`govarchive crawl --jobdir`): {tmp} is the run's folder.
    "archive-jobdir": ("archiving only, queue on disk (--jobdir)", ["-s", "EXTRACT_WORKERS=0", "-s",
                                                                   "EXTRACT_DURING_CRAWL=False", "-s", "JOBDIR={tmp}/jobdir"]),
}


def run(args: list[str], cwd: Path) -> tuple[str, float]:
    """Run a command; return its output and its peak RSS in MiB."""
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out[-3000:]}")
    return out, usage.ru_maxrss / 1024


def rate(log: str) -> tuple[int, float]:
    responses = int(re.findall(r"'response_received_count': (\d+)", log)[-1])
    elapsed = float(re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)[-1])
    return responses, elapsed


def distributed(pages: int, n_sites: int, counts: tuple[int, ...]) -> None:
    import math
    import socket
    import sqlite3

    import redis

    portal = subprocess.Popen([sys.executable, "-m", "bench.portal", "--pages", str(pages), "--sites", str(n_sites)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    *urls, n_resources = portal.stdout.readline().split()
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            sites = tmp / "bench.toml"
            sites.write_text("".join(f'[[site]]\nname = "基准门户{i}"\nstart_urls = ["{u}"]\n\n'
                                     for i, u in enumerate(urls, 1)), encoding="utf-8")
            for n in counts:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", 0))
                    port = sock.getsockname()[1]
                server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no"], stdout=subprocess.DEVNULL)
                url = f"redis://127.0.0.1:{port}/0"
                client = redis.Redis.from_url(url)
                for _ in range(100):
                    try:
                        client.ping()
                        break
                    except redis.ConnectionError:
                        time.sleep(0.05)
                db = tmp / f"dist-{n}.db"
                quick = ["-s", "MAX_IDLE_TIME_BEFORE_CLOSE=2", "-s", f"CRAWLER_SITES_MAX={math.ceil(n_sites / n)}"]
                started = time.monotonic()
                ingest = subprocess.Popen([str(BIN / "govarchive"), "ingest", "--redis", url, "--db", str(db),
                                           "--until-idle", "--idle", "60", "-s", "EXTRACT_DURING_CRAWL=False",
                                           "-s", "EXTRACT_WORKERS=0"], cwd=ROOT, stdout=subprocess.DEVNULL)
                crawlers = [subprocess.Popen([str(BIN / "govarchive"), "crawl", "--sites", str(sites), "--redis", url,
                                              "--warc-dir", str(tmp / f"warc-{n}-{i}"), *FAST, *quick],
                                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                            for i in range(n)]
                peak = 0.0
                for proc in crawlers + [ingest]:
                    _, status, usage = os.wait4(proc.pid, 0)
                    if os.waitstatus_to_exitcode(status) != 0:
                        raise SystemExit(f"{proc.args} failed")
                    peak = max(peak, usage.ru_maxrss / 1024)
                secs = time.monotonic() - started
                server.terminate()
                server.wait()
                with sqlite3.connect(db) as conn:
                    fetched, raw = conn.execute("SELECT count(*), sum(size) FROM (SELECT size FROM pages"
                                                " UNION ALL SELECT size FROM attachments)").fetchone()
                warc = sum(f.stat().st_size for f in tmp.glob(f"warc-{n}-*/*.warc.gz"))
                results.append((n, fetched, secs, raw, warc, peak))
                db.unlink()
    finally:
        portal.kill()
    print(f"{'crawlers':>8} {'responses':>9} {'seconds':>8} {'pages/s':>8} {'vs 1':>6} {'raw B/page':>10}"
          f" {'WARC B/page':>11} {'peak RSS':>9}")
    base = results[0][1] / results[0][2]
    for n, fetched, secs, raw, warc, peak in results:
        print(f"{n:8d} {fetched:9d} {secs:8.1f} {fetched / secs:8.1f} {fetched / secs / base:5.2f}× "
              f"{raw / fetched:10.0f} {warc / fetched:11.0f} {peak:7.0f} MiB")
    print(f"(portal: {n_resources} resources on {n_sites} sites; {os.cpu_count()} cores; one ingest, archiving only)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--crawlers", type=int, help="a distributed crawl with 1, then this many crawlers")
    parser.add_argument("--sites", type=int, default=4, help="with --crawlers: sites the portal is split into")
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=[r for r in RUNS if r != "archive-jobdir"],
                        help="single-machine runs after scrapy bench (default: all but archive-jobdir); e.g. "
                             "--pages 100000 --runs archive archive-jobdir for the peak RSS of a long crawl")
    args = parser.parse_args()
    if args.crawlers:
        distributed(args.pages, args.sites, (1, args.crawlers))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out, rss = run([str(BIN / "scrapy"), "bench", "-s", "CLOSESPIDER_TIMEOUT=15", "-s", "LOG_LEVEL=INFO"], tmp)
        n, secs = rate(out)
        results.append(("scrapy bench (baseline)", n, secs, rss))

        portal = subprocess.Popen([sys.executable, "-m", "bench.portal", "--pages", str(args.pages)], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        start_url, n_resources = portal.stdout.readline().split()  # one site
        sites = tmp / "bench.toml"
        sites.write_text(f'[[site]]\nname = "基准门户"\nstart_urls = ["{start_url}"]\n', encoding="utf-8")
        try:
            for label, extra in (RUNS[r] for r in args.runs):
                extra = [a.replace("{tmp}", str(tmp)) for a in extra]
                db = tmp / f"bench-{time.time_ns()}.db"
                out, rss = run([str(BIN / "scrapy"), "crawl", "reports", "-a", f"sites={sites}",
                                "-s", f"ARCHIVE_DB={db}", *FAST, *extra], ROOT)
                n, secs = rate(out)
                results.append((label, n, secs, rss))
        finally:
            portal.kill()
    base = results[0][1] / results[0][2]
    print(f"{'run':42} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'vs bench':>8} {'peak RSS':>9}")
    for label, n, secs, rss in results:
        print(f"{label:42} {n:6d} {secs:8.1f} {n / secs:8.1f} {n / secs / base:7.0%} {rss:7.0f} MiB")
    print(f"(scaled portal: {n_resources} resources; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
