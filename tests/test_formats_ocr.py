"""Reports published as images: the image-only （图片版） PNG pages and the scanned PDF of every seed
through real OCR (RapidOCR, models from its wheel). At least 98 % of the seed's cells, none wrong,
every cell with its confidence; what OCR could not read surely is left out and named. The rules
on confidence are also tested on trees with confidences set by hand, without OCR."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from demo_portal.renditions import docx_bytes, pdf_bytes, rendition, rendition_pages
from extract.document import CONFIDENCE, extract_document, from_document
from extract.readers.docx import read_docx
from formats_support import LAYOUT, SEED_IDENTITY, SEED_IDS, cell_set, expected_cells

OCR_KINDS = {"png": "image", "scan": "scan"}


# ------------------------------------------------------------------------ confidence rules, no OCR
def _ocr_tree(seed: str, confidence: float = 0.99):
    """The seed's DOCX read into the shared shape, every cell marked as read with `confidence`."""
    doc = read_docx(docx_bytes(seed))
    for td in doc.root.iter("td"):
        td.set("data-confidence", f"{confidence:.3f}")
    doc.ocr, doc.kind = True, "image"
    return doc


def _td(doc, text: str, row_label: str):
    """The first <td> reading `text` in the row labelled `row_label`."""
    for tr in doc.root.iter("tr"):
        tds = list(tr.iter("td"))
        if any("".join(td.itertext()).strip() == row_label for td in tds):
            return next(td for td in tds if "".join(td.itertext()).strip() == text)
    raise LookupError(row_label)


def test_confident_cells_keep_their_confidence():
    e = from_document(_ocr_tree("000"))
    assert cell_set(e) == expected_cells("000")
    assert {c.confidence for c in e.cells} == {0.99}
    assert e.warnings == []


def test_a_cell_under_the_threshold_is_left_out_and_named():
    doc = _ocr_tree("000")
    _td(doc, "+185", "行政处罚").set("data-confidence", "0.612")
    e = from_document(doc)
    assert cell_set(e) == {c for c in expected_cells("000") if c[:3] != ("active", "penalty", "change")}
    assert e.warnings == [f"active.penalty.change: OCR read '+185' with confidence 0.612 < {CONFIDENCE}; cell left out",
                          "incomplete: 197 of 198 expected cells; missing: active.penalty (change)"]
    assert e.check_status == "incomplete"


def test_a_cell_with_ink_but_nothing_read_is_left_out_not_blank():
    doc = _ocr_tree("000")
    td = _td(doc, "115", "行政处罚")
    td.text = ""
    td.set("data-confidence", "0.000")
    e = from_document(doc)
    assert ("active", "penalty", "decisions") not in {c[:3] for c in cell_set(e)}
    assert len(e.cells) == 197
    assert e.warnings == [f"active.penalty.decisions: OCR ink but no text read with confidence 0.000 < {CONFIDENCE}; "
                          "cell left out", "incomplete: 197 of 198 expected cells; missing: active.penalty (decisions)"]
    assert e.check_status == "incomplete"


def test_a_table_whose_checks_fail_after_ocr_is_flagged():
    doc = _ocr_tree("003")
    rows = [tr for tr in doc.root.iter("tr") if "一、本年新收政府信息公开申请数量" in "".join(tr.itertext())]
    value = list(rows[0].iter("td"))[1]  # natural_person of 本年新收: 1 printed, read as 7
    assert "".join(value.itertext()) == "1"
    value.text = "7"
    e = from_document(doc)
    assert ("applications", "new", "natural_person", 7, "int", "7") in cell_set(e)
    flagged = [w for w in e.warnings if w.startswith("applications: checks")]
    assert len(flagged) == 1 and "may be misread" in flagged[0]


# ------------------------------------------------------------------------------- limits, real OCR
@pytest.mark.parametrize("limit, why", [("PAGE_TIMEOUT", "OCR did not finish within 0.05 s"),
                                        ("MEMORY_LIMIT", "the OCR models could not be loaded")])
def test_ocr_past_its_limits_costs_the_page_not_the_caller(monkeypatch, limit, why):
    from extract.readers import ocr

    ocr.stop_worker()  # a fresh worker, started under the limit
    monkeypatch.setattr(ocr, limit, 0.05 if limit == "PAGE_TIMEOUT" else 256 << 20)
    e = extract_document(rendition_pages("000")[0])
    ocr.stop_worker()
    assert e.cells == [] and e.source_kind == "image"
    assert len(e.warnings) == 2 and e.warnings[0].startswith("page 1: " + why) and e.warnings[0].endswith("page left out")
    assert e.warnings[1] == "not a report: no report title and no report tables"  # nothing else was read


# ------------------------------------------------------------------------------------- real OCR
@pytest.fixture(scope="module")
def ocr_results():
    """Every seed's PNG pages and scanned PDF, two at a time (one OCR worker process per thread)."""
    jobs = [(seed, kind) for seed in SEED_IDS for kind in OCR_KINDS]
    for seed, kind in jobs:  # renditions first (LibreOffice, rendering; cached on disk)
        rendition_pages(seed) if kind == "png" else rendition(seed, kind)

    def run(job):
        seed, kind = job
        if kind == "png":
            return extract_document(b"", pages=rendition_pages(seed))
        return extract_document(rendition(seed, kind))

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(jobs, pool.map(run, jobs)))


