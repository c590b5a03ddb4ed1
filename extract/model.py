"""Records the extractor produces. Plain dataclasses so that every stage can be tested offline."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

Number = Union[int, float]


# Not frozen: a frozen dataclass is built through object.__setattr__, 2.0 µs against 0.36 µs a
# cell, and a report page makes ~300. Treated as immutable all the same (hashable by value).
@dataclass(slots=True, unsafe_hash=True)
class Cell:
    """One cell of a statistical table, addressed by the codes of reference/report-schema.md."""

    table: str  # active | applications | review_litigation
    row: str
    col: str
    value: Optional[Number]  # None = blank as printed ("", "/", "-", "—", "无"); never 0 for a blank
    raw: str  # the text as printed, whitespace trimmed
    confidence: Optional[float] = None  # OCR only: how sure the reading is (0–1)

    def __reduce__(self):
        # Pickled by its fields: reextract's workers send ~200 cells a page back to the writer, and
        # the default for slots (a state dict a cell) took a tenth of the run.
        return Cell, (self.table, self.row, self.col, self.value, self.raw, self.confidence)

    @property
    def code(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"

    def as_json(self) -> dict:
        # Not dataclasses.asdict: it deep-copies, a fifth of reextract's time over 200 cells a page.
        d = {"table": self.table, "row": self.row, "col": self.col, "value": self.value, "raw": self.raw}
        if self.confidence is not None:
            d["confidence"] = self.confidence
        return d


@dataclass(slots=True, unsafe_hash=True)
class Check:
    """A 勾稽关系 check: ok, failed (both sides kept) or not_assessable (a blank on a side)."""

    rule: str
    status: str  # ok | failed | not_assessable
    lhs: Optional[Number]
    rhs: Optional[Number]
    table: str = ""
    row: str = ""
    col: str = ""

    def __reduce__(self):  # as Cell's
        return Check, (self.rule, self.status, self.lhs, self.rhs, self.table, self.row, self.col)

    def as_json(self) -> dict:
        d: dict[str, object] = {"rule": self.rule}
        if self.table:
            d["table"] = self.table
        if self.row:
            d["row"] = self.row
        if self.col:
            d["col"] = self.col
        d.update(status=self.status, lhs=self.lhs, rhs=self.rhs)
        return d


@dataclass
class TablesResult:
    layout: Optional[str] = None  # "2019" | "2021" | None when no table was recognised
    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
