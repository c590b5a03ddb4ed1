"""Records the extractor produces: plain classes, so that every stage can be tested offline."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Optional, Union

Number = Union[int, float]


class ByFields:
    """Equal, hashed, shown and pickled by its fields, as a dataclass would be. Records are plain
    classes, not dataclasses: compiled (native/build.py), a class's own __init__ is native code
    while a dataclass's generated one stays interpreted, and a report page makes ~300 cells."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def _fields(self) -> tuple:
        """The values of FIELDS, in order (a record made by the ~200 a page overrides it: no getattr)."""
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ByFields) and type(other) is type(self) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self.FIELDS, self._fields()))
        return f"{type(self).__name__}({shown})"

    def __reduce__(self):
        # By its fields: reextract's workers send ~200 cells a page back to the writer, and the
        # default for slots (a state dict an object) took a tenth of the run.
        return type(self), self._fields()


class Cell(ByFields):
    """One cell of a statistical table, addressed by the codes of reference/report-schema.md."""

    FIELDS = ("table", "row", "col", "value", "raw", "confidence")
    __slots__ = FIELDS

    table: str  # active | applications | review_litigation
    row: str
    col: str
    value: Optional[Number]  # None = blank as printed ("", "/", "-", "—", "无"); never 0 for a blank
    raw: str  # the text as printed, whitespace trimmed
    confidence: Optional[float]  # OCR only: how sure the reading is (0–1)

    def __init__(self, table: str, row: str, col: str, value: Optional[Number], raw: str,
                 confidence: Optional[float] = None) -> None:
        self.table = table
        self.row = row
        self.col = col
        self.value = value
        self.raw = raw
        self.confidence = confidence

    def _fields(self) -> tuple:
        return (self.table, self.row, self.col, self.value, self.raw, self.confidence)

    @property
    def code(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"

    def as_json(self) -> dict:
        # Not dataclasses.asdict: it deep-copies, a fifth of reextract's time over 200 cells a page.
        d: dict[str, object] = {"table": self.table, "row": self.row, "col": self.col, "value": self.value,
                                "raw": self.raw}
        if self.confidence is not None:
            d["confidence"] = self.confidence
        return d


class Check(ByFields):
    """A 勾稽关系 check: ok, failed (both sides kept) or not_assessable (a blank on a side)."""

    FIELDS = ("rule", "status", "lhs", "rhs", "table", "row", "col")
    __slots__ = FIELDS

    rule: str
    status: str  # ok | failed | not_assessable
    lhs: Optional[Number]
    rhs: Optional[Number]
    table: str
    row: str
    col: str

    def __init__(self, rule: str, status: str, lhs: Optional[Number], rhs: Optional[Number], table: str = "",
                 row: str = "", col: str = "") -> None:
        self.rule = rule
        self.status = status
        self.lhs = lhs
        self.rhs = rhs
        self.table = table
        self.row = row
        self.col = col

    def _fields(self) -> tuple:
        return (self.rule, self.status, self.lhs, self.rhs, self.table, self.row, self.col)

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