def _unspaced(cells: set) -> set:
    """Raw text without spaces: OCR cannot tell "6423.03 万" from "6423.03万" (the value is the same)."""
    return {(t, r, c, v, ty, "".join(raw.split())) for t, r, c, v, ty, raw in cells}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(OCR_KINDS))
@pytest.mark.parametrize("seed", SEED_IDS)
def test_ocr_rendition(ocr_results, seed, kind):
    e = ocr_results[(seed, kind)]
    got, expected = _unspaced(cell_set(e)), _unspaced(expected_cells(seed))
    assert sorted(got - expected) == []  # not one wrong value
    missing = expected - got
    assert len(got) >= 0.98 * len(expected), sorted(missing)
    for table, row, col, *_ in missing:  # the rest left out and named
        assert any(f"{table}.{row}" in w for w in e.warnings), (table, row, col, e.warnings)
    assert all(CONFIDENCE <= c.confidence <= 1 for c in e.cells)
    assert e.source_kind == OCR_KINDS[kind]
    assert (e.layout, e.year) == (LAYOUT[seed], SEED_IDENTITY[seed][2])


@pytest.mark.slow
def test_ocr_reads_one_report_from_several_images_on_the_command_line(tmp_path):
    pages = rendition_pages("003")[:2]  # its title page and the page of tables 二 and 三
    paths = []
    for n, png in enumerate(pages, 1):
        paths.append(tmp_path / f"p{n}.png")
        paths[-1].write_bytes(png)
    proc = subprocess.run([sys.executable, "-m", "extract", "--pages", *map(str, paths)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    import json

    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert record["source"] == " ".join(map(str, paths))
    assert record["source_kind"] == "image" and (record["layout"], record["year"]) == ("2021", 2023)
    page_two = {(c["table"], c["row"], c["col"]) for c in record["cells"]}
    assert {("applications", "new", "total"), ("active", "rules", "issued")} <= page_two
    assert all(CONFIDENCE <= c["confidence"] <= 1 for c in record["cells"])


@pytest.mark.slow
def test_a_smudged_number_is_never_read_as_a_confident_wrong_one():
    """A blot over 行政处罚's +185 on a page image: the cell is left out (or read right), never wrong."""
    import numpy as np
    import pdfplumber
    from PIL import Image, ImageDraw

    pdf = pdf_bytes("000")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        hits = [(n, w) for n, page in enumerate(doc.pages) for w in page.extract_words() if w["text"] == "+185"]
    (page_no, word), = hits
    pages = rendition_pages("000")
    scale = 2.0
    img = Image.open(io.BytesIO(pages[page_no])).convert("L")
    draw = ImageDraw.Draw(img)
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = (v * scale for v in (word["x0"], word["top"], word["x1"], word["bottom"]))
    for _ in range(40):  # ink scribbled over the digits
        draw.line([(rng.uniform(x0, x1), rng.uniform(y0, y1)), (rng.uniform(x0, x1), rng.uniform(y0, y1))],
                  fill=int(rng.integers(0, 90)), width=2)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    # The title page and the blotted one are enough: the title makes it a report, the rest is prose.
    e = extract_document(b"", pages=[pages[0], buf.getvalue()] if page_no else [buf.getvalue()])
    got = {c[:3]: c for c in _unspaced(cell_set(e))}
    penalty = got.get(("active", "penalty", "change"))
    assert penalty is None or penalty == ("active", "penalty", "change", 185, "int", "+185")
    if penalty is None:
        assert any("active.penalty" in w for w in e.warnings)
    assert sorted(set(got.values()) - _unspaced(expected_cells("000"))) == []


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare(1) absent")
def test_ocr_models_ship_in_the_wheel_and_need_no_network(tmp_path):
    import rapidocr

    models = sorted(p.name for p in (Path(rapidocr.__file__).parent / "models").glob("*.onnx"))
    assert any("det" in m for m in models) and any("rec" in m for m in models)
    page = tmp_path / "page.png"
    page.write_bytes(rendition_pages("000")[1])
    probe = ("import sys, cv2; from extract.readers.ocr import bare; "
             "g = cv2.imread(sys.argv[1], cv2.IMREAD_GRAYSCALE); "
             "print('\\n'.join(t for _b, t, _s in bare(g)))")
    proc = subprocess.run(["unshare", "-n", sys.executable, "-c", probe, str(page)], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0 and "unshare" in proc.stderr and "Operation not permitted" in proc.stderr:
        pytest.skip("no permission for a network namespace")
    assert proc.returncode == 0, proc.stderr
    for phrase in ("二、主动公开政府信息情况", "(三)政府信息管理"):  # what page 2 prints
        assert phrase in proc.stdout.replace(" ", "")
