"""Shared fixtures: the demo portal on 127.0.0.1 and real crawls of it through the real CLI."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from demo_portal.server import DemoPortal

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOVARCHIVE = [str(Path(sys.executable).with_name("govarchive"))]  # the installed console script
# Loopback sites: no politeness delay needed to keep the suite fast.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0"]


def run_cli(*args: str, timeout: float = 180, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(GOVARCHIVE + list(args), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if check and proc.returncode != 0:
        raise AssertionError(f"govarchive {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def crawl(sites_file: Path, db: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    return run_cli("crawl", "--sites", str(sites_file), "--db", str(db), *FAST, *extra, check=check)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db: Path):
    """`govarchive serve` on a free port; yields its base URL once it answers."""
    port = free_port()
    proc = subprocess.Popen(GOVARCHIVE + ["serve", "--db", str(db), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline or proc.poll() is not None:
                    proc.kill()
                    raise AssertionError(f"datasette did not start: {proc.stdout.read().decode()}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def portal():
    with DemoPortal() as p:
        yield p


@pytest.fixture(scope="session")
def sites_file(portal, tmp_path_factory) -> Path:
    return portal.write_sites_file(tmp_path_factory.mktemp("sites") / "demo.toml")


@pytest.fixture(scope="session")
def crawled(portal, sites_file, tmp_path_factory):
    """One full crawl of the demo portal; (db path, CLI result, requests the portal saw)."""
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    start = len(portal.log)
    result = crawl(sites_file, db)
    return db, result, list(portal.log[start:])
