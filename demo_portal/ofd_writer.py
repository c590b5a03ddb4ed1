"""An OFD (GB/T 33190) rendition of a PDF, made from the PDF's own geometry: every text line a
TextObject, every ruling a PathObject, in millimetres — the objects OFD exports of Word documents
are made of. For the demo and the tests: no OFD writer is packaged for Python."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

_MM = 25.4 / 72
_NS = "http://www.ofdspec.org/2016"


def ofd_from_pdf(pdf: bytes) -> bytes:
    import pdfplumber

    parts: dict[str, str] = {}
    page_refs = []
    next_id = [10]

    def new_id() -> int:
        next_id[0] += 1
        return next_id[0]

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        width, height = doc.pages[0].width * _MM, doc.pages[0].height * _MM
        for n, page in enumerate(doc.pages):
            objects = []
            for line in page.extract_text_lines(strip=True):
                for word in _words(line):
                    x0, top, x1, bottom = (v * _MM for v in (word["x0"], word["top"], word["x1"], word["bottom"]))
                    size = (bottom - top) or 3.5
                    objects.append(
                        f'<ofd:TextObject ID="{new_id()}" Boundary="{x0:.2f} {top:.2f} {x1 - x0:.2f} {bottom - top:.2f}" '
                        f'Font="1" Size="{size:.2f}"><ofd:TextCode X="0" Y="{size * 0.85:.2f}">'
                        f'{escape(word["text"])}</ofd:TextCode></ofd:TextObject>')
            for edge in page.edges:
                x0, top, x1, bottom = (v * _MM for v in (edge["x0"], edge["top"], edge["x1"], edge["bottom"]))
                w, h = x1 - x0, bottom - top
                objects.append(
                    f'<ofd:PathObject ID="{new_id()}" Boundary="{x0:.2f} {top:.2f} {max(w, 0.1):.2f} {max(h, 0.1):.2f}" '
                    f'LineWidth="0.25"><ofd:AbbreviatedData>M 0 0 L {w:.2f} {h:.2f}</ofd:AbbreviatedData></ofd:PathObject>')
            parts[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_NS}"><ofd:Content>'
                f'<ofd:Layer ID="{new_id()}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
            page_refs.append(f'<ofd:Page ID="{new_id()}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    parts["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_NS}" Version="1.0" DocType="OFD">'
        '<ofd:DocBody><ofd:DocInfo><ofd:DocID>demo</ofd:DocID><ofd:Creator>govarchive demo</ofd:Creator></ofd:DocInfo>'
        '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    parts["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_NS}"><ofd:CommonData>'
        f'<ofd:MaxUnitID>{next_id[0]}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {width:.2f} {height:.2f}'
        '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>')
    parts["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="1" FontName={quoteattr("宋体")} FamilyName={quoteattr("宋体")}/></ofd:Fonts></ofd:Res>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2021, 1, 18, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, xml.encode("utf-8"))
    return out.getvalue()


def _words(line: dict) -> list[dict]:
    """A text line cut where its characters leave a gap wider than about half a character (separate
    cells: separate text objects, as a layout engine writes them); a narrower gap over 3 pt is a
    space. (1.5 characters joined 其 of a wrapped 其他 header to 计 of 总计 in the next cell.)"""
    out: list[dict] = []
    for ch in line.get("chars") or []:
        if not ch["text"].strip():
            continue
        gap = ch["x0"] - out[-1]["x1"] if out else None
        if gap is not None and gap <= max(4.0, (ch["x1"] - ch["x0"]) * 0.6):
            w = out[-1]
            w["text"] += (" " if gap > 3 else "") + ch["text"]
            w["x1"], w["top"], w["bottom"] = ch["x1"], min(w["top"], ch["top"]), max(w["bottom"], ch["bottom"])
        else:
            out.append({"text": ch["text"], "x0": ch["x0"], "x1": ch["x1"], "top": ch["top"], "bottom": ch["bottom"]})
    return out
