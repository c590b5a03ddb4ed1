"""The extractor on 10,000 hostile inputs (run by hand): exceptions, the slowest input, peak memory.

  .venv/bin/python bench/fuzz.py [--count 10000] [--seed 1]

Inputs come from demo_portal/fuzz.py (byte flips, truncation, control characters, NUL-laden pages,
colspan/rowspan=100000, nesting up to 50,000 deep, large tables up to 20 MB, random bytes, splices,
wrong Content-Types), made from the demo portal's report pages, the seed texts and the real pages
in ../shared/real-pages. Targets (issue 8): 0 exceptions, none over 2 s, peak RSS under 500 MB.
"""
from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # this file's folder would shadow the `extract` package
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import resource
import time
import traceback
from collections import defaultdict

from demo_portal.fuzz import inputs
from extract.page import extract_page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    extract_page(b"<html><body>warm</body></html>")  # imports, OpenCC dictionaries
    errors: list[str] = []
    slowest: dict[str, tuple[float, str, int]] = defaultdict(lambda: (0.0, "", 0))
    over = 0
    started = time.perf_counter()
    for item in inputs(args.seed, args.count, big_rows=(2_000, 20_000, 240_000)):
        t0 = time.perf_counter()
        try:
            extract_page(item.body, item.content_type)
        except Exception:  # noqa: BLE001 - counted and printed, the run goes on
            errors.append(f"{item.name}\n{traceback.format_exc(limit=-3)}")
        elapsed = time.perf_counter() - t0
        over += elapsed > 2.0
        kind = item.name.split(":")[1]
        if elapsed > slowest[kind][0]:
            slowest[kind] = (elapsed, item.name, len(item.body))
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for error in errors:
        print(error)
    print(f"{args.count} inputs in {total:.0f} s: {len(errors)} exceptions, {over} over 2 s, peak RSS {peak:.0f} MB")
    print(f"{'kind':10} {'slowest s':>9} {'bytes':>12}  input")
    for kind, (elapsed, name, size) in sorted(slowest.items(), key=lambda kv: -kv[1][0]):
        print(f"{kind:10} {elapsed:9.3f} {size:12,}  {name}")


if __name__ == "__main__":
    main()
