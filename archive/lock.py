"""One crawl per archive at a time: an advisory lock on `<archive>.lock`.

The kernel drops the lock when its process dies (kill -9 included), so a stale file never blocks
the next run; a crawl that ends removes the file. Because the file is removed, a process could
lock a file another one has just unlinked: after locking, the lock is kept only if the path still
names the same file.
"""
from __future__ import annotations

import fcntl
import os


class ArchiveLocked(Exception):
    """Another process is crawling into the same archive."""


_held: dict[str, object] = {}  # real path → open lock file, for the lifetime of this process


def lock_path(db_path: str) -> str:
    return os.path.realpath(db_path) + ".lock"


def lock_archive(db_path: str) -> bool:
    """Take the archive's lock, or raise ArchiveLocked naming the holder. Re-entrant within a
    process: returns False when this process held it already, True when it took it."""
    key = os.path.realpath(db_path)
    if key in _held:
        return False
    while True:
        fh = open(key + ".lock", "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise ArchiveLocked(f"{db_path}: a crawl is already running on this archive ({holder}); not starting another")
        try:
            same = os.path.samestat(os.fstat(fh.fileno()), os.stat(key + ".lock"))
        except FileNotFoundError:
            same = False
        if same:
            break
        fh.close()  # locked a file its holder had just removed: try the current one
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}")
    fh.flush()
    _held[key] = fh
    return True


def unlock_archive(db_path: str) -> None:
    """Release the lock and remove its file (removed first, so nobody locks it after release)."""
    key = os.path.realpath(db_path)
    fh = _held.pop(key, None)
    if fh is not None:
        try:
            os.unlink(key + ".lock")
        except FileNotFoundError:
            pass
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
