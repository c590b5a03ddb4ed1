"""One crawl per archive at a time: an advisory lock on `<archive>.lock`, released when the process ends."""
from __future__ import annotations

import fcntl
import os


class ArchiveLocked(Exception):
    """Another process is crawling into the same archive."""


_held: dict[str, object] = {}  # real path → open lock file, for the lifetime of this process


def lock_archive(db_path: str) -> None:
    """Take the archive's lock, or raise ArchiveLocked naming the holder. Re-entrant within a process."""
    key = os.path.realpath(db_path)
    if key in _held:
        return
    fh = open(key + ".lock", "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise ArchiveLocked(f"{db_path}: a crawl is already running on this archive ({holder}); not starting another")
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}")
    fh.flush()
    _held[key] = fh


def unlock_archive(db_path: str) -> None:
    fh = _held.pop(os.path.realpath(db_path), None)
    if fh is not None:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
