"""Pure functions from a stored page (bytes) to records: metadata, report identity, table cells, checks.

Some modules may be compiled (native/build.py, `make native`). They are used only while every
source they were compiled from is unchanged; otherwise, or with GOVARCHIVE_PURE=1 set, every module
runs from its Python source (one warning line when a build is stale).
"""
from __future__ import annotations


def _choose_modules() -> None:
    import hashlib
    import importlib.machinery
    import importlib.util
    import json
    import os
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    manifest = here / "_native.json"
    if not manifest.exists():
        return
    recorded = json.loads(manifest.read_text())
    root = here.parent
    stale = [path for path, digest in recorded["sources"].items()
             if not (root / path).exists() or hashlib.sha256((root / path).read_bytes()).hexdigest() != digest]
    if stale or os.environ.get("GOVARCHIVE_PURE"):
        if stale:
            print(f"extract: {stale[0]} changed since it was compiled: running the extractor as pure Python "
                  "(`make native` compiles it again)", file=sys.stderr)
        sys.meta_path.insert(0, _SourceFirst({path[:-3].replace("/", ".").removesuffix(".__init__"): root / path
                                              for path in recorded["sources"]}))
        return
    # The modules' shared runtime, kept beside them rather than at the top level of sys.path.
    name = recorded["runtime"].split(".")[0]
    spec = importlib.util.spec_from_file_location(name, here / recorded["runtime"])
    assert spec is not None and spec.loader is not None
    runtime = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runtime)
    # mypyc derives each module's __file__ from the runtime's, as if it sat at the top of the tree.
    runtime.__file__ = str(root / recorded["runtime"])
    sys.modules[name] = runtime


class _SourceFirst:
    """Finds the listed modules' .py sources (before their compiled files, which the path finder prefers)."""

    def __init__(self, sources) -> None:
        self.sources = sources

    def find_spec(self, name, path=None, target=None):
        import importlib.util

        source = self.sources.get(name)
        if source is None:
            return None
        package = source.name == "__init__.py"
        return importlib.util.spec_from_file_location(
            name, source, submodule_search_locations=[str(source.parent)] if package else None)


_choose_modules()
