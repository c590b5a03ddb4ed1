"""DOC and WPS (Kingsoft's Word-compatible binary format) → DOCX by LibreOffice headless, then read
as DOCX. LibreOffice runs in a subprocess of its own session with a timeout, an address-space
limit and a throw-away profile directory (two soffice processes cannot share one profile)."""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extract.readers.docx import read_docx
from extract.readers.shape import Document, failed

TIMEOUT = 120.0  # seconds for one conversion
MEMORY_LIMIT = 4 << 30  # bytes of address space; soffice maps ~1.5 GB at start-up


class ConversionError(Exception):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(body: bytes, src_ext: str, target: str, *, timeout: float | None = None) -> bytes:
    """The document converted by LibreOffice (`target`: a --convert-to filter, e.g. "docx", "pdf",
    "doc:MS Word 97"). Raises ConversionError saying why."""
    timeout = timeout or TIMEOUT
    exe = soffice()
    if exe is None:
        raise ConversionError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="govarchive-lo-") as tmp:
        src = Path(tmp) / f"in.{src_ext}"
        src.write_bytes(body)
        out_dir = Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore", "--nologo",
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=_limit_memory, env={**os.environ, "HOME": tmp})
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: soffice.bin and any helper with it
            proc.communicate()
            raise ConversionError(f"LibreOffice did not finish within {timeout:g} s") from None
        produced = sorted(out_dir.glob("in.*")) if out_dir.exists() else []
        if proc.returncode != 0 or not produced:
            detail = output.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            raise ConversionError(f"LibreOffice could not convert the file ({detail[0][:160]})")
        return produced[0].read_bytes()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def read_legacy(body: bytes, kind: str = "doc") -> Document:
    """A DOC or WPS file: converted to DOCX, then read as one."""
    try:
        docx_bytes = convert(body, "doc", "docx")
    except ConversionError as exc:
        return failed(kind, f"{kind.upper()} not read: {exc}")
    return read_docx(docx_bytes, kind=kind)
