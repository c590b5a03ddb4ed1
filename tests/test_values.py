"""extract.values: one cell's text → (value, raw) by the value rules of report-schema.md."""
import pytest

from extract.values import is_blank, is_number, parse_cell, parse_number


def typed(pair):
    value, raw = pair
    return (value, type(value).__name__, raw)


@pytest.mark.parametrize("text,expected", [
    ("0", (0, "int", "0")),
    ("17", (17, "int", "17")),
    ("21321", (21321, "int", "21321")),
    ("21,321", (21321, "int", "21,321")),
    ("7.98", (7.98, "float", "7.98")),
    ("10.0", (10.0, "float", "10.0")),        # float where the text is not an integer
    ("０", (0, "int", "０")),                  # full-width digits
    ("１２３", (123, "int", "１２３")),
    ("３．５", (3.5, "float", "３．５")),
    ("+185", (185, "int", "+185")),           # signed change
    ("-5", (-5, "int", "-5")),
    ("－7", (-7, "int", "－7")),
    ("＋3", (3, "int", "＋3")),
    ("32 项", (32, "int", "32 项")),
    ("2件", (2, "int", "2件")),
    ("22（其中修订16件）", (22, "int", "22（其中修订16件）")),  # note inside a cell
    ("22(其中修订16件)", (22, "int", "22(其中修订16件)")),
    ("\u3000\u30000", (0, "int", "0")),        # ideographic-space padding trimmed from raw
    ("\u20020", (0, "int", "0")),
    ("\xa012\xa0", (12, "int", "12")),
])
def test_numbers(text, expected):
    assert typed(parse_cell(text)) == expected


@pytest.mark.parametrize("text", ["", " ", "\u2002", "\u3000", "\xa0", "\t", "/", "-", "—", "无", " / ", "\u200b"])
def test_blanks_are_null_not_zero(text):
    value, raw = parse_cell(text)
    assert value is None
    assert raw == text.strip().strip("\u200b")
    assert is_blank(text)
    assert not is_number(text)


@pytest.mark.parametrize("text,expected", [
    ("7.98万元", (7.98, "float", "7.98万元")),
    ("251000元", (25.1, "float", "251000元")),
    ("6423.03 万", (6423.03, "float", "6423.03 万")),
    ("6423.03", (6423.03, "float", "6423.03")),   # a bare number is 万元
    ("12", (12, "int", "12")),
    ("0", (0, "int", "0")),
    ("0元", (0, "int", "0元")),
    ("250000元", (25, "int", "250000元")),        # integral 万元 from an integer text stays int
    ("1.5亿元", (15000.0, "float", "1.5亿元")),
    ("／", (None, "NoneType", "／")),
])
def test_money_in_wan_yuan(text, expected):
    assert typed(parse_cell(text, money=True)) == expected


def test_money_unit_only_in_money_columns():
    # In a count column a unit is only printed text: the value is the number as printed.
    assert parse_number("251000元") == 251000
    # A count unit is no money: the cell cannot be read as 万元.
    assert parse_number("32 项", money=True) is None


@pytest.mark.parametrize("text", [
    "规章", "本年增/减", "1.属于国家秘密", "3.其他", "2020年", "2024-01-17", "014314799/2024-00002",
    "(一)予以公开", "约2500", "5。", "12%",
])
def test_words_are_not_values(text):
    assert not is_number(text)
    assert not is_blank(text)
    assert parse_cell(text) == (None, text)
