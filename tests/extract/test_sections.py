"""Sections as real department and township pages print them (issue 14)."""

from __future__ import annotations

import pytest

from extract.model import Line
from extract.pipeline import extract
from extract.sections import heading_number, is_fee_heading, split_sections
from tests.extract import builders as b


def test_a_fee_table_as_section_five_keeps_the_problems_and_the_other_matters():
    ex = extract(b.html_report(fee_table=True, other_text="无其他需要报告的事项。"), "text/html")
    r = ex.report
    assert r.processing_fee_yuan == 0.0  # from the fee table: the other matters say nothing of fees
    assert "信息处理费" in r.processing_fee_text
    assert r.sections["problems"] == "仍有不足。"
    assert r.sections["other"] == "无其他需要报告的事项。"
    assert (
        "信息处理费" not in r.sections["review_litigation"]
        and "仍有不足" not in r.sections["review_litigation"]
    )
    assert r.status == "ok" and not r.warnings
    form = {c.check: c.passed for c in ex.checks if c.check in ("sections_in_order", "fee_statement")}
    assert form == {"sections_in_order": True, "fee_statement": True}


def test_a_fee_sentence_wins_over_the_fee_table():
    ex = extract(b.html_report(fee_table=True, other_text="本年度收取信息处理费0元。"), "text/html")
    assert ex.report.processing_fee_text == "本年度收取信息处理费0元"


def test_heading_six_with_attached_tables():
    ex = extract(b.html_report(other_heading="六、需要说明的其他事项与附表"), "text/html")
    assert ex.report.sections["problems"] == "仍有不足。"
    assert ex.report.sections["other"] == "本年度未收取信息处理费。"


def test_merged_other_sub_rows_are_stored_as_other_with_a_warning():
    ex = extract(b.html_report(merged_other=True), "text/html")
    rows = {c.row for c in ex.cells if c.table == "requests"}
    assert "other" in rows and not rows & {"other_no_correction", "other_no_fee_paid", "other_other"}
    want = b.figures("2021", collapsed_other=True)
    assert all(
        ex.value("requests", "other", c) == want[("requests", "other", c)]
        for c in ("natural_person", "total")
    )
    merged = [w for w in ex.report.warnings if w.startswith("requests.other:")]
    assert len(merged) == 1 and "rowspan" in merged[0]
    assert all(c.passed for c in ex.checks)


def test_one_printed_other_row_is_not_a_merge():
    ex = extract(b.html_report(collapsed_other=True), "text/html")
    assert ex.report.format == "2021"
    assert not [w for w in ex.report.warnings if w.startswith("requests.other:")]


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("六、需要说明的其他事项与附表", 6),
        ("六、存在的主要问题及改进情况", 5),  # shifted by a fee section
        ("七、其他需要报告的事项", 6),
        ("五、存在的主要问题及整改措施", 5),
        ("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况", 4),
        ("四、政府信息公开行政法复议、行政诉讼情况", 4),
        ("四、结转下年度继续办理", None),  # a requests row, not a heading
        ("三、本年度办理结果", None),
        ("五、信息处理费收取情况", None),
    ],
)
def test_heading_variants(heading, number):
    assert heading_number(heading) == number


def test_fee_headings():
    assert is_fee_heading("五、信息处理费收取情况")
    assert is_fee_heading("五、政府信息公开收费及减免情况")
    assert not is_fee_heading("六、其他需要报告的事项")
    assert not is_fee_heading("二、主动公开政府信息情况")


def test_a_fee_heading_before_section_four_is_prose():
    lines = [Line(t, {}) for t in ("一、总体情况", "五、信息处理费收取情况", "正文。")]
    secs = split_sections(lines)
    assert secs.fee_heading is None and [ln.text for ln in secs.lines(1)] == [
        "五、信息处理费收取情况",
        "正文。",
    ]
