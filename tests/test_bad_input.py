"""Bad input is refused before any work: one line naming it, exit 2, no request sent, no lock file
left, nothing written. And no command writes over the archive or an existing file."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import GOVARCHIVE, ROOT, run_cli

NOBODY = 65534


def _archive(path: Path, user_version: int | None = None) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY)")
    if user_version is not None:
        conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    return path


def _refused(result, path) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"govarchive: {path}"), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def one_site(tmp_path):
    from demo_portal.server import DemoPortal
    from demo_portal.sites import ningxia

    with DemoPortal((ningxia(),)) as portal:
        yield portal, portal.write_sites_file(tmp_path / "sites.toml")


def _crawl(sites, db, **kw):
    return run_cli("crawl", "--sites", str(sites), "--db", str(db), check=False, **kw)


def test_crawl_db_in_a_missing_directory(one_site, tmp_path):
    portal, sites = one_site
    db = tmp_path / "no" / "such" / "a.db"
    _refused(_crawl(sites, db), db)
    assert not portal.log and not (tmp_path / "no").exists()


def test_crawl_db_that_is_a_text_file(one_site, tmp_path):
    portal, sites = one_site
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n" * 50)
    result = _crawl(sites, db)
    _refused(result, db)
    assert result.stderr.strip() == f"govarchive: {db}: not a SQLite database"
    assert db.read_text() == "my notes\n" * 50
    assert not portal.log and not Path(f"{db}.lock").exists()


def test_crawl_db_of_another_program(one_site, tmp_path):
    portal, sites = one_site
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    result = _crawl(sites, db)
    _refused(result, db)
    assert "not a govarchive archive" in result.stderr
    assert db.read_bytes() == before and not portal.log


def test_crawl_archive_of_a_newer_schema(one_site, tmp_path):
    portal, sites = one_site
    db = _archive(tmp_path / "new.db", user_version=99)
    before = db.read_bytes()
    result = _crawl(sites, db)
    _refused(result, db)
    assert "written by a newer govarchive (schema 99" in result.stderr
    assert db.read_bytes() == before and not portal.log


@pytest.fixture
def nobody_dir():
    """A directory the unprivileged user can enter (the test runs as root, whom modes do not stop)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run the CLI as an unprivileged user")
    path = Path(tempfile.mkdtemp(prefix="govarchive-ro-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def _as_nobody(*args):
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *GOVARCHIVE, *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "HOME": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"})


def test_crawl_read_only_file_and_directory(one_site, nobody_dir):
    portal, sites = one_site
    shared_sites = nobody_dir / "sites.toml"
    shutil.copy(sites, shared_sites)
    shared_sites.chmod(0o644)
    readonly = _archive(nobody_dir / "ro.db")
    readonly.chmod(0o444)
    result = _as_nobody("crawl", "--sites", str(shared_sites), "--db", str(readonly))
    _refused(result, readonly)
    assert result.stderr.strip() == f"govarchive: {readonly}: read-only file"
    # a directory nobody may write to: no archive (nor its WAL) can be created there
    locked_dir = nobody_dir / "locked"
    locked_dir.mkdir(mode=0o755)
    result = _as_nobody("crawl", "--sites", str(shared_sites), "--db", str(locked_dir / "a.db"))
    _refused(result, locked_dir / "a.db")
    assert "is not writable" in result.stderr
    assert not portal.log and list(locked_dir.iterdir()) == []


@pytest.mark.parametrize("command", ["reextract", "serve", "export-warc"])
def test_reading_commands_refuse_what_is_not_an_archive(tmp_path, command):
    extra = [str(tmp_path / "out.warc.gz")] if command == "export-warc" else []
    for name, content in (("empty.db", b""), ("notes.db", b"not sqlite at all" * 10)):
        path = tmp_path / name
        path.write_bytes(content)
        result = run_cli(command, "--db", str(path), *extra, check=False, timeout=30)
        _refused(result, path)
        assert path.read_bytes() == content  # no schema written into it
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = run_cli(command, "--db", str(other), *extra, check=False, timeout=30)
    _refused(result, other)
    assert not (tmp_path / "out.warc.gz").exists()


@pytest.mark.parametrize("since", ["yesterday", "2024-13-01", "01/02/2024", ""])
def test_reextract_since_is_validated(tmp_path, since):
    db = _archive(tmp_path / "a.db")
    result = run_cli("reextract", "--db", str(db), "--since", since, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--since" in lines[0] and repr(since) in lines[0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_warc_never_over_the_archive_or_an_existing_file(crawled, tmp_path):
    db, _, _ = crawled
    before = _sha(db)
    for force in ([], ["--force"]):
        result = run_cli("export-warc", "--db", str(db), *force, str(db), check=False)
        _refused(result, db)
        assert "is the archive itself" in result.stderr and _sha(db) == before
    link = tmp_path / "link.db"
    os.link(db, link)  # the same file under another name: refused by inode
    result = run_cli("export-warc", "--db", str(db), "--force", str(link), check=False)
    _refused(result, link)
    assert _sha(db) == before
    existing = tmp_path / "old.warc.gz"
    existing.write_bytes(b"an older export")
    result = run_cli("export-warc", "--db", str(db), str(existing), check=False)
    _refused(result, existing)
    assert "exists; refusing to overwrite it (use --force)" in result.stderr
    assert existing.read_bytes() == b"an older export"
    assert run_cli("export-warc", "--db", str(db), "--force", str(existing)).returncode == 0
    assert existing.read_bytes()[:2] == b"\x1f\x8b" and _sha(db) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    missing = tmp_path / "no" / "x.warc.gz"
    _refused(run_cli("export-warc", "--db", str(db), str(missing), check=False), missing)


def test_export_warc_to_an_unwritable_directory(crawled, nobody_dir):
    db, _, _ = crawled
    copy = nobody_dir / "a.db"
    shutil.copy(db, copy)
    copy.chmod(0o644)
    out_dir = nobody_dir / "out"
    out_dir.mkdir(mode=0o755)
    result = _as_nobody("export-warc", "--db", str(copy), str(out_dir / "x.warc.gz"))
    _refused(result, out_dir / "x.warc.gz")
    assert "is not writable" in result.stderr and list(out_dir.iterdir()) == []


def test_bad_setting_and_option(one_site, tmp_path):
    portal, sites = one_site
    result = run_cli("crawl", "--sites", str(sites), "--db", str(tmp_path / "a.db"), "-s", "NOEQUALS", check=False)
    assert result.returncode == 2 and result.stderr.strip() == "govarchive: -s 'NOEQUALS': expected NAME=VALUE"
    result = run_cli("reextract", "--db", str(tmp_path / "a.db"), "--jobs", "0", check=False)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert not portal.log and not (tmp_path / "a.db").exists()


def test_usage_errors_are_one_line():
    result = subprocess.run(GOVARCHIVE + ["crawl"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "--sites" in result.stderr
    assert "Exit codes" in subprocess.run(GOVARCHIVE + ["--help"], capture_output=True, text=True).stdout


if sys.platform != "linux":  # setpriv and modes as used above
    pytestmark = pytest.mark.skip("Linux only")
