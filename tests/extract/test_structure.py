"""The form checks (extract/structure.py): six sections in order, the title's year, the fee statement."""

from __future__ import annotations

from extract import codebook as cb
from extract.model import Line
from extract.pipeline import extract
from extract.sections import heading_order
from extract.structure import fee_statement, sections_in_order
from tests.extract import builders as b

HEADINGS = [title for _, _, title, _ in cb.SECTIONS]


def _order(*numbers: int) -> list:
    return heading_order([Line(HEADINGS[n - 1], {}) for n in numbers])


def test_six_sections_in_order():
    r = sections_in_order(_order(1, 2, 3, 4, 5, 6))
    assert r.passed and (r.expected, r.actual) == (6, 6)
    assert r.evidence.split(" | ") == HEADINGS


def test_a_missing_section_is_named():
    r = sections_in_order(_order(1, 2, 3, 4, 6))
    assert not r.passed and r.actual == 5 and "missing 五" in r.detail


def test_a_section_out_of_order_is_named():
    r = sections_in_order(_order(1, 3, 2, 4, 5, 6))
    assert not r.passed and r.actual == 5 and "out of order 二" in r.detail
    assert r.evidence.startswith("一、总体情况 | 三、")


def test_title_year_against_the_statistics_period():
    ok = [c for c in extract(b.html_report(), "text/html").checks if c.check == "title_year"]
    assert [(c.passed, c.expected) for c in ok] == [(True, 2023)]
    title = b.TITLE.replace("2023年", "2022年")
    (bad,) = [c for c in extract(b.html_report(title=title), "text/html").checks if c.check == "title_year"]
    assert not bad.passed and (bad.expected, bad.actual) == (2023, 2022)
    assert title in bad.evidence and "统计期限自2023年1月1日" in bad.evidence


def test_fee_statement_is_asked_of_the_2021_format_only():
    ex = extract(b.html_report(other_text="无。"), "text/html")
    (r,) = [c for c in ex.checks if c.check == "fee_statement"]
    assert not r.passed and "not stated" in r.detail
    ex = extract(b.html_report("2019", other_text="无。"), "text/html")
    assert not [c for c in ex.checks if c.check == "fee_statement"]
    r = fee_statement("2021", 0.0, "本年度未收取信息处理费")
    assert r.passed and r.evidence == "本年度未收取信息处理费"


def test_every_check_has_a_chinese_label():
    ex = extract(b.html_report(overview="全年共收到政府信息公开申请3件。"), "text/html")
    assert {c.check for c in ex.checks} <= set(cb.CHECKS)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in cb.check_label(c)) for c in cb.CHECKS)
