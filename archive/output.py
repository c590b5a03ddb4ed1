"""Writing an output file without destroying anything.

Every command that writes a file (export-warc, export) refuses the archive itself (the same file,
by inode, or its -wal/-shm), refuses an existing file unless told `force`, and writes to a
temporary file beside the target that is renamed over it only when complete: an interrupted
export leaves no half-written file and never a truncated original.
"""
from __future__ import annotations

import contextlib
import os
import tempfile


class OutputError(Exception):
    """An output path that must not or cannot be written; the message names it."""


def check_output(path: str, protect: str | None, force: bool) -> None:
    """Raise OutputError unless `path` may be written. `protect`: the archive in use, if any."""
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise OutputError(f"{path}: directory {parent} does not exist")
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory")
    if os.path.exists(path):
        for guarded in (protect, protect + "-wal", protect + "-shm") if protect else ():
            if os.path.exists(guarded) and os.path.samefile(path, guarded):
                raise OutputError(f"{path}: is the archive itself; refusing to write over it")
        if not force:
            raise OutputError(f"{path}: exists; refusing to overwrite it (use --force)")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{path}: directory {parent} is not writable")


@contextlib.contextmanager
def output_file(path: str, protect: str | None, force: bool = False):
    """A binary file to write; becomes `path` when the block completes, vanishes if it fails."""
    check_output(path, protect, force)
    parent = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{os.path.basename(path)}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
