"""The compiled extractor (native/build.py) gives what its Python source gives, and is never used
once a source has changed since the build."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "extract" / "_native.json"
pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="extractor not compiled (`make native` failed or not run)")


def _corpus(pure: bool) -> subprocess.Popen:
    env = dict(os.environ, GOVARCHIVE_PURE="1") if pure else {k: v for k, v in os.environ.items()
                                                              if k != "GOVARCHIVE_PURE"}
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "native_corpus.py")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)


def test_compiled_and_pure_python_give_the_same_extractions():
    runs = [_corpus(pure=False), _corpus(pure=True)]
    compiled, pure = (json.loads(run.communicate(timeout=600)[0]) for run in runs)
    assert all(run.returncode == 0 for run in runs)
    assert compiled["compiled"] is True and pure["compiled"] is False
    assert len(pure["digests"]) > 2000
    assert compiled["digests"].keys() == pure["digests"].keys()
    differ = {name: (compiled["digests"][name], digest) for name, digest in pure["digests"].items()
              if compiled["digests"][name] != digest}
    assert differ == {}
    assert not [name for name, digest in pure["digests"].items() if digest.startswith("raised")]


def _where_place_comes_from(tmp_path: Path) -> subprocess.CompletedProcess:
    code = "import importlib; print(importlib.import_module('extract.tables.place').__file__)"
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(tmp_path)),
                          capture_output=True, text=True, timeout=60)


def test_a_source_changed_since_the_build_runs_as_python(tmp_path):
    shutil.copytree(ROOT / "extract", tmp_path / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    as_built = _where_place_comes_from(tmp_path)
    assert as_built.stdout.strip().startswith(str(tmp_path / "extract" / "tables" / "place."))
    assert as_built.stdout.strip().endswith(".so") and as_built.stderr == ""

    with (tmp_path / "extract" / "tables" / "labels.py").open("a") as source:
        source.write("# edited after the build\n")
    edited = _where_place_comes_from(tmp_path)
    assert edited.stdout.strip() == str(tmp_path / "extract" / "tables" / "place.py")
    assert edited.stderr == ("extract: extract/tables/labels.py changed since it was compiled: running the extractor "
                             "as pure Python (`make native` compiles it again)\n")
