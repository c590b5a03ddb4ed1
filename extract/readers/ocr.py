"""Images of pages (PNG/JPEG, or PDF pages without text) → Document.

Each page is straightened (the skew of a scan found from its longest ruling lines), its ruling
lines found by OpenCV morphology and turned into cells (`ruled.tables_from_rulings`), and its text
read by RapidOCR (PP-OCR models shipped inside the `rapidocr` wheel: nothing is downloaded).
A cell's confidence is the lowest score of the text in it; a cell with ink but no text read gets 0.
What to do with low-confidence cells is decided after placement (extract.document), where the
cells' codes are known.

OCR runs in a worker process with an address-space limit and a timeout per page, so a page that
makes the models misbehave costs that page, never the caller.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from extract.readers.ruled import Item, Table, join_pages, page_blocks, tables_from_rulings
from extract.readers.shape import Document, build_root, failed, text_of

PAGE_TIMEOUT = 120.0  # seconds for one page
MEMORY_LIMIT = 3 << 30  # bytes of address space for the OCR worker (onnxruntime maps ~1 GB)
THREADS = 1  # onnxruntime threads per worker: one core, the crawl and other workers keep the rest


@dataclass
class OcrResult:
    pages: list[list]  # blocks per page, as ruled.page_blocks gives them
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def read_images(images: list[bytes]) -> Document:
    """One report printed as one or more page images, in order."""
    import cv2

    arrays, numbers, warnings = [], [], []
    for n, data in enumerate(images):
        arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
        if arr is None:
            warnings.append(f"page {n + 1}: not a readable PNG/JPEG image; page left out")
        else:
            arrays.append(arr)
            numbers.append(n)
    if not arrays:
        return failed("image", "; ".join(warnings) or "no image given")
    result = ocr_pages(arrays, numbers)
    if result.error:
        return failed("image", result.error)
    blocks = join_pages(result.pages)
    return Document(kind="image", root=build_root(blocks), text=text_of(blocks), warnings=warnings + result.warnings,
                    ocr=True)


def ocr_pages(images: list[np.ndarray], numbers: list[int]) -> OcrResult:
    """Greyscale page images → blocks per page. `numbers` name the pages in warnings (0-based)."""
    pages, warnings = [], []
    for n, image in zip(numbers, images):
        try:
            pages.append(_page(image, n))
        except OcrUnavailable as exc:
            return OcrResult([], warnings, str(exc))
        except OcrFailed as exc:
            warnings.append(f"page {n + 1}: {exc}; page left out")
            pages.append([])
    return OcrResult(pages, warnings)


# ------------------------------------------------------------------------------------ one page
_MAX_HEIGHT = 1800  # px: A4 at ~150 dpi; finer scans are scaled down first (10.5 pt text stays ~22 px high)


def _page(gray: np.ndarray, n: int) -> list:
    import cv2

    if gray.shape[0] > _MAX_HEIGHT:
        scale = _MAX_HEIGHT / gray.shape[0]
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = deskew(gray)
    items = [Item(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()), float(b[:, 1].max()), text, score)
             for b, text, score in recognise(gray)]
    heights = sorted(i.y1 - i.y0 for i in items)
    text_height = heights[len(heights) // 2] if heights else gray.shape[0] / 60
    horizontal, vertical, tol = rulings(gray, text_height, items)
    blocks = page_blocks(tables_from_rulings(horizontal, vertical, tol, page=n), items)
    _mark_unread(gray, blocks, tol)
    return blocks


def _mark_unread(gray: np.ndarray, blocks: list, tol: float) -> None:
    """A cell with ink in it but no text read is unread, not blank: confidence 0."""
    for table in (b for b in blocks if isinstance(b, Table)):
        for cell in table.cells:
            if cell.text:
                continue
            m = int(tol) + 3  # keep clear of the ruling lines around the cell
            inner = gray[int(cell.y0) + m:int(cell.y1) - m, int(cell.x0) + m:int(cell.x1) - m]
            if inner.size and int((inner < 128).sum()) >= 12:
                cell.confidence = 0.0
            else:
                cell.confidence = 1.0  # nothing printed: blank as printed


def _binary(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def deskew(gray: np.ndarray) -> np.ndarray:
    """The page rotated so that its long ruling lines are level (scans come a degree or so off).

    The angle is fitted to the pixels of each long near-horizontal line: a short horizontal
    opening keeps the steps of a slightly tilted line, so they join up again once dilated."""
    import cv2

    h, w = gray.shape
    mask = cv2.morphologyEx(_binary(gray), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 40, 1)))
    mask = cv2.dilate(mask, np.ones((3, 9), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    angles, weights = [], []
    for k in range(1, count):
        x, y, bw, bh, _area = stats[k]
        if bw < w / 3 or bh > bw * 0.05 + 8:
            continue
        ys, xs = np.nonzero(labels[y:y + bh, x:x + bw] == k)
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(bw)
    if not angles:
        return gray
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    angle = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median
    if abs(angle) < 0.05:
        return gray
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def rulings(gray: np.ndarray, text_height: float, items: list[Item]) -> tuple[list, list, float]:
    """(horizontal (y, x0, x1), vertical (x, y0, y1), tolerance in pixels) of the page's ruling lines.

    Horizontal lines are what survives an opening with a thin kernel longer than any stroke of a
    character (sized from the text height OCR found). Vertical ones are looked for only between
    two horizontal lines, with the text OCR found blanked out: a column of ink running the whole
    height between them is a ruling, however short the row."""
    import cv2

    h, w = gray.shape
    binary = _binary(gray)
    tol = max(3.0, w / 250)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, int(text_height * 2.5)), 1))
    hmask = cv2.dilate(cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk), np.ones((3, 1), np.uint8))
    horizontal = [(y + bh / 2, float(x), float(x + bw)) for x, y, bw, bh in _boxes(hmask) if bh <= tol * 3]
    for item in items:  # a "1" in a low row would otherwise pass for a ruling
        binary[int(item.y0) + 1:int(item.y1), int(item.x0) + 1:int(item.x1)] = 0
    vertical = []
    for y0, y1, x0, x1 in _bands(horizontal, tol):
        top, bottom = int(y0 + tol), int(y1 - tol)
        if bottom - top < 3:
            continue
        inked = (binary[top:bottom, int(x0):int(x1) + 1] > 0).mean(axis=0) >= 0.9
        for start, end in _runs(inked):
            if end - start <= tol * 3:
                vertical.append((x0 + (start + end) / 2, y0, y1))
    return horizontal, vertical, tol


def _bands(horizontal: list, tol: float):
    """(y0, y1, x0, x1): each stretch of a horizontal line and the next line below it over that stretch."""
    lines = sorted(horizontal)
    for i, (y, a, b) in enumerate(lines):
        open_ = [(a - tol, b + tol)]
        for y2, a2, b2 in lines[i + 1:]:
            if y2 - y <= tol * 2 or not open_:
                continue
            still = []
            for lo, hi in open_:
                o_lo, o_hi = max(lo, a2), min(hi, b2)
                if o_hi - o_lo > tol:
                    yield y, y2, o_lo, o_hi
                    if o_lo > lo:
                        still.append((lo, o_lo))
                    if o_hi < hi:
                        still.append((o_hi, hi))
                else:
                    still.append((lo, hi))
            open_ = [(lo, hi) for lo, hi in still if hi - lo > tol]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2], edges[1::2]))


def _boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    import cv2

    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [cv2.boundingRect(c) for c in contours]


# ------------------------------------------------------------------------------- the OCR worker
class OcrUnavailable(Exception):
    """The OCR packages are not installed: no page can be read."""


class OcrFailed(Exception):
    """This page could not be OCR'd (timeout, memory limit, a crash of the models)."""


