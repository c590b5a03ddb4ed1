"""Document extraction speed and OCR memory, each against a bare baseline in the same run (run by hand).

  .venv/bin/python bench/formats.py [--ocr 000:png 003:scan] [--repeat 2] [--sweep]

  (a) text-layer PDF: extract_document over the five seeds' LibreOffice PDFs and the real 淮安 PDF
      (when ../shared has it), seconds per page; baseline: pdfplumber's bare extract_text of the
      same pages (the floor of reading a text layer at all);
  (b) DOCX: extract_document over the five seeds' DOCX, seconds per report; baseline: python-docx
      opening the same files;
  (c) OCR, pinned to one core: each page of the chosen reports through the OCR reader, and each
      report through extract_document; baseline: bare RapidOCR (detection, angle classifier,
      recognition as it comes) on the same page images, in a worker of its own; wall seconds and
      CPU seconds; peak RSS of the OCR worker (VmHWM) and of this process;
  (d) with --sweep: the OCR accuracy of every seed's PNG pages and scanned PDF, and of the real
      淮安 PDF rendered to images, against the expected cells (exact / wrong / left out).
"""
from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # bench/ first on sys.path would shadow the `extract` package
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import io
import os
import resource
import time

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ("000", "001", "002", "003", "004")
HUAIAN = ROOT.parent / "shared" / "real-pages" / "huaian-gov-2024.pdf"


def timed(fn, repeat: int = 3) -> float:
    """Best of `repeat` runs (the machine is shared; the minimum is the cost, the rest is waiting)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_pdf() -> None:
    import pdfplumber

    from demo_portal.renditions import pdf_bytes
    from extract.document import extract_document

    pdfs = [pdf_bytes(s) for s in SEEDS] + ([HUAIAN.read_bytes()] if HUAIAN.exists() else [])
    pages = sum(len(pdfplumber.open(io.BytesIO(p)).pages) for p in pdfs)

    def bare():
        for p in pdfs:
            with pdfplumber.open(io.BytesIO(p)) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    ours = timed(lambda: [extract_document(p) for p in pdfs])
    base = timed(bare)
    print(f"(a) text-layer PDF: {len(pdfs)} files, {pages} pages: {ours / pages:.3f} s/page "
          f"(bare extract_text {base / pages:.3f} s/page, {ours / base:.1f}x)")


def bench_docx() -> None:
    import docx

    from demo_portal.renditions import docx_bytes
    from extract.document import extract_document

    files = [docx_bytes(s) for s in SEEDS]
    ours = timed(lambda: [extract_document(d) for d in files], repeat=5)
    base = timed(lambda: [docx.Document(io.BytesIO(d)) for d in files], repeat=5)
    print(f"(b) DOCX: {len(files)} reports: {ours / len(files):.3f} s/report "
          f"(bare python-docx open {base / len(files):.3f} s/report, {ours / base:.1f}x)")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _hwm(pid: int) -> int:
    """Peak resident set of a process, KiB."""
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))


def _reports(specs: list[str]) -> list[tuple[str, list[bytes] | bytes, list]]:
    """(name, what extract_document reads, greyscale pages as the OCR reader gets them) per report."""
    import cv2
    import numpy as np

    from demo_portal.renditions import rendition, rendition_pages
    from extract.readers.pdf import render_pages

    out = []
    for spec in specs:
        seed, kind = spec.split(":")
        if kind == "png":
            pngs = rendition_pages(seed)
            out.append((f"{seed} PNG", pngs, [cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_GRAYSCALE) for p in pngs]))
        else:
            scan = rendition(seed, "scan")
            out.append((f"{seed} scan", scan, render_pages(scan)))
    return out


def bench_ocr(specs: list[str], repeat: int) -> None:
    """Ours and bare RapidOCR page by page, each in its own worker (bare in another thread, so
    that each worker's peak RSS is its own); wall seconds (best of `repeat`) and CPU seconds."""
    from concurrent.futures import ThreadPoolExecutor

    from extract.document import extract_document
    from extract.readers import ocr

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, inherited by the OCR workers
    reports = _reports(specs)
    other = ThreadPoolExecutor(1)  # bare RapidOCR's worker lives in this thread
    first = reports[0][2][0]
    ocr.ocr_pages([first], [0])  # models loaded once, outside the timing, as a long-running worker has them
    other.submit(ocr.bare, first).result()
    ours_pid = ocr._local.worker.proc.pid
    bare_pid = other.submit(lambda: ocr._local.worker.proc.pid).result()

    def measure(fn, pid: int) -> tuple[float, float]:
        wall, cpu = float("inf"), float("inf")
        for _ in range(repeat):
            c0, t0, w0 = _cpu(pid), time.process_time(), time.perf_counter()
            fn()
            wall = min(wall, time.perf_counter() - w0)
            cpu = min(cpu, _cpu(pid) - c0 + time.process_time() - t0)
        return wall, cpu

    print(f"(c) OCR, one core, wall seconds best of {repeat} (CPU seconds of worker and caller):")
    print(f"    {'page':<12} {'ours':>14} {'bare RapidOCR':>16} {'ratio':>6}")
    totals = [0.0, 0.0, 0.0, 0.0]
    for name, source, grays in reports:
        page_sum = [0.0, 0.0, 0.0, 0.0]
        for n, gray in enumerate(grays):
            ours = measure(lambda: ocr.ocr_pages([gray], [n]), ours_pid)
            bare = measure(lambda: other.submit(ocr.bare, gray).result(), bare_pid)
            page_sum = [a + b for a, b in zip(page_sum, ours + bare)]
            print(f"    {name + ' p' + str(n + 1):<12} {ours[0]:5.1f} s ({ours[1]:4.1f}) {bare[0]:7.1f} s ({bare[1]:4.1f}) "
                  f"{ours[0] / bare[0]:5.2f}x")
        whole = measure(lambda: extract_document(b"", pages=source) if isinstance(source, list)
                        else extract_document(source), ours_pid)
        totals = [a + b for a, b in zip(totals, page_sum)]
        print(f"    {name + ' report':<12} {whole[0]:5.1f} s ({whole[1]:4.1f}) {page_sum[2]:7.1f} s ({page_sum[3]:4.1f}) "
              f"{whole[0] / page_sum[2]:5.2f}x  ({len(grays)} pages: extract_document, decoding and rendering included)")
    pages = sum(len(g) for _n, _s, g in reports)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"    per page: ours {totals[0] / pages:.1f} s ({totals[1] / pages:.1f} CPU), bare RapidOCR "
          f"{totals[2] / pages:.1f} s ({totals[3] / pages:.1f} CPU): {totals[0] / totals[2]:.2f}x wall, "
          f"{totals[1] / totals[3]:.2f}x CPU")
    print(f"    peak RSS: our OCR worker {_hwm(ours_pid) / 1024:.0f} MiB, with this process "
          f"{(_hwm(ours_pid) + own) / 1024:.0f} MiB; bare RapidOCR's worker {_hwm(bare_pid) / 1024:.0f} MiB")
    other.submit(ocr.stop_worker).result()
    other.shutdown()
    ocr.stop_worker()


