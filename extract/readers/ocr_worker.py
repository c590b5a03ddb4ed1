"""The OCR worker: `python -m extract.readers.ocr_worker [THREADS [MEMORY_LIMIT]]`, started by
extract.readers.ocr.

Reads requests from stdin — two little-endian uint32 (height, width), then height × width bytes of
a greyscale image — and answers each on stdout with a uint32 length and a JSON list of
[corners, text, score] (or {"error": …}). The models load once, on the first request.
"""
from __future__ import annotations

import json
import resource
import struct
import sys


def _engine(threads: int):
    from rapidocr import RapidOCR

    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.text_score": 0.0,  # every line with its score: the caller decides what to trust
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def _read(stream, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def main() -> int:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if len(sys.argv) > 2:  # bytes of address space, set before numpy and the models are loaded
        limit = int(sys.argv[2])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import numpy as np

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    engine = None
    while True:
        try:
            h, w = struct.unpack("<II", _read(stdin, 8))
            gray = np.frombuffer(_read(stdin, h * w), np.uint8).reshape(h, w)
        except EOFError:
            return 0
        try:
            if engine is None:
                engine = _engine(threads)
            out = engine(np.ascontiguousarray(np.dstack([gray] * 3)))
            boxes = [] if out.boxes is None else [
                [np.asarray(b, dtype=float).round(1).tolist(), str(t), float(s)]
                for b, t, s in zip(out.boxes, out.txts, out.scores)]
            answer = json.dumps(boxes, ensure_ascii=False)
        except ModuleNotFoundError as exc:
            answer = json.dumps({"error": f"OCR is not installed ({exc}): pip install rapidocr onnxruntime",
                                 "unavailable": True})
        except (ImportError, OSError) as exc:  # a library that cannot be mapped under the memory limit
            answer = json.dumps({"error": f"the OCR models could not be loaded ({str(exc)[:160]})"})
        except MemoryError:
            answer = json.dumps({"error": "OCR ran out of memory under the worker's limit"})
        except Exception as exc:  # noqa: BLE001 — the page fails, the worker lives on
            answer = json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:200]}"})
        data = answer.encode("utf-8")
        stdout.write(struct.pack("<I", len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
