"""Reports published as documents: every seed as DOCX, PDF (LibreOffice's export of that DOCX), DOC,
WPS and OFD gives exactly the seed's cells; the real 淮安 PDF gives its cells exactly; mutated and
broken files are refused with a reason, never an exception."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile

import pytest
from lxml import etree

from demo_portal.renditions import doc_bytes, docx_bytes, rendition, rewrite_docx
from extract.document import extract_document, sniff
from extract.readers.office import read_legacy
from formats_support import EXPECTED, LAYOUT, REAL, SEED_IDENTITY, SEED_IDS, cell_set, expected_cells, load_cells

KIND = {"docx": "docx", "pdf": "pdf", "doc": "doc", "ofd": "ofd"}


@pytest.mark.parametrize("kind", sorted(KIND))
@pytest.mark.parametrize("seed", SEED_IDS)
def test_rendition_gives_the_seed_cells_exactly(seed, kind):
    e = extract_document(rendition(seed, kind))
    got, expected = cell_set(e), expected_cells(seed)
    assert sorted(got - expected) == []  # extra or wrong cells
    assert sorted(expected - got) == []  # missing cells
    assert len(e.cells) == len(got)  # no cell twice
    assert e.source_kind == KIND[kind]
    assert (e.title, e.agency, e.year) == SEED_IDENTITY[seed]
    assert e.layout == LAYOUT[seed]
    assert e.warnings == []
    assert all(c.confidence is None for c in e.cells)  # nothing was OCR'd


def test_wps_file_is_read_as_wps():
    # Kingsoft WPS 文字 files are the Word 97 binary format under another name.
    e = extract_document(doc_bytes("000"), filename="2020年报.wps")
    assert e.source_kind == "wps"
    assert cell_set(e) == expected_cells("000")


def test_docx_tables_are_real_word_merges():
    """The DOCX rendition is what Word writes: merged cells as gridSpan and vMerge, no HTML."""
    xml = zipfile.ZipFile(io.BytesIO(docx_bytes("003"))).read("word/document.xml").decode()
    assert xml.count("<w:tbl>") == 3
    assert 'w:gridSpan w:val="7"' in xml  # 申请人情况 over the seven applicant columns
    assert 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml  # 三、本年度办理结果 down its rows


def test_docx_rows_starting_with_grid_before():
    """Word leaves out a row's leading cells and writes w:gridBefore: the grid keeps its columns."""
    from extract.readers.docx import read_docx

    mutated_rows = []

    def grid_before(tables):
        for r, tr in enumerate(tables[1].findall(f"{W}tr")):
            first = tr.find(f"{W}tc")
            if first.find(f"{W}tcPr/{W}vMerge") is not None and first.find(f"{W}tcPr/{W}vMerge").get(f"{W}val") is None:
                tr.remove(first)  # a continuation of 三、本年度办理结果: the row now starts one column in
                tr.insert(0, etree.fromstring(f'<w:trPr xmlns:w="{W[1:-1]}"><w:gridBefore w:val="1"/></w:trPr>'))
                mutated_rows.append(r)

    mutated = _edit_docx(docx_bytes("003"), grid_before)
    assert b"gridBefore" in zipfile.ZipFile(io.BytesIO(mutated)).read("word/document.xml")
    trs = list(list(read_docx(mutated).root.iter("table"))[1].iter("tr"))
    assert len(mutated_rows) >= 20
    for r in mutated_rows:  # an empty placeholder where the left-out cell was, then the row's own cells
        first = trs[r].find("td")
        assert "".join(first.itertext()) == "" and first.get("rowspan") is None
    assert cell_set(extract_document(mutated)) == expected_cells("003")


def test_pdf_rendition_is_libreoffice_export_with_tables_across_pages():
    import pdfplumber

    with pdfplumber.open(io.BytesIO(rendition("003", "pdf"))) as pdf:
        assert "LibreOffice" in (pdf.metadata.get("Producer") or "")
        pages_with_tables = [n for n, page in enumerate(pdf.pages) if page.find_tables()]
    assert len(pages_with_tables) >= 2  # table 三 runs over a page break (and a row is cut by it)


# --------------------------------------------------------------------------------- the real PDF
HUAIAN = REAL / "huaian-gov-2024.pdf"


@pytest.fixture(scope="module")
def huaian():
    if not HUAIAN.exists():
        pytest.skip(f"{HUAIAN} absent")
    return extract_document(HUAIAN.read_bytes(), filename=HUAIAN.name)