def sweep_ocr() -> None:
    """Every seed's PNG pages and scanned PDF (and the real 淮安 PDF rendered to images at three
    resolutions, when ../shared has it) against the expected cells: exact, wrong, left out."""
    from concurrent.futures import ThreadPoolExecutor

    import pypdfium2 as pdfium

    from extract.document import extract_document
    sys.path.insert(0, str(ROOT / "tests"))
    from formats_support import EXPECTED, as_set, expected_cells, load_cells

    jobs = [(f"{s} PNG", s, lambda s=s: extract_document(b"", pages=_reports([f"{s}:png"])[0][1])) for s in SEEDS]
    jobs += [(f"{s} scan", s, lambda s=s: extract_document(_reports([f"{s}:scan"])[0][1])) for s in SEEDS]
    if HUAIAN.exists():
        for dpi in (110, 144, 200):
            def pages(dpi=dpi):
                doc = pdfium.PdfDocument(HUAIAN.read_bytes())
                out = []
                for page in doc:
                    buf = io.BytesIO()
                    page.render(scale=dpi / 72).to_pil().save(buf, "PNG")
                    out.append(buf.getvalue())
                return out
            jobs.append((f"淮安 {dpi} dpi", "huaian", lambda pages=pages: extract_document(b"", pages=pages())))

    def run(job):
        return job[2]()

    def unspaced(cells):  # OCR cannot tell "6423.03 万" from "6423.03万" (the value is the same)
        return {(t, r, c, v, ty, "".join(raw.split())) for t, r, c, v, ty, raw in cells}

    print("(d) OCR accuracy (raw compared without spaces):")
    with ThreadPoolExecutor(2) as pool:
        for (name, seed, _fn), e in zip(jobs, pool.map(run, jobs)):
            expected = load_cells(EXPECTED / "huaian-gov-2024.tsv") if seed == "huaian" else expected_cells(seed)
            got, want = unspaced(as_set(e.cells)), unspaced(expected)
            out = [w for w in e.warnings if "OCR" in w]
            print(f"    {name:<14} {len(got & want)} / {len(want)} exact, {len(got - want)} wrong, "
                  f"{len(want - got)} left out{': ' + '; '.join(out) if out else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr", nargs="*", default=["000:png", "003:scan"], metavar="SEED:png|scan",
                        help="reports to time OCR on (default 000:png 003:scan)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each OCR timing (default 2)")
    parser.add_argument("--sweep", action="store_true", help="also the OCR accuracy of every seed (several minutes)")
    args = parser.parse_args()
    bench_pdf()
    bench_docx()
    if args.ocr:
        bench_ocr(args.ocr, args.repeat)
    if args.sweep:
        sweep_ocr()


if __name__ == "__main__":
    main()
