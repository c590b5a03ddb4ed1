"""One table cell's text → (value, raw), by the value rules of reference/report-schema.md.

Blank is not zero: "", whitespace, "/", "-", "—", "无" give None. A leading number is the value;
a unit (项, 件, 万元 …) or a note in brackets after it stays only in raw. Money columns are
stored in 万元.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from extract.model import Number

# str.strip() already removes U+2002, U+3000, U+00A0; zero-width characters are not whitespace.
_STRIP = " \t\r\n\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
         "\u200a\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"

BLANKS = frozenset({"", "/", "／", "\\", "-", "－", "—", "——", "–", "―", "无", "無"})

# Full-width digits and signs as printed by Word/WPS in Chinese documents.
_HALF = str.maketrans("０１２３４５６７８９．＋－，（）", "0123456789.+-,()")

_NUMBER = re.compile(r"([+-]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(.*)", re.S)

# Units that may follow a count; anything else after the digits (年, 月, /2024 …) means "not a value".
_COUNT_UNITS = frozenset({"", "项", "件", "个", "条", "次", "人次", "家", "宗", "份", "人", "笔"})
# Money units → factor to 万元.
_MONEY_UNITS: dict[str, Decimal | int] = {"": 1, "万元": 1, "万": 1, "元": Decimal("0.0001"), "亿元": 10000, "亿": 10000}


def clean(text: str) -> str:
    """The text as printed, outer whitespace (incl. en/ideographic/no-break/zero-width) trimmed."""
    return text.strip(_STRIP)


def is_blank(text: str) -> bool:
    return clean(text) in BLANKS


_STARTS = frozenset("0123456789+-０１２３４５６７８９＋－")
_MAX_VALUE = 60  # a longer text is prose, not one cell's value


def _split(text: str):
    """(sign, digits, fraction, unit) of a text starting with a number, else None."""
    text = clean(text)
    if not text or text[0] not in _STARTS or len(text) > _MAX_VALUE:
        return None  # cheap rejection: most cells seen are labels and prose
    m = _NUMBER.fullmatch(text.translate(_HALF))
    if not m:
        return None
    sign, digits, frac, rest = m.groups()
    unit, note = rest, ""
    paren = rest.find("(")
    if paren >= 0:  # a note in brackets: 22（其中修订16件）
        unit, note = rest[:paren], rest[paren:]
        if not note.endswith(")"):
            return None
    unit = unit.strip(_STRIP)
    return sign, digits.replace(",", ""), frac or "", unit


def parse_number(text: str, money: bool = False) -> Optional[Number]:
    """The number a cell holds, or None when it holds none (blank or words)."""
    parts = _split(text)
    if parts is None:
        return None
    sign, digits, frac, unit = parts
    if money:
        factor = _MONEY_UNITS.get(unit)
        if factor is None:
            return None
        d = Decimal(sign + digits + frac) * factor
        if d == d.to_integral_value() and not frac:
            return int(d)
        return float(d)
    if unit not in _COUNT_UNITS and unit not in _MONEY_UNITS:
        return None
    if frac:
        return float(sign + digits + frac)
    return int(sign + digits)


def is_number(text: str) -> bool:
    """True when the cell text starts with a number in a form any column accepts."""
    parts = _split(text)
    return parts is not None and (parts[3] in _COUNT_UNITS or parts[3] in _MONEY_UNITS)


@lru_cache(maxsize=8192)
def kind(text: str) -> str:
    """'blank', 'number' or 'text' (a label or prose): cached, the same few values recur in every table."""
    if is_blank(text):
        return "blank"
    return "number" if is_number(text) else "text"


@lru_cache(maxsize=8192)
def parse_cell(text: str, money: bool = False) -> tuple[Optional[Number], str]:
    """(value, raw): value None for a blank (and for words, which callers keep out of value cells)."""
    raw = clean(text)
    if raw in BLANKS:
        return None, raw
    return parse_number(raw, money=money), raw
