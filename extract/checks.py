"""The single-report consistency checks (勾稽关系) of the spec.

A failed check is a finding about the report, not an extraction error.  Null
cells count as 0, and the result says that blanks were involved, so a reader
can tell "does not add up" from "left blank".
"""

from __future__ import annotations

from collections.abc import Iterable

from . import codebook as cb
from .model import Cell, CheckResult

Values = dict[tuple[str, str, str], float | int | None]


def _index(cells: Iterable[Cell]) -> Values:
    return {(c.table, c.row, c.col): c.value for c in cells}


def _sum(values: Values, keys: list[tuple[str, str, str]]) -> tuple[float, bool, bool]:
    """(sum, any printed, any blank) over the keys; absent keys are not printed."""
    total, printed, blank = 0.0, False, False
    for k in keys:
        if k not in values:
            continue
        printed = True
        v = values[k]
        if v is None:
            blank = True
        else:
            total += v
    return total, printed, blank


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def _compare(check: str, scope: str, left, right, left_name: str, right_name: str) -> CheckResult | None:
    """left = expected (the sum of parts), right = actual (the printed total)."""
    (lv, lp, lb), (rv, rp, rb) = left, right
    if not (lp and rp):
        return None
    diff = lv - rv
    ok = abs(diff) < 1e-6
    detail = f"{check} {scope}: {left_name} {_num(lv)} {'==' if ok else '!='} {right_name} {_num(rv)}"
    return CheckResult(check, scope, _num(lv), _num(rv), _num(diff), lb or rb, ok, detail)


def run_checks(cells: list[Cell]) -> list[CheckResult]:
    v = _index(cells)
    out: list[CheckResult] = []
    R = "requests"
    outcome_keys = cb.OUTCOME_ROWS_2019 if any(k[:2] == (R, "other") for k in v) else cb.OUTCOME_ROWS_2021
    for col in cb.REQUESTS_2021.column_keys:
        r = _compare(
            "requests_balance",
            col,
            _sum(v, [(R, "new_received", col), (R, "carried_over", col)]),
            _sum(v, [(R, "total_processed", col), (R, "carried_forward", col)]),
            "new_received + carried_over",
            "total_processed + carried_forward",
        )
        if r:
            out.append(r)
        r = _compare(
            "requests_outcomes",
            col,
            _sum(v, [(R, row, col) for row in outcome_keys]),
            _sum(v, [(R, "total_processed", col)]),
            "sum",
            "total_processed",
        )
        if r:
            out.append(r)
    for row in cb.REQUESTS_2021.rows + cb.REQUESTS_2019.rows[-3:-2]:
        r = _compare(
            "requests_row_total",
            row.key,
            _sum(v, [(R, row.key, c) for c in cb.APPLICANT_COLUMNS]),
            _sum(v, [(R, row.key, "total")]),
            "sum of applicants",
            "total",
        )
        if r:
            out.append(r)
    T = "review_litigation"
    for row in cb.REVIEW_LITIGATION.row_keys:
        r = _compare(
            "review_litigation_total",
            row,
            _sum(v, [(T, row, c) for c in ("upheld", "corrected", "other", "pending")]),
            _sum(v, [(T, row, "total")]),
            "upheld + corrected + other + pending",
            "total",
        )
        if r:
            out.append(r)
    return out


def failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.passed]


def table_failures(results: list[CheckResult]) -> list[CheckResult]:
    """Failures of the table sums only: the prose and form checks judge the rest of the report."""
    return [r for r in failures(results) if r.check in cb.TABLE_CHECKS]
