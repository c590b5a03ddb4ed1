"""extract.checks: 勾稽关系 reported as ok / failed (both sides) / not_assessable, never fixed."""
from extract.checks import carry_over_check, run_checks
from extract.model import Cell, Check
from extract.tables.schema import APPLICATION_COLS, application_rows

A = "applications"
R = "review_litigation"


def app_cells(layout="2019", values=None, per_col=None):
    """A consistent applications table: each row's natural_person and total, others 0."""
    values = values or {}
    cells = []
    for row in application_rows(layout):
        n = values.get(row, 0)
        for col in APPLICATION_COLS:
            v = n if col in ("natural_person", "total") else 0
            if per_col and (row, col) in per_col:
                v = per_col[(row, col)]
            cells.append(Cell(A, row, col, v, "" if v is None else str(v)))
    return cells


def by(checks, rule, **where):
    found = [c for c in checks if c.rule == rule and all(getattr(c, k) == v for k, v in where.items())]
    assert len(found) == 1, (rule, where, found)
    return found[0]


def test_consistent_2019_report_all_ok():
    cells = app_cells("2019", {"new": 5, "carried_over": 1, "granted": 3, "other": 1, "total": 4,
                               "carried_forward": 2})
    checks = run_checks("2019", cells)
    assert {c.status for c in checks} == {"ok"}
    assert len([c for c in checks if c.rule == "applications_balance"]) == 7
    assert len([c for c in checks if c.rule == "applications_results_sum"]) == 7
    assert len([c for c in checks if c.rule == "applications_row_sum"]) == len(application_rows("2019"))
    assert by(checks, "applications_balance", col="total") == Check(
        "applications_balance", "ok", 6, 6, table=A, col="total")
    assert by(checks, "applications_results_sum", col="natural_person").lhs == 4


def test_2021_results_sum_uses_the_three_other_rows():
    cells = app_cells("2021", {"new": 6, "granted": 2, "other_no_correction": 1, "other_no_fee": 1,
                               "other_other": 2, "total": 6})
    checks = run_checks("2021", cells)
    assert by(checks, "applications_results_sum", col="total") == Check(
        "applications_results_sum", "ok", 6, 6, table=A, row="total", col="total")
    assert not [c for c in checks if c.row == "other"]
    assert {c.status for c in checks} == {"ok"}


def test_sums_that_do_not_add_up_are_failed_with_both_sides_and_numbers_untouched():
    # The report prints new 10, carried_over 0, total 7, carried_forward 2: 10 != 9.
    cells = app_cells("2019", {"new": 10, "granted": 7, "total": 7, "carried_forward": 2})
    before = list(cells)
    checks = run_checks("2019", cells)
    assert by(checks, "applications_balance", col="total") == Check(
        "applications_balance", "failed", 10, 9, table=A, col="total")
    assert by(checks, "applications_balance", col="commercial").status == "ok"
    assert cells == before  # never "fixed"


def test_row_sum_failed_when_applicant_columns_miss_the_total():
    cells = app_cells("2019", per_col={("new", "natural_person"): 3, ("new", "commercial"): 1,
                                       ("new", "total"): 5})
    check = by(run_checks("2019", cells), "applications_row_sum", row="new")
    assert check == Check("applications_row_sum", "failed", 4, 5, table=A, row="new", col="total")


def test_blank_is_not_assessable_never_zero():
    cells = app_cells("2019", per_col={("new", "research"): None})
    checks = run_checks("2019", cells)
    bal = by(checks, "applications_balance", col="research")
    assert (bal.status, bal.lhs, bal.rhs) == ("not_assessable", None, 0)
    assert by(checks, "applications_row_sum", row="new").status == "not_assessable"
    assert by(checks, "applications_balance", col="total").status == "ok"


def test_absent_cell_is_not_assessable():
    cells = [c for c in app_cells("2019") if not (c.row == "carried_forward" and c.col == "total")]
    bal = by(run_checks("2019", cells), "applications_balance", col="total")
    assert (bal.status, bal.lhs, bal.rhs) == ("not_assessable", 0, None)
    assert by(run_checks("2019", cells), "applications_row_sum", row="carried_forward").status == "not_assessable"


def review_cells(rows):
    cols = ("upheld", "corrected", "other", "pending", "total")
    return [Cell(R, row, col, v, "" if v is None else str(v)) for row, vals in rows.items() for col, v in zip(cols, vals)]


def test_review_litigation_row_sum():
    cells = review_cells({"review": (0, 0, 0, 1, 1), "litigation_direct": (1, 1, 0, 0, 3),
                          "litigation_after_review": (0, 0, 0, 0, None)})
    checks = run_checks("2021", cells)
    assert [c for c in checks if c.table == A] == []  # no applications table, no applications checks
    assert by(checks, "review_litigation_row_sum", row="review") == Check(
        "review_litigation_row_sum", "ok", 1, 1, table=R, row="review", col="total")
    assert by(checks, "review_litigation_row_sum", row="litigation_direct") == Check(
        "review_litigation_row_sum", "failed", 2, 3, table=R, row="litigation_direct", col="total")
    assert by(checks, "review_litigation_row_sum", row="litigation_after_review").status == "not_assessable"


def test_no_cells_no_checks():
    assert run_checks(None, []) == []


def test_layout_unknown_uses_rows_present():
    checks = run_checks(None, app_cells("2021", {"other_other": 1, "total": 1}))
    assert by(checks, "applications_results_sum", col="total").status == "ok"


def test_float_money_does_not_disturb_counts():
    cells = app_cells("2019") + [Cell("active", "procurement", "amount", 7.98, "7.98万元")]
    assert {c.status for c in run_checks("2019", cells)} == {"ok"}


def test_carry_over_across_years():
    n = app_cells("2019", {"new": 3, "total": 1, "carried_forward": 2})
    n1 = app_cells("2021", {"carried_over": 2, "total": 2})
    checks = carry_over_check(n, n1)
    assert len(checks) == 7
    assert by(checks, "carry_over", col="natural_person") == Check(
        "carry_over", "ok", 2, 2, table=A, row="carried_forward", col="natural_person")
    n1_wrong = app_cells("2021", {"carried_over": 5, "total": 5})
    bad = by(carry_over_check(n, n1_wrong), "carry_over", col="total")
    assert (bad.status, bad.lhs, bad.rhs) == ("failed", 2, 5)
    blank = [c if c.row != "carried_over" else Cell(A, c.row, c.col, None, "") for c in n1]
    assert {c.status for c in carry_over_check(n, blank)} == {"not_assessable"}
    assert {c.status for c in carry_over_check(n, [])} == {"not_assessable"}


def test_checks_on_seed_cells_are_stable():
    """Seed 001 prints blanks through the applications table: every balance is not assessable."""
    from pathlib import Path

    from extract.tables import extract_tables_from_text

    text = Path(__file__).parents[1].joinpath("demo_portal/seeds/001_452541e5d8850dfa.txt").read_text("utf-8")
    res = extract_tables_from_text(text)
    checks = run_checks(res.layout, res.cells)
    assert {c.status for c in checks if c.rule == "applications_balance"} == {"not_assessable"}
    # new and carried_over print 0 in every column: those row sums hold.
    assert by(checks, "applications_row_sum", row="new").status == "ok"
    assert by(checks, "review_litigation_row_sum", row="litigation_after_review").status == "not_assessable"
