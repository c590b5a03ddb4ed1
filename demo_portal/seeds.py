"""The seed reports (demo_portal/seeds/*.txt, real reports as text) and their table cells
(*.cells.tsv, written by hand): the material every demo site is built from."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).parent / "seeds"
_TABLES_START = re.compile(r"^第二十[条條]第")
_TABLES_END = re.compile(r"^[五][、.．]")


@dataclass(frozen=True)
class SeedCell:
    table: str
    row: str
    col: str
    value: int | float | None
    raw: str


def seed_path(seed_id: str) -> Path:
    matches = sorted(SEEDS_DIR.glob(f"{seed_id}*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(f"seed {seed_id!r}: expected one file in {SEEDS_DIR}, found {len(matches)}")
    return matches[0]


def seed_text(seed_id: str) -> str:
    return seed_path(seed_id).read_text(encoding="utf-8")


def _parse_value(text: str) -> int | float | None:
    if text == "null":
        return None
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def seed_cells(seed_id: str) -> list[SeedCell]:
    """The hand-written expected cells of a seed (header line, `#` comments, value `null` = blank)."""
    path = SEEDS_DIR / f"{seed_id}.cells.tsv"
    cells = []
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#") or line.startswith("table\t"):
            continue
        parts = line.split("\t")
        if len(parts) == 4:
            parts.append("")
        if len(parts) != 5:
            raise ValueError(f"{path}:{n}: expected 5 tab-separated fields, got {len(parts)}")
        table, row, col, value, raw = parts
        cells.append(SeedCell(table, row, col, _parse_value(value), raw))
    return cells


@dataclass(frozen=True)
class SeedParts:
    before: list[str]  # prose lines before the tables
    after: list[str]  # prose lines after them


def split_seed(text: str, drop: set[int] = frozenset()) -> SeedParts:
    """Cut a seed into the prose around its table region (二、主动公开… up to 五、…).

    `drop` holds line numbers rendered elsewhere on the page (the title, the metadata block).
    """
    lines = text.split("\n")
    squeezed = [re.sub(r"\s+", "", line) for line in lines]
    first = next(i for i, s in enumerate(squeezed) if _TABLES_START.match(s))
    start = max(i for i in range(first) if "主动公开政府信息情况" in squeezed[i] or "主動公開政府信息情況" in squeezed[i])
    end = next(i for i in range(first, len(lines)) if _TABLES_END.match(squeezed[i]))

    def keep(rng):
        return [lines[i].strip() for i in rng if i not in drop and squeezed[i]]

    return SeedParts(before=keep(range(start)), after=keep(range(end, len(lines))))
