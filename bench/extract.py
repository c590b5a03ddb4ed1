"""Extraction throughput, against bare lxml in the same run on the same machine (run by hand).

  .venv/bin/python bench/extract.py [--pages 10000]

Builds an archive by replicating the demo portal's pages (every page of every demo site, reports
and the rest in their natural mix, each copy under its own URL), then measures
  (a) extract_page over 1,000 stored pages in one process, and the same bodies parsed by bare
      lxml (etree.HTMLParser from bytes: the floor any HTML extractor pays) — the ratio is the per-page cost over lxml;
  (b) `govarchive reextract --jobs 2` over the whole archive, wall clock;
and (a) again over report pages only, the expensive kind.
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from archive.db import open_archive
from archive.store import Fetch, insert_version
from demo_portal.sites import all_sites
from extract.page import extract_page

ROOT = Path(__file__).resolve().parent.parent


def demo_pages() -> list[tuple[bytes, str, bool]]:
    out = []
    for site in all_sites():
        reports = {d.path for d in site.expected_reports()}
        for path, (body, ctype) in site.build().items():
            if ctype.startswith("text/html"):
                out.append((body, ctype, path in reports))
    return out


def build_archive(path: Path, n: int) -> None:
    pages = demo_pages()
    db = open_archive(path)
    for i in range(n):
        body, ctype, _ = pages[i % len(pages)]
        insert_version(db, Fetch(url=f"http://bench.example/{i}.html", body=body,
                                 headers={"Content-Type": [ctype]}, site="bench"))
    db.close()


def per_second(fn, items) -> float:
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10000)
    args = parser.parse_args()
    pages = demo_pages()
    sample = [pages[i % len(pages)] for i in range(1000)]
    report_sample = [p for p in pages if p[2]] * (200 // max(1, sum(p[2] for p in pages)) + 1)
    extract_page(*sample[0][:2])  # warm: imports, opencc dictionaries
    rows = []
    for label, items in (("all demo pages (natural mix)", sample), ("report pages only", report_sample)):
        ours = per_second(lambda p: extract_page(p[0], p[1]), items)
        parser = etree.HTMLParser()
        lxml_rate = per_second(lambda p: etree.fromstring(p[0], parser), items)
        rows.append((label, len(items), ours, lxml_rate))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        build_archive(db, args.pages)
        t0 = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("govarchive")), "reextract", "--db", str(db), "--jobs", "2"],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        reextract_rate = args.pages / (time.perf_counter() - t0)
    print(f"{'(a) one process':38} {'pages':>6} {'pages/s':>9} {'lxml pages/s':>13} {'cost vs lxml':>13}")
    for label, n, ours, lxml_rate in rows:
        print(f"{label:38} {n:6d} {ours:9.1f} {lxml_rate:13.1f} {lxml_rate / ours:12.1f}x")
    print(f"(b) reextract --jobs 2 over {args.pages} pages: {reextract_rate:.1f} pages/s ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
