"""``text_vs_table``: each figure the prose states against the table cell it names.

The prose is the report's own summary of its tables, so a difference is a
finding about the report, as a failed sum is.  One result per statement,
passed ones included; the sentence is kept as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import codebook as cb
from . import statements as st
from .model import Cell, CheckResult

Key = tuple[str, str, str]

CHECK = "text_vs_table"

_R = "requests"
_DENIED = tuple(r for r in cb.OUTCOME_ROWS_2021 if r.startswith("denied_"))
_UNAVAILABLE = tuple(r for r in cb.OUTCOME_ROWS_2021 if r.startswith("unavailable_"))
_REJECTED = tuple(r for r in cb.OUTCOME_ROWS_2021 if r.startswith("rejected_"))
_OTHER_2021 = ("other_no_correction", "other_no_fee_paid", "other_other")


def _total(*rows: str) -> tuple[Key, ...]:
    return tuple((_R, r, "total") for r in rows)


#: kind -> (scope, cells summed); the first alternative whose cells the report prints is used
CELLS: dict[str, tuple[tuple[str, tuple[Key, ...]], ...]] = {
    st.RECEIVED: (("requests.new_received.total", _total("new_received")),),
    st.CARRIED_OVER: (("requests.carried_over.total", _total("carried_over")),),
    # 办结 = the requests settled this year: every outcome row, i.e. （七）总计, never 结转
    st.PROCESSED: (("requests.total_processed.total", _total("total_processed")),),
    st.CARRIED_FORWARD: (("requests.carried_forward.total", _total("carried_forward")),),
    st.GRANTED: (("requests.granted.total", _total("granted")),),
    st.PARTIALLY_GRANTED: (("requests.partially_granted.total", _total("partially_granted")),),
    st.GRANTED_OR_PARTIAL: (
        ("requests.granted+partially_granted.total", _total("granted", "partially_granted")),
    ),
    st.DENIED: (("requests.denied_*.total", _total(*_DENIED)),),
    st.UNAVAILABLE: (("requests.unavailable_*.total", _total(*_UNAVAILABLE)),),
    st.REJECTED: (("requests.rejected_*.total", _total(*_REJECTED)),),
    st.OTHER_PROCESSING: (
        ("requests.other.total", _total("other")),
        ("requests.other_*.total", _total(*_OTHER_2021)),
    ),
    st.REVIEW: (("review_litigation.review.total", (("review_litigation", "review", "total"),)),),
    st.LITIGATION: (
        (
            "review_litigation.litigation_direct+litigation_after_review.total",
            (
                ("review_litigation", "litigation_direct", "total"),
                ("review_litigation", "litigation_after_review", "total"),
            ),
        ),
    ),  # fmt: skip
    st.NORMATIVE_ISSUED: (
        ("active.normative_documents.issued", (("active", "normative_documents", "issued"),)),
        ("active.normative_documents.made", (("active", "normative_documents", "made"),)),
    ),
    st.NORMATIVE_IN_FORCE: (
        ("active.normative_documents.in_force", (("active", "normative_documents", "in_force"),)),
    ),
}

#: what the prose figure is called in a result's detail
_SAID = {
    st.RECEIVED: "收到申请 received", st.CARRIED_OVER: "上年结转 carried over", st.PROCESSED: "办结 settled",
    st.CARRIED_FORWARD: "结转下年 carried forward", st.GRANTED: "予以公开 granted",
    st.PARTIALLY_GRANTED: "部分公开 partially granted", st.GRANTED_OR_PARTIAL: "予以公开及部分公开 granted",
    st.DENIED: "不予公开 denied", st.UNAVAILABLE: "无法提供 unavailable", st.REJECTED: "不予处理 not processed",
    st.OTHER_PROCESSING: "其他处理 other", st.REVIEW: "行政复议 reviews", st.LITIGATION: "行政诉讼 suits",
    st.NORMATIVE_ISSUED: "制发规范性文件 issued", st.NORMATIVE_IN_FORCE: "现行有效规范性文件 in force",
    st.FEE: "信息处理费 fee (元)",
}  # fmt: skip


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def _table_value(values: dict[Key, float | int | None], keys: Iterable[Key]) -> tuple[float, bool] | None:
    keys = list(keys)
    if not all(k in values for k in keys):
        return None
    got = [values[k] for k in keys]
    return sum(v for v in got if v is not None), any(v is None for v in got)


def _result(s: st.Statement, scope: str, actual: float, blanks: bool, note: str = "") -> CheckResult:
    diff = s.value - actual
    ok = abs(diff) < 1e-6
    where = f"({cb.SECTIONS[s.section - 1][2][0]} 第{s.line}行; section {s.section}, line {s.line})"
    detail = (
        f"{CHECK} {scope}: 正文 text {_SAID[s.kind]} {_num(s.value)} {'==' if ok else '!='} "
        f"表格 table {note}{_num(actual)} {where}"
    )
    return CheckResult(
        CHECK, scope, _num(s.value), _num(actual), _num(diff), blanks, ok, detail, evidence=s.sentence
    )


def text_vs_table(
    statements: list[st.Statement], cells: list[Cell], table_fee_yuan: float | None = None
) -> list[CheckResult]:
    """One result per statement whose cells the report prints (the fee: its fee table)."""
    values = {(c.table, c.row, c.col): c.value for c in cells}
    out: list[CheckResult] = []
    for s in st.unambiguous(statements):
        if s.kind == st.FEE:
            if table_fee_yuan is not None:
                yuan = s.value * 10000 if s.unit == "万元" else s.value
                out.append(_result(st.Statement(s.kind, yuan, "元", s.sentence, s.section, s.line),
                                   "processing_fee_yuan", table_fee_yuan, False, "信息处理费收取情况 "))  # fmt: skip
            continue
        for scope, keys in CELLS[s.kind]:
            got = _table_value(values, keys)
            if got is None:
                continue
            actual, blanks = got
            if s.kind == st.RECEIVED and abs(s.value - actual) > 1e-6:
                # "全区收到申请75件" often counts last year's carried-over requests in
                with_carried = _table_value(values, keys + _total("carried_over"))
                if with_carried and abs(s.value - with_carried[0]) < 1e-6:
                    out.append(
                        _result(s, scope, with_carried[0], with_carried[1], "new_received + carried_over ")
                    )
                    break
            out.append(_result(s, scope, actual, blanks))
            break
    return out