def test_real_pdf_cells_exactly(huaian):
    got, expected = cell_set(huaian), load_cells(EXPECTED / "huaian-gov-2024.tsv")
    assert len(expected) == 200
    assert sorted(got - expected) == []
    assert sorted(expected - got) == []
    assert len(huaian.cells) == 200
    assert (huaian.source_kind, huaian.layout, huaian.year) == ("pdf", "2021", 2024)
    assert (huaian.title, huaian.agency) == ("淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府")
    assert huaian.warnings == []
    assert [c for c in huaian.checks if c.status != "ok"] == []


def test_real_pdf_agrees_with_its_own_prose(huaian):
    """Page 2 states the key numbers in words; the cells must say the same."""
    prose = re.sub(r"\s+", "", huaian.text)
    for phrase in ("共受理政府信息公开申请3119件", "答复3050件", "含上年度结转申请34件", "另有103件顺延到下年度",
                   "政府信息公开行政复议351件", "其中结果维持72件，结果纠正64件，其他结果178件，尚未审结37件",
                   "政府信息公开行政诉讼46件，其中结果维持25件，结果纠正5件，其他结果9件，尚未审结7件"):
        assert phrase in prose
    v = {(c.table, c.row, c.col): c.value for c in huaian.cells}
    app = lambda row: v[("applications", row, "total")]  # noqa: E731
    assert (app("new"), app("total"), app("carried_over"), app("carried_forward")) == (3119, 3050, 34, 103)
    review = [v[("review_litigation", "review", col)] for col in ("upheld", "corrected", "other", "pending", "total")]
    assert review == [72, 64, 178, 37, 351]
    lawsuits = [v[("review_litigation", "litigation_direct", col)] + v[("review_litigation", "litigation_after_review", col)]
                for col in ("upheld", "corrected", "other", "pending", "total")]
    assert lawsuits == [25, 5, 9, 7, 46]


# ------------------------------------------------------------------------------------ mutations
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _edit_docx(docx: bytes, edit) -> bytes:
    """The DOCX with edit(tables) applied to its Word tables."""
    return rewrite_docx(docx, lambda tree: edit(tree.findall(f".//{W}tbl")))


def _drop_grid_column(tbl, col: int) -> None:
    """Removes grid column `col` from a Word table: a cell covering only it goes, a wider one narrows."""
    grid = tbl.find(f"{W}tblGrid")
    grid.remove(grid.findall(f"{W}gridCol")[col])
    for tr in tbl.findall(f"{W}tr"):
        at = 0
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val")) if span_el is not None else 1
            if at <= col < at + span:
                if span > 1:
                    span_el.set(f"{W}val", str(span - 1))
                else:
                    tr.remove(tc)
                break
            at += span


def _set_text(tc, text: str) -> None:
    ts = tc.findall(f".//{W}t")
    ts[0].text = text
    for t in ts[1:]:
        t.text = ""


def test_docx_with_a_column_removed_never_shifts_values_into_it():
    """Table 三 without its 科研机构 column (grid column 5): no value lands in a neighbouring column."""
    mutated = _edit_docx(docx_bytes("003"), lambda tables: _drop_grid_column(tables[1], 5))
    e = extract_document(mutated)
    got, expected = cell_set(e), expected_cells("003")
    assert sorted(got - expected) == []  # nothing wrong, whatever is missing
    assert {c.table for c in e.cells} >= {"active", "review_litigation"}
    assert all(c[:3] in {x[:3] for x in expected} for c in got)
    assert e.warnings  # what was left out is named


def test_docx_with_a_column_removed_loses_only_that_column():
    mutated = _edit_docx(docx_bytes("003"), lambda tables: _drop_grid_column(tables[1], 5))
    got, expected = cell_set(extract_document(mutated)), expected_cells("003")
    assert got == {c for c in expected if not (c[0] == "applications" and c[2] == "research")}


def test_docx_with_two_header_columns_swapped_gives_values_that_follow_the_headers():
    def swap(tables):
        header = tables[1].findall(f"{W}tr")[2].findall(f"{W}tc")  # vMerge'd cells, 商业企业 科研机构 …
        named = {"".join(tc.itertext()): tc for tc in header}
        _set_text(named["商业企业"], "科研机构")
        _set_text(named["科研机构"], "商业企业")

    got = cell_set(extract_document(_edit_docx(docx_bytes("000"), swap)))
    swapped = {"commercial": "research", "research": "commercial"}
    expected = {(t, r, swapped.get(c, c) if t == "applications" else c, v, ty, raw)
                for t, r, c, v, ty, raw in expected_cells("000")}
    assert got == expected


