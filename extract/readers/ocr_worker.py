"""The OCR worker: `python -m extract.readers.ocr_worker [THREADS [MEMORY_LIMIT]]`, started by
extract.readers.ocr.

Reads requests from stdin — a little-endian uint32 length, a JSON header {"op", "h", "w", …}, then
h × w bytes of a greyscale page — and answers each on stdout with a uint32 length and JSON:

- "read": {"lines": [[x0, y0, x1, y1], …], "regions": [[x0, y0, x1, y1], …], "blank": [[x0, y0, x1,
  y1], …]} → {"lines": [[text, score], …], "regions": [[corners, text, score], …]}. Each line box
  (one line of text in a table cell) is recognised alone, without detection; then the blank boxes
  (the tables) are whited out and each region (page outside the tables) gets detection and
  recognition, its boxes given in page coordinates.
- "bare": RapidOCR as it comes (detection, angle classifier, recognition) on the whole page →
  {"regions": [[corners, text, score], …]}: the baseline of the benchmark.

An error is {"error": …} ("unavailable": true when the packages are missing). The models load
once, on the first request.
"""
from __future__ import annotations

import json
import resource
import struct
import sys

_COMMON = {
    "Global.log_level": "error",
    "Global.text_score": 0.0,  # every line with its score: the caller decides what to trust
}

_SURE = 0.95  # a short line first read with less is read again as RapidOCR reads it by default
_DEFAULT_RATIO = 320 / 48  # RapidOCR's default recognition input: 48 × 320 px


def _engine(threads: int, bare: bool):
    from rapidocr import RapidOCR

    params = dict(_COMMON)
    params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
    params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
    if not bare:
        params.update({
            # Pages come upright (straightened by the caller); on long lines the angle classifier
            # turned right ones upside down.
            "Global.use_cls": False,
            # A strip of a page is detected at its own resolution, not blown up to a 736 px short side.
            "Det.limit_type": "max",
            "Det.limit_side_len": 2000,
            # Recognition costs what the width it is given costs: a cell's number is padded to 128 px,
            # not 320 (under half the work; the few read with less than _SURE are read again at the
            # default width), and lines are recognised one at a time (a batch is padded to its
            # widest line; on one core six prose lines took half as long again together as alone).
            "Rec.rec_img_shape": [3, 48, 128],
            "Rec.rec_batch_num": 1,
        })
    return RapidOCR(params=params)


def _read(stream, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _detected(out, dx: int = 0, dy: int = 0) -> list:
    import numpy as np

    if out.boxes is None or out.txts is None:
        return []
    return [[(np.asarray(b, dtype=float) + (dx, dy)).round(1).tolist(), str(t), float(s)]
            for b, t, s in zip(out.boxes, out.txts, out.scores)]


def _recognised(engine, crops: list) -> list:
    """[text, score] of each crop, recognition only (no detection); nothing read scores 0."""
    if not crops:
        return []
    out = engine.recognize_txt(crops)
    return [[str(t), float(s) if str(t) else 0.0] for t, s in zip(out.txts, out.scores)]


def _padded(crop):
    """The crop widened to RapidOCR's default input shape with the mid-grey (0 once normalised) the
    default pads with: a short number read at 128 px wide is sometimes unsure where at 320 it is not."""
    import numpy as np

    h, w = crop.shape[:2]
    return np.pad(crop, ((0, 0), (0, max(0, int(np.ceil(h * _DEFAULT_RATIO)) - w)), (0, 0)), constant_values=128)


def _answer(engines: dict, threads: int, header: dict, gray) -> dict:
    import numpy as np

    op = header["op"]
    if op not in engines:
        engines[op] = _engine(threads, bare=op == "bare")
    engine = engines[op]
    if op == "bare":
        return {"regions": _detected(engine(np.ascontiguousarray(np.dstack([gray] * 3))))}
    crops = [np.ascontiguousarray(np.dstack([gray[y0:y1, x0:x1]] * 3)) for x0, y0, x1, y1 in header["lines"]]
    lines = _recognised(engine, crops)
    again = [i for i, (crop, (_t, score)) in enumerate(zip(crops, lines))
             if score < _SURE and crop.shape[1] < crop.shape[0] * _DEFAULT_RATIO]
    for i, line in zip(again, _recognised(engine, [_padded(crops[i]) for i in again])):
        lines[i] = line
    if header["blank"]:
        gray = gray.copy()
        for x0, y0, x1, y1 in header["blank"]:
            gray[y0:y1, x0:x1] = 255
    regions = []
    for x0, y0, x1, y1 in header["regions"]:
        crop = np.ascontiguousarray(np.dstack([gray[y0:y1, x0:x1]] * 3))
        regions += _detected(engine(crop, use_det=True, use_cls=False, use_rec=True), x0, y0)
    return {"lines": lines, "regions": regions}


def main() -> int:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if len(sys.argv) > 2:  # bytes of address space, set before numpy and the models are loaded
        limit = int(sys.argv[2])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import numpy as np

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    engines: dict = {}
    while True:
        try:
            (n,) = struct.unpack("<I", _read(stdin, 4))
            header = json.loads(_read(stdin, n))
            h, w = header["h"], header["w"]
            gray = np.frombuffer(_read(stdin, h * w), np.uint8).reshape(h, w)
        except EOFError:
            return 0
        try:
            answer = _answer(engines, threads, header, gray)
        except ModuleNotFoundError as exc:
            answer = {"error": f"OCR is not installed ({exc}): pip install rapidocr onnxruntime", "unavailable": True}
        except (ImportError, OSError) as exc:  # a library that cannot be mapped under the memory limit
            answer = {"error": f"the OCR models could not be loaded ({str(exc)[:160]})"}
        except MemoryError:
            answer = {"error": "OCR ran out of memory under the worker's limit"}
        except Exception as exc:  # noqa: BLE001 — the page fails, the worker lives on
            answer = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        stdout.write(struct.pack("<I", len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
