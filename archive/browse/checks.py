"""A stored 勾稽 check in words, and the cells it is about (highlighted on the report page)."""
from __future__ import annotations

from archive.report_format import APPLICANT_LABELS, REVIEW_ROW_LABELS, application_row_label
from extract.tables.schema import APPLICATION_COLS, REVIEW_COLS

STATUS_WORDS = {"ok": "通过", "failed": "不符", "not_assessable": "无法核对（一侧有空白）"}


def describe(check: dict) -> str:
    rule, row, col = check["rule"], check.get("row_code"), check.get("col_code")
    if rule == "applications_balance":
        return f"第一项加第二项之和，等于第三项加第四项之和（{APPLICANT_LABELS.get(col, col)}列）"
    if rule == "applications_results_sum":
        return f"三、本年度办理结果（一）至（六）之和等于（七）总计（{APPLICANT_LABELS.get(col, col)}列）"
    if rule == "applications_row_sum":
        return f"{_row(row)}：各类申请人之和等于总计"
    if rule == "review_litigation_row_sum":
        return f"{REVIEW_ROW_LABELS.get(row, row)}：结果维持、结果纠正、其他结果、尚未审结之和等于总计"
    where = ".".join(p for p in (check.get("table_code"), row, col) if p)
    return f"{rule}{f'（{where}）' if where else ''}"


def _row(row: str | None) -> str:
    try:
        return application_row_label(row)
    except KeyError:
        return row or ""


def cells_of(check: dict, printed: set[str]) -> set[str]:
    """The codes, among the printed grid's, whose numbers the check adds up."""
    rule, table, row, col = check["rule"], check.get("table_code"), check.get("row_code"), check.get("col_code")
    if rule == "applications_balance":
        codes = {f"applications.{r}.{col}" for r in ("new", "carried_over", "total", "carried_forward")}
    elif rule == "applications_results_sum":
        codes = {c for c in printed if c.startswith("applications.") and c.endswith(f".{col}")
                 and c.split(".")[1] not in ("new", "carried_over", "carried_forward")}
    elif rule == "applications_row_sum":
        codes = {f"applications.{row}.{c}" for c in APPLICATION_COLS}
    elif rule == "review_litigation_row_sum":
        codes = {f"review_litigation.{row}.{c}" for c in REVIEW_COLS}
    else:
        codes = {f"{table}.{row}.{col}"} if table and row and col else set()
    return codes & printed


def side(value) -> str:
    return "空白" if value is None else str(value)