def test_pdf_whose_tables_have_no_rulings_goes_to_the_text_reader():
    """Word tables without borders export as text in columns: no ruled table, so each page's layout
    text goes to the text reader; whatever it places must be right."""
    from extract.readers.office import convert
    from extract.readers.pdf import read_pdf

    def borderless(tables):
        for tbl in tables:
            style = tbl.find(f"{W}tblPr/{W}tblStyle")
            style.getparent().remove(style)

    pdf = convert(_edit_docx(docx_bytes("001"), borderless), "docx", "pdf")
    doc = read_pdf(pdf)
    assert list(doc.root.iter("table")) == []
    assert "一、本年新收政府信息公开申请数量" in re.sub(r" +", "", doc.table_text)
    assert re.search(r"规章 +0 +0 +0", doc.table_text)  # columns kept apart by spaces, as pdftotext -layout does
    e = extract_document(pdf)
    assert sorted(cell_set(e) - expected_cells("001")) == []


# ------------------------------------------------------------------------------------ bad files
def test_sniffing():
    assert sniff(rendition("000", "pdf")) == "pdf"
    assert sniff(docx_bytes("000")) == "docx"
    assert sniff(rendition("000", "ofd")) == "ofd"
    assert sniff(doc_bytes("000")) == "doc"
    assert sniff(doc_bytes("000"), filename="a.wps") == "wps"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image"
    assert sniff("<html><body>年度报告</body></html>".encode()) == "page"


@pytest.mark.parametrize("name, why", [
    ("truncated.pdf", "not a readable PDF"),
    ("not-a-docx.zip", "neither a Word (DOCX) nor an OFD document"),
    ("cut.docx", "damaged ZIP archive"),
    ("random.bin", "binary data in no format this extractor reads"),
    ("empty.ofd", "not a readable OFD document"),
])
def test_bad_files_get_a_reason_and_no_exception(name, why, tmp_path):
    body = _bad_file(name)
    e = extract_document(body, filename=name)
    assert e.cells == [] and e.text == ""
    assert len(e.warnings) == 1 and why in e.warnings[0]
    path = tmp_path / name
    path.write_bytes(body)
    proc = subprocess.run([sys.executable, "-m", "extract", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    record = json.loads(proc.stdout)
    assert why in record["warnings"][0] and record["cells"] == []


def _bad_file(name: str) -> bytes:
    import random

    if name == "truncated.pdf":
        return rendition("000", "pdf")[:3000]
    if name == "not-a-docx.zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("readme.txt", "hello")
        return out.getvalue()
    if name == "cut.docx":
        return docx_bytes("000")[:5000]
    if name == "random.bin":
        return random.Random(7).randbytes(20000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>')
    return out.getvalue()


def test_doc_without_libreoffice_says_so(monkeypatch):
    body = doc_bytes("000")  # made (or taken from the cache) while LibreOffice is there
    monkeypatch.setenv("PATH", "/nonexistent")
    doc = read_legacy(body, "doc")
    assert doc.error and "LibreOffice (soffice) is not installed" in doc.error
    e = extract_document(body)
    assert e.cells == [] and "LibreOffice (soffice) is not installed" in e.warnings[0]


def test_libreoffice_that_takes_too_long_is_stopped(monkeypatch):
    from extract.readers import office

    doc = doc_bytes("001")  # made (or taken from the cache) before the limit
    monkeypatch.setattr(office, "TIMEOUT", 0.2)
    e = extract_document(doc)
    assert e.cells == [] and e.warnings == ["DOC not read: LibreOffice did not finish within 0.2 s"]


def test_python_m_extract_reads_documents(tmp_path):
    files = []
    for kind in ("pdf", "docx", "ofd"):
        path = tmp_path / f"000.{kind}"
        path.write_bytes(rendition("000", kind))
        files.append(str(path))
    proc = subprocess.run([sys.executable, "-m", "extract", *files], capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["source_kind"] for r in records] == ["pdf", "docx", "ofd"]
    for r in records:
        assert r["source"] in files and r["layout"] == "2019" and len(r["cells"]) == 198
        assert all("confidence" not in c for c in r["cells"])
