"""Shared fixtures: the demo portal on 127.0.0.1 and real crawls of it through the real CLI."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from demo_portal.server import DemoPortal

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOVARCHIVE = [str(Path(sys.executable).with_name("govarchive"))]  # the installed console script
# Loopback sites: no politeness delay needed to keep the suite fast.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=WARNING"]


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
