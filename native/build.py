"""Compile the extractor's Python-bound modules with mypyc (`make native`; `make setup` runs it).

The modules stay plain Python: without a C compiler, or after `make pure`, the same sources run
as they are, slower. mypyc compiles a module's type annotations into checks and native classes:
the text reader and cell placement, all Python work per line and per cell, run ~1.5x as fast.
A manifest (extract/_native.json) records the sha256 of each source compiled; extract/__init__
refuses to import compiled modules whose source has changed since (a stale build would run old code).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Pure Python-bound work per line and per cell (lxml, XSLT and regular expressions do the rest in C).
MODULES = sorted(
    [p.relative_to(ROOT).as_posix() for p in (ROOT / "extract" / "tables").glob("*.py")]
    + [f"extract/{name}.py" for name in ("values", "checks", "narrative", "completeness", "metadata", "report",
                                         "html_text", "model")]
)
DEPENDS: list[str] = []  # sources imported by them, not compiled (their annotations become checks)
MANIFEST = ROOT / "extract" / "_native.json"


def source_digests() -> dict[str, str]:
    return {path: hashlib.sha256((ROOT / path).read_bytes()).hexdigest() for path in MODULES + DEPENDS}


RUNTIME = "extract__native__mypyc"  # the modules' shared runtime (moved into extract/, loaded by extract/__init__)


def built() -> list[Path]:
    """The compiled files in the tree: one per module, and the runtime they share."""
    return sorted((ROOT / "extract").rglob("*.so")) + sorted(ROOT.glob(f"{RUNTIME}*.so"))


def clean() -> None:
    for path in built():
        path.unlink()
    MANIFEST.unlink(missing_ok=True)


def build() -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    clean()
    os.chdir(ROOT)
    setup(name="govarchive-native", script_args=["build_ext", "--inplace", "--build-temp", "build/native"],
          ext_modules=mypycify(MODULES, group_name="extract__native", opt_level="3"))
    runtime = next(ROOT.glob(f"{RUNTIME}*.so"))
    runtime.rename(ROOT / "extract" / runtime.name)
    MANIFEST.write_text(json.dumps({"runtime": runtime.name, "sources": source_digests()}, indent=1) + "\n")


if __name__ == "__main__":
    {"build": build, "clean": clean}[sys.argv[1] if len(sys.argv) > 1 else "build"]()
