"""Extraction throughput, against bare lxml in the same run on the same machine (run by hand).

  .venv/bin/python bench/extract.py [--pages 10000]

Measures (issue 9's targets in brackets):
  (a) extract_page on the real report page ../shared/real-pages/shuyang-fgj-2023.html, on the
      demo portal's report pages and on all its pages (the natural mix), against a bare lxml parse
      of the same bytes (etree.HTMLParser from bytes: the floor any HTML extractor pays) — the
      cost ratio [≤ 3× for a real report page];
  (b) extract_page on the seed texts (demo_portal/seeds/*.txt, plain text) in one process
      [≥ 500 pages/s on one core];
  (c) `govarchive reextract --jobs 2` over an archive of the demo portal's pages replicated,
      wall clock [≥ 1,000 pages/s].
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
import statistics
import subprocess
import tempfile
import time

from lxml import etree

from archive.db import open_archive
from archive.store import Fetch, insert_version
from demo_portal.seeds import SEEDS_DIR
from demo_portal.sites import all_sites
from extract.page import extract_page

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real-pages" / "shuyang-fgj-2023.html"


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


def best_rate(fn, items, repeat: int = 5) -> float:
    """Pages per second, the best of `repeat` passes (the least disturbed by other processes)."""
    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = max(best, len(items) / (time.perf_counter() - t0))
    return best


def paired_rates(fn_a, fn_b, items, pairs: int = 9) -> tuple[float, float, float]:
    """(best rate of a, best rate of b, median of the pass-by-pass ratio b/a): the two are timed in
    turn, a pass each, so that a drift in the machine's speed (it is shared) hits both alike."""
    def rate(fn):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        return len(items) / (time.perf_counter() - t0)

    got = [(rate(fn_a), rate(fn_b)) for _ in range(pairs)]
    return max(a for a, _ in got), max(b for _, b in got), statistics.median(b / a for a, b in got)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10000)
    args = parser.parse_args()
    pages = demo_pages()
    reports = [(b, c) for b, c, is_report in pages if is_report]
    samples = {"all demo pages (natural mix)": [(b, c) for b, c, _ in pages] * 5, "demo report pages": reports * 20}
    if REAL.exists():
        samples["real report page (shuyang-fgj-2023.html)"] = [(REAL.read_bytes(), "text/html")] * 100
    extract_page(*reports[0])  # warm: imports, OpenCC dictionaries
    parser_ = etree.HTMLParser()
    print(f"{'(a) extract_page vs bare lxml':44} {'pages':>6} {'pages/s':>9} {'lxml pages/s':>13} {'cost vs lxml':>13}"
          "  (best rates; cost: the median of 9 paired passes)")
    for label, items in samples.items():
        ours, lxml_rate, ratio = paired_rates(lambda p: extract_page(p[0], p[1]),
                                              lambda p: etree.fromstring(p[0], parser_), items)
        print(f"{label:44} {len(items):6d} {ours:9.1f} {lxml_rate:13.1f} {ratio:12.1f}x")
    texts = [p.read_bytes() for p in sorted(SEEDS_DIR.glob("*.txt"))] * 40
    text_rate = best_rate(lambda b: extract_page(b, "text/plain"), texts, repeat=15)
    print(f"(b) seed texts, one process: {text_rate:.1f} pages/s ({len(texts)} pages)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        build_archive(db, args.pages)
        t0 = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("govarchive")), "reextract", "--db", str(db), "--jobs", "2"],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        reextract_rate = args.pages / (time.perf_counter() - t0)
    print(f"(c) reextract --jobs 2 over {args.pages} pages: {reextract_rate:.1f} pages/s ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
