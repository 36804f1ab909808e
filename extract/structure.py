"""Checks of the report's form, as the national format sets it: the six sections in
their order, a title naming the year the figures cover, and (2021 format) a word
on the 信息处理费 charged.  Like the table sums, a failure is a finding about the
report; each result keeps what it was judged on (the headings, the title and the
period sentence, the fee sentence) as its evidence.

The publication deadline is the DuckDB view ``timeliness``, not a check here.
"""

from __future__ import annotations

from .codebook import SECTIONS
from .model import CheckResult, Line

SECTIONS_IN_ORDER = "sections_in_order"
TITLE_YEAR = "title_year"
FEE_STATEMENT = "fee_statement"

_NUMERAL = {n: title[0] for n, _, title, _ in SECTIONS}


def sections_in_order(order: list[tuple[int, Line]]) -> CheckResult:
    """``order``: the headings as printed (``sections.heading_order``)."""
    numbers = [n for n, _ in order]
    in_order = [n for i, n in enumerate(numbers) if all(m < n for m in numbers[:i])]
    missing = [n for n in range(1, 7) if n not in numbers]
    misplaced = [n for n in numbers if n not in in_order]
    ok = not missing and not misplaced
    notes = []
    if missing:
        notes.append(f"缺 missing {'、'.join(_NUMERAL[n] for n in missing)}")
    if misplaced:
        notes.append(f"顺序错 out of order {'、'.join(_NUMERAL[n] for n in misplaced)}")
    detail = f"{SECTIONS_IN_ORDER}: 6 sections expected, {len(in_order)} in order" + (
        f"; {'; '.join(notes)}" if notes else ""
    )
    evidence = " | ".join(line.text.strip() for _, line in order)
    return CheckResult(SECTIONS_IN_ORDER, "report", 6, len(in_order), 6 - len(in_order), False, ok, detail,
                       evidence=evidence)  # fmt: skip


def title_year(
    title: str | None, title_year: int | None, period: tuple[int, str] | None
) -> CheckResult | None:
    """The title's year against the statistics period (本报告所列数据的统计期限自YYYY年1月1日…);
    None when either is not printed."""
    if title is None or title_year is None or period is None:
        return None
    year, sentence = period
    ok = year == title_year
    detail = f"{TITLE_YEAR}: 统计期限 period {year} {'==' if ok else '!='} 标题 title {title_year}"
    return CheckResult(TITLE_YEAR, "report", year, title_year, year - title_year, False, ok, detail,
                       evidence=f"{title} | {sentence}")  # fmt: skip


def fee_statement(fmt: str | None, fee_yuan: float | None, fee_text: str | None) -> CheckResult | None:
    """The 2021 format asks section 六 to say what 信息处理费 was charged (国办公开办函〔2021〕30号);
    the 2019 format did not, so it is not checked there."""
    if fmt != "2021":
        return None
    ok = fee_yuan is not None
    detail = f"{FEE_STATEMENT}: 信息处理费 fee " + (f"stated, {fee_yuan:g} 元" if ok else "not stated")
    return CheckResult(FEE_STATEMENT, "other", 1, int(ok), 1 - int(ok), False, ok, detail,
                       evidence=fee_text or "")  # fmt: skip
