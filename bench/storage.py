"""Archive size and re-extraction speed, before and after compact storage, in one run.

    .venv/bin/python bench/storage.py --pages 20000 --base /tmp/govarchive-base

--base is a checkout of the code before (e.g. `git worktree add --detach /tmp/govarchive-base <commit>`),
run with this venv's interpreter and PYTHONPATH pointing at it. The scaled bench portal
(bench/portal.py) is crawled by each code, archiving only (EXTRACT_DURING_CRAWL=False), then
`govarchive reextract --jobs 2` extracts every page; then a copy of the old archive is migrated
(`govarchive migrate`). Printed: per archive its file size over the raw bytes of its bodies, the
bytes of each table with its indexes (SQLite's dbstat), bytes per cell, and the rates.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "DEPTH_LIMIT=0", "-s", "EXTRACT_WORKERS=0",
        "-s", "EXTRACT_DURING_CRAWL=False",
        # One site of N pages: lift the per-site bounds (200 listing pages would stop it at 4,000 reports).
        "-s", "LISTING_PAGES_MAX=100000", "-s", "SITE_LISTINGS_MAX=100000", "-s", "SITE_REQUESTS_MAX=1000000"]


def timed(args: list[str], code: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=code, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code)})
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start, proc.stdout


def sizes(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
        by_table: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            table = "pages_fts" if table.startswith("pages_fts") else table
            by_table[table] = by_table.get(table, 0) + size
        raw = sum(conn.execute(f"SELECT total(size) FROM {t}").fetchone()[0] for t in ("pages", "attachments"))
        cells = conn.execute("SELECT count(*) FROM report_cells").fetchone()[0]
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    finally:
        conn.close()
    return {"file": db.stat().st_size, "raw": raw, "tables": by_table, "cells": cells, "reports": reports,
            "pages": pages}


def show(label: str, s: dict) -> None:
    t = s["tables"]
    print(f"{label}: {s['pages']:,} pages, {s['reports']:,} reports, {s['cells']:,} cells; file {s['file']:,} bytes"
          f" for {s['raw']:,.0f} raw body bytes = {s['file'] / s['raw']:.2f}x")
    for name in ("pages", "pages_fts", "report_cells", "report_checks", "reports"):
        print(f"    {name:14} {t.get(name, 0):>14,} bytes")
    print(f"    bytes/cell (report_cells with its index): {t.get('report_cells', 0) / max(s['cells'], 1):.1f};"
          f" bytes/page (file / pages): {s['file'] / s['pages']:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--base", type=Path, required=True, help="checkout of the code before")
    args = parser.parse_args()
    portal = subprocess.Popen([sys.executable, "-m", "bench.portal", "--pages", str(args.pages)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    start_url, n_resources = portal.stdout.readline().split()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sites = tmp / "bench.toml"
        sites.write_text(f'[[site]]\nname = "基准门户"\nstart_urls = ["{start_url}"]\n', encoding="utf-8")
        results = {}
        try:
            for label, code in (("before", args.base), ("after", ROOT)):
                db = tmp / f"{label}.db"
                secs, _ = timed([str(BIN / "scrapy"), "crawl", "reports", "-a", f"sites={sites}",
                                 "-s", f"ARCHIVE_DB={db}", "-s", "LOG_LEVEL=WARNING", *FAST], code)
                print(f"{label}: crawl (archiving only) {secs:.1f} s", flush=True)
                if label == "before":
                    shutil.copy(db, tmp / "unextracted-before.db")
                rsecs, out = timed([str(BIN / "govarchive"), "reextract", "--db", str(db), "--jobs", "2"], code)
                s = sizes(db)
                results[label] = (secs, rsecs, s)
                print(f"{label}: reextract --jobs 2 {rsecs:.1f} s = {s['reports'] / rsecs:.1f} report pages/s"
                      f" ({out.strip()})", flush=True)
                show(label, s)
        finally:
            portal.kill()
        migrated = tmp / "migrated.db"
        shutil.copy(tmp / "before.db", migrated)
        msecs, out = timed([str(BIN / "govarchive"), "migrate", "--db", str(migrated)], ROOT)
        print(f"migrate of the 'before' archive: {msecs:.1f} s ({out.strip()})")
        show("migrated", sizes(migrated))
        (bc, br, bs), (ac, ar, as_) = results["before"], results["after"]
        print(f"ratios after/before: crawl time {ac / bc:.2f}, reextract rate {(as_['reports'] / ar) / (bs['reports'] / br):.2f},"
              f" file size {as_['file'] / bs['file']:.3f}")
    print(f"(bench portal: {n_resources} resources; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
