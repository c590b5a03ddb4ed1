"""Images of pages (PNG/JPEG, or PDF pages without text) → Document.

Each page is straightened (the skew of a scan found from its longest ruling lines), its ruling
lines found by OpenCV morphology and turned into cells (`ruled.tables_from_rulings`) before any
text is read. Then RapidOCR (PP-OCR models shipped inside the `rapidocr` wheel: nothing is
downloaded) recognises each line of text in an inked cell alone — the cell already says where its
text is, so there is no detection in a table — and detects and recognises the rest of the page
(title, prose). A cell with no ink is blank as printed; a cell's confidence is the lowest score of
its lines, 0 when one of them has ink but nothing was read.
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

from extract.readers.ruled import Cell, Item, Table, join_pages, n_columns, page_blocks, tables_from_rulings
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
_MARGIN = (0.3, 0.2)  # white around a cell's line of text for recognition, in characters (x, y)
_INK = 12  # dark pixels that make a cell inked rather than blank (a scan's noise leaves far fewer)


def _page(gray: np.ndarray, n: int) -> list:
    """The page's tables from its ruling lines first, before any text is read; then each inked
    cell's lines recognised alone (no detection: the cell says where its text is) and the rest of
    the page detected and recognised (titles, prose). One request to the worker per page."""
    import cv2

    if gray.shape[0] > _MAX_HEIGHT:
        scale = _MAX_HEIGHT / gray.shape[0]
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = deskew(gray)
    binary = _binary(gray)
    char = char_height(binary)
    horizontal, vertical, tol, ruling = rulings(binary, char)
    tables = [t for t in tables_from_rulings(horizontal, vertical, tol, page=n) if n_columns(t) >= 2]
    ink = binary.copy()
    ink[ruling] = 0  # what is left is text
    clean = gray.copy()
    clean[ruling] = 255  # a ruling beside a digit must not be read as a "1"
    cells = [cell for table in tables for cell in table.cells]
    boxes = [_cell_lines(ink, cell, char) for cell in cells]
    blank = [box for table in tables for box in _table_boxes(table, tol, gray.shape)]
    for x0, y0, x1, y1 in blank:
        ink[y0:y1, x0:x1] = 0
    answer = read(clean, [box for cell_boxes in boxes for box in cell_boxes], _regions(ink, char), blank)
    read_lines = iter(answer["lines"])
    for cell, cell_boxes in zip(cells, boxes):
        got = [next(read_lines) for _box in cell_boxes]
        if not got:
            cell.text, cell.confidence = "", 1.0  # no ink: blank as printed
        else:  # a line with ink but nothing read leaves the whole cell unread (confidence 0)
            cell.text = "\n".join(text for text, _score in got if text)
            cell.confidence = min(score for _text, score in got)
    items = [Item(min(x for x, _y in box), min(y for _x, y in box), max(x for x, _y in box), max(y for _x, y in box),
                  text, score) for box, text, score in answer["regions"]]
    return page_blocks(tables, items)


def _binary(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def char_height(binary: np.ndarray) -> float:
    """The height of the page's characters in pixels: the tall end of its blobs of ink (many
    characters are one blob; dots, strokes and radicals are smaller ones, ruling grids far larger)."""
    import cv2

    _n, _labels, stats, _c = cv2.connectedComponentsWithStats(binary)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(heights >= 4) & (heights <= binary.shape[1] / 15)]
    return float(np.percentile(heights, 90)) if len(heights) else binary.shape[0] / 75


def _cell_lines(ink: np.ndarray, cell: Cell, char: float) -> list[tuple[int, int, int, int]]:
    """The text lines of a cell as boxes to recognise, each around its own ink with a margin; none
    when the cell has no ink (a blank as printed).

    Rows of ink are one line while they fit in one character's height: the strokes of 二 or 三
    leave gaps, the next line starts a line's height further down."""
    h, w = ink.shape
    x0, y0 = max(0, int(cell.x0) + 1), max(0, int(cell.y0) + 1)
    x1, y1 = min(w, int(cell.x1)), min(h, int(cell.y1))
    inner = ink[y0:y1, x0:x1]
    if inner.size == 0 or int(np.count_nonzero(inner)) < _INK:
        return []
    rows = []
    for a, b in _runs(inner.any(axis=1)):
        if rows and b - rows[-1][0] <= 1.25 * char:
            rows[-1][1] = b
        else:
            rows.append([a, b])
    out = []
    mx, my = round(_MARGIN[0] * char), round(_MARGIN[1] * char)
    for a, b in rows:
        band = inner[a:b]
        if np.count_nonzero(band) < _INK // 2:
            continue  # a speck (noise, the stub of a ruling): not a line of text
        cols = np.flatnonzero(band.any(axis=0))
        box = (x0 + max(0, int(cols[0]) - mx), y0 + max(0, a - my),
               x0 + min(x1 - x0, int(cols[-1]) + 1 + mx), y0 + min(y1 - y0, b + my))
        out.append(tuple(map(int, box)))
    return out


