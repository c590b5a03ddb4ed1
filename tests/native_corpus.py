"""`python tests/native_corpus.py` → JSON {input name: digest of its extraction, or the exception}.

Run twice by tests/test_native.py, once on the compiled extractor and once with GOVARCHIVE_PURE=1:
mypyc compiles annotations into runtime checks, so an annotation that does not hold on some input
would make the compiled extractor raise (or differ) where the Python source does not.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shape and mutation helpers beside it

import mutate  # noqa: E402
import text_shapes  # noqa: E402

from archive.store import extraction_digest  # noqa: E402
from demo_portal import fuzz  # noqa: E402
from demo_portal.sites import all_sites  # noqa: E402
from extract.page import extract_page  # noqa: E402

SEED_LAYOUTS = {"000": "2019", "001": "2019", "002": "2019", "003": "2021", "004": "2019"}


def corpus():
    for name, body, ctype in fuzz.material():  # every demo report page, seed text and real page
        yield f"material:{name}", body, ctype
    for site in all_sites():  # every page of every demo site: listings, navigation, decoys, reports
        for path, (body, ctype) in site.build().items():
            if ctype.startswith(("text/html", "text/plain")):
                yield f"{site.key}:{path}", body, ctype
    for item in fuzz.inputs(seed=7, count=2000, big_rows=(500,)):
        yield f"fuzz:{item.name}", item.body, item.content_type
    reports = [(n, b) for n, b, c in fuzz.material() if c and c.startswith("text/html")]
    for name, html in reports:
        for mutation, make in (
                ("swapped", lambda h: mutate.swap_headers(h, "自然人", "总计")),
                ("no-total", mutate.remove_total_column), ("total-first", mutate.total_column_first),
                ("spacers", mutate.spacer_rows), ("no-rows", lambda h: mutate.remove_rows(h, ("（二）", "（三）")))):
            try:
                yield f"{mutation}:{name}", make(html), "text/html; charset=utf-8"
            except Exception:  # noqa: BLE001 - a page the mutation does not fit (no such table)
                continue
    for seed, layout in SEED_LAYOUTS.items():
        for shape, render in (("pipes", text_shapes.pipes), ("pipe-lines", text_shapes.pipe_lines),
                              ("one-line", text_shapes.one_line), ("run-together", text_shapes.run_together),
                              ("layout", text_shapes.layout_text)):
            yield f"{shape}:{seed}", render(seed, layout).encode(), "text/plain; charset=utf-8"


def digests() -> dict[str, str]:
    out = {}
    for name, body, ctype in corpus():
        try:
            out[name] = extraction_digest(extract_page(body, ctype), None)
        except Exception as exc:  # noqa: BLE001 - listed, and compared like any result
            out[name] = f"raised {type(exc).__name__}: {exc}"
    return out


if __name__ == "__main__":
    import importlib

    place = importlib.import_module("extract.tables.place")
    json.dump({"compiled": not place.__file__.endswith(".py"), "digests": digests()}, sys.stdout)
