"""The codes of reference/report-schema.md: rows and columns of the three tables, per layout."""
from __future__ import annotations

from functools import lru_cache

LAYOUTS = ("2019", "2021")

ACTIVE_COLS = {
    "2019": {
        "rules": ("made", "published", "total_public"),
        "normative_docs": ("made", "published", "total_public"),
        "licensing": ("prev_items", "change", "decisions"),
        "other_services": ("prev_items", "change", "decisions"),
        "penalty": ("prev_items", "change", "decisions"),
        "coercion": ("prev_items", "change", "decisions"),
        "fees": ("prev_items", "change"),
        "procurement": ("items", "amount"),
    },
    "2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative_docs": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
}

# Stored in 万元 whatever unit is printed.
MONEY = frozenset({("procurement", "amount"), ("fees", "amount")})

APPLICANT_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
APPLICATION_COLS = APPLICANT_COLS + ("total",)

RESULT_ROWS_COMMON = (
    "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_three_safety_stability",
    "denied_third_party", "denied_internal_affairs", "denied_process_info",
    "denied_enforcement_file", "denied_administrative_query",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "not_processed_complaint", "not_processed_repeat", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
)
OTHER_ROWS = {"2019": ("other",), "2021": ("other_no_correction", "other_no_fee", "other_other")}
# A 2021-layout report may still print （六）其他处理 as one row: stored as `other`.
ONE_ROW_OTHER = ("other",)


def result_rows(layout: str, one_row_other: bool = False) -> tuple[str, ...]:
    """The rows of 三、本年度办理结果 that sum to （七）总计."""
    return RESULT_ROWS_COMMON + (ONE_ROW_OTHER if one_row_other else OTHER_ROWS[layout])


def application_rows(layout: str, one_row_other: bool = False) -> tuple[str, ...]:
    return ("new", "carried_over") + result_rows(layout, one_row_other) + ("total", "carried_forward")


@lru_cache(maxsize=8)
@lru_cache(maxsize=None)
def expected_cells(layout: str, one_row_other: bool = False) -> tuple[tuple[str, str, str], ...]:
    """Every (table, row, col) a complete report of the layout prints: 198 (2019), 200 (2021), 186
    (2021 with a one-row （六）其他处理)."""
    out = [("active", row, col) for row, cols in ACTIVE_COLS[layout].items() for col in cols]
    out += [("applications", row, col) for row in application_rows(layout, one_row_other) for col in APPLICATION_COLS]
    out += [("review_litigation", row, col) for row, col in REVIEW_ORDER]
    return tuple(out)


REVIEW_ROWS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
# The table is printed as one row of 15 numbers in this order.
REVIEW_ORDER = tuple((r, c) for r in REVIEW_ROWS for c in REVIEW_COLS)