class _Worker:
    """`python -m extract.readers.ocr_worker` in its own session; it puts itself under the
    address-space limit before loading anything (no preexec_fn: workers start from several threads)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extract.readers.ocr_worker", str(THREADS), str(MEMORY_LIMIT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)

    def ask(self, gray: np.ndarray, timeout: float):
        deadline = time.monotonic() + timeout
        h, w = gray.shape
        try:
            self.proc.stdin.write(struct.pack("<II", h, w) + np.ascontiguousarray(gray).tobytes())
            self.proc.stdin.flush()
            (n,) = struct.unpack("<I", self._read(4, deadline))
            return json.loads(self._read(n, deadline))
        except BrokenPipeError:
            raise OcrFailed(f"the OCR worker died (exit {self.proc.wait()}; memory limit {MEMORY_LIMIT >> 20} MiB?)") \
                from None

    def _read(self, n: int, deadline: float) -> bytes:
        fd, data = self.proc.stdout.fileno(), b""
        while len(data) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise OcrFailed(f"OCR did not finish within {PAGE_TIMEOUT:g} s")
            chunk = os.read(fd, n - len(data))
            if not chunk:
                raise OcrFailed(f"the OCR worker died (exit {self.proc.wait()}; memory limit {MEMORY_LIMIT >> 20} MiB?)")
            data += chunk
        return data

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


_local = threading.local()  # one worker per thread: threads OCR pages side by side, each on its own core
_workers: list[_Worker] = []


def recognise(gray: np.ndarray) -> list[tuple[np.ndarray, str, float]]:
    """(box corners, text, score) of every text line RapidOCR finds, read in this thread's worker."""
    worker = getattr(_local, "worker", None)
    if worker is None:
        worker = _local.worker = _Worker()
        _workers.append(worker)
    try:
        answer = worker.ask(gray, PAGE_TIMEOUT)
    except OcrFailed:
        worker.stop()  # killed: the next page starts a fresh one
        _workers.remove(worker)
        _local.worker = None
        raise
    if isinstance(answer, dict):
        if answer.get("unavailable"):
            raise OcrUnavailable(answer["error"])
        raise OcrFailed(answer["error"])
    return [(np.asarray(b, dtype=np.float32), t, s) for b, t, s in answer]


def stop_worker() -> None:
    """Ends every OCR worker this process started (they also end with it: their stdin closes)."""
    while _workers:
        _workers.pop().stop()
    _local.worker = None


atexit.register(stop_worker)