def _table_boxes(table: Table, tol: float, shape: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    h, w = shape
    m = int(tol) + 2
    return [(max(0, int(c.x0) - m), max(0, int(c.y0) - m), min(w, int(c.x1) + m), min(h, int(c.y1) + m))
            for c in table.cells]


def _regions(ink: np.ndarray, char: float) -> list[tuple[int, int, int, int]]:
    """Boxes around the page's ink outside its tables, for detection and recognition: bands of
    inked rows (a gap of two lines or more ends one), each as wide as its ink, with a margin."""
    h, w = ink.shape
    bands = []
    for a, b in _runs(np.count_nonzero(ink, axis=1) >= 2):
        if bands and a - bands[-1][1] < 2 * char:
            bands[-1][1] = b
        else:
            bands.append([a, b])
    m = int(char)
    out = []
    for a, b in bands:
        band = ink[a:b]
        if np.count_nonzero(band) < _INK:
            continue
        cols = np.flatnonzero(band.any(axis=0))
        out.append((max(0, int(cols[0]) - m), max(0, int(a) - m), min(w, int(cols[-1]) + 1 + m), min(h, int(b) + m)))
    return out


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


def rulings(binary: np.ndarray, char: float) -> tuple[list, list, float, np.ndarray]:
    """(horizontal (y, x0, x1), vertical (x, y0, y1), tolerance in pixels, mask of their pixels)
    of the page's ruling lines, found before any text is read.

    Horizontal lines are what survives an opening with a thin kernel longer than any stroke of a
    character. Vertical ones are looked for between two horizontal lines, in the ink left once the
    horizontal lines are taken out: a blob no wider than a line that runs from the line above to
    the line below (a "1" in a low row stops short of them). A character's stroke can do that too
    in a tight row (the hook of 刂, a scan's blur joining it to the lines), but a stroke has the
    rest of its character beside it: a ruling has nothing within a quarter of a character on
    either side, or else it goes on from a ruling of the row above or below."""
    import cv2

    h, w = binary.shape
    tol = max(3.0, w / 250)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, int(char * 3.5)), 1))
    hmask = cv2.dilate(cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk), np.ones((3, 1), np.uint8)) > 0
    horizontal = [(y + bh / 2, float(x), float(x + bw)) for x, y, bw, bh in _boxes(hmask.astype(np.uint8))
                  if bh <= tol * 3]
    rest = binary.copy()
    rest[hmask] = 0
    _n, labels, stats, _c = cv2.connectedComponentsWithStats(rest)
    thin = np.flatnonzero(stats[:, cv2.CC_STAT_WIDTH] <= tol + 2)
    upright = np.isin(labels, thin[thin > 0])
    side = max(2, round(char / 4))
    found, doubtful = [], []  # (x, y0, y1, first column, end column): clear of other ink / not
    for y0, y1, x0, x1 in _bands(horizontal, tol):
        top, bottom, left, right = int(y0), int(y1) + 1, int(x0), int(x1) + 1
        free = ~hmask[top:bottom, left:right]  # the rows between the two lines, at each column
        room = free.sum(axis=0)
        full = (upright[top:bottom, left:right] & free).sum(axis=0) >= 0.95 * np.maximum(room, 1)
        for start, end in _runs(full & (room >= 3)):
            if end - start > tol * 3:
                continue
            rows = free[:, start:end].all(axis=1)
            own = labels[top:bottom, left + start:left + end][rows]
            own = np.unique(own[own > 0])
            if not own.size:
                continue
            cols = np.flatnonzero(np.isin(labels[top:bottom, left:right], own).any(axis=0))
            a, b = left + int(cols[0]), left + int(cols[-1]) + 1
            beside = [rest[top:bottom, max(0, a - side - 1):max(0, a - 1)], rest[top:bottom, b + 1:b + side + 1]]
            clear = all(not zone.size or zone.any(axis=1)[rows].mean() <= 0.1 for zone in beside)
            (found if clear else doubtful).append((x0 + (start + end) / 2, y0, y1, a, b))
    changed = True
    while changed and doubtful:  # a ruling that text touches in one row goes on from the next one
        changed = False
        for piece in list(doubtful):
            x, y0, y1 = piece[:3]
            if any(abs(x - fx) <= tol and (abs(fy1 - y0) <= tol or abs(fy0 - y1) <= tol) for fx, fy0, fy1, *_ in found):
                found.append(piece)
                doubtful.remove(piece)
                changed = True
    mask = hmask.copy()
    for _x, y0, y1, a, b in found:
        mask[int(y0):int(y1) + 1, max(0, a - 1):b + 1] = True
    return horizontal, [(x, y0, y1) for x, y0, y1, *_ in found], tol, mask


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

    def ask(self, header: dict, gray: np.ndarray, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        h, w = gray.shape
        head = json.dumps({**header, "h": h, "w": w}).encode()
        try:
            self.proc.stdin.write(struct.pack("<I", len(head)) + head + np.ascontiguousarray(gray).tobytes())
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


def read(gray: np.ndarray, lines: list[tuple[int, int, int, int]], regions: list[tuple[int, int, int, int]],
         blank: list[tuple[int, int, int, int]] = ()) -> dict:
    """{"lines": [(text, score)] for each line box, recognised alone; "regions": [(corners, text,
    score)] of the text detected in each region box, the `blank` boxes (the tables) whited out
    first} — read in this thread's worker. Boxes are (x0, y0, x1, y1) in pixels."""
    return _ask({"op": "read", "lines": lines, "regions": regions, "blank": list(blank)}, gray)


def bare(gray: np.ndarray) -> list:
    """[(corners, text, score)] of RapidOCR as it comes on the whole page: the benchmark's baseline."""
    return _ask({"op": "bare"}, gray)["regions"]


def _ask(header: dict, gray: np.ndarray) -> dict:
    worker = getattr(_local, "worker", None)
    if worker is None:
        worker = _local.worker = _Worker()
        _workers.append(worker)
    try:
        answer = worker.ask(header, gray, PAGE_TIMEOUT)
    except OcrFailed:
        worker.stop()  # killed: the next page starts a fresh one
        _workers.remove(worker)
        _local.worker = None
        raise
    if "error" in answer:
        if answer.get("unavailable"):
            raise OcrUnavailable(answer["error"])
        raise OcrFailed(answer["error"])
    return answer


def stop_worker() -> None:
    """Ends every OCR worker this process started (they also end with it: their stdin closes)."""
    while _workers:
        _workers.pop().stop()
    _local.worker = None


atexit.register(stop_worker)
