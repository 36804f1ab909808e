"""``text_vs_table`` end to end: a builder's report whose prose states its table's figures, or not."""

from __future__ import annotations

import pytest

from extract import codebook as cb
from extract import statements as st
from extract.checks import failures
from extract.model import Cell, Line
from extract.pipeline import extract
from extract.text_checks import text_vs_table
from tests.conftest import SHARED
from tests.extract import builders as b

F = b.figures()


def _total(row: str) -> int:
    return F[("requests", row, "total")]


def _text_checks(**kw):
    ex = extract(b.html_report(**kw), "text/html")
    return ex, [c for c in ex.checks if c.check == "text_vs_table"]


def test_received_settled_and_carried_forward_are_checked_and_recorded_when_they_agree():
    new, done, fwd = _total("new_received"), _total("total_processed"), _total("carried_forward")
    sentence = f"本年度全区共收到{new}件申请，及时依法依规办结{done}件，{fwd}件结转下年度继续办理。"
    ex, got = _text_checks(overview=sentence)
    assert [(c.scope, c.expected, c.actual, c.passed) for c in got] == [
        ("requests.new_received.total", new, new, True),
        ("requests.total_processed.total", done, done, True),
        ("requests.carried_forward.total", fwd, fwd, True),
    ]
    assert all(c.evidence == sentence for c in got)
    assert not failures(ex.checks)


def test_a_mismatch_is_a_failed_check_with_both_values_and_the_sentence():
    new = _total("new_received")
    sentence = f"全年共收到政府信息公开申请{new + 3}件。"
    _, got = _text_checks(overview=sentence)
    (c,) = got
    assert (c.passed, c.expected, c.actual, c.difference) == (False, new + 3, new, 3)
    assert c.evidence == sentence
    assert c.detail.startswith(
        f"text_vs_table requests.new_received.total: 正文 text 收到申请 received {new + 3} != "
    )
    assert "section 1, line 1" in c.detail


def test_received_may_count_the_carried_over_requests_in():
    both = _total("new_received") + _total("carried_over")
    _, got = _text_checks(overview=f"全年共收到政府信息公开申请{both}件。")
    assert [(c.passed, c.actual) for c in got] == [(True, both)]
    assert "new_received + carried_over" in got[0].detail


def test_documents_by_disclosure_attribute_are_not_compared():
    _, got = _text_checks(overview="制发政府信息487条，其中主动公开117条、依申请公开274条、不予公开96条。")
    assert got == []
    # beside a requests table of zeros, "未收到过信息公开申请" agrees and the 14条 is no request count
    zeros = [
        Cell("requests", r, c, 0, "0", {})
        for r in cb.REQUESTS_2021.row_keys
        for c in cb.REQUESTS_2021.column_keys
    ]
    lines = [Line("依申请公开信息数14条，未收到过信息公开申请。", {})]
    got = text_vs_table(st.find_statements(lines, 1, 2023), zeros)
    assert [(c.scope, c.expected, c.actual, c.passed) for c in got] == [
        ("requests.new_received.total", 0, 0, True)
    ]


def test_review_litigation_and_rules_against_their_cells():
    review = F[("review_litigation", "review", "total")]
    suits = (
        F[("review_litigation", "litigation_direct", "total")]
        + F[("review_litigation", "litigation_after_review", "total")]
    )
    issued = F[("active", "normative_documents", "issued")]
    text = (
        f"因政府信息公开被申请行政复议{review}件、提起行政诉讼{suits}件。本年度制发行政规范性文件{issued}件。"
    )
    _, got = _text_checks(overview=text)
    assert [(c.scope, c.passed) for c in got] == [
        ("review_litigation.review.total", True),
        ("review_litigation.litigation_direct+litigation_after_review.total", True),
        ("active.normative_documents.issued", True),
    ]


def test_outcome_groups_sum_their_rows():
    denied = sum(
        v for (t, r, c), v in F.items() if t == "requests" and r.startswith("denied_") and c == "total"
    )
    _, got = _text_checks(overview=f"收到申请若干，其中不予公开{denied}件。")
    assert [(c.scope, c.expected, c.passed) for c in got] == [("requests.denied_*.total", denied, True)]


def test_the_fee_sentence_against_the_fee_table():
    _, got = _text_checks(fee_table=True, other_text="本年度收取信息处理费0元。")
    assert [(c.scope, c.passed) for c in got] == [("processing_fee_yuan", True)]
    _, got = _text_checks(fee_table=True, other_text="本年度共收取信息处理费200元。")
    assert [(c.scope, c.expected, c.actual, c.passed) for c in got] == [
        ("processing_fee_yuan", 200, 0, False)
    ]


SAMPLES = SHARED / "samples" / "page-text"
#: statements compared per archived page text, each read by hand: "收到申请公开政府信息的要求6件" (hzs) and
#: "2020年度共受理2件依申请公开信息" (suping); "办理依申请公开30件" (zrz) and "受理办结2件" say too little
SAMPLE_STATEMENTS = {"fj-pingtan-hzs-2021": 1, "fj-pingtan-scj-2020": 0, "fj-pingtan-suping-2020": 1,
                     "fj-pingtan-zrz-2022": 0}  # fmt: skip


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"page-text samples not found at {SAMPLES}")
@pytest.mark.parametrize("name", sorted(SAMPLE_STATEMENTS))
def test_no_false_alarm_on_the_archived_page_texts(name):
    ex = extract((SAMPLES / f"{name}.txt").read_bytes(), name=f"{name}.txt")
    got = [c for c in ex.checks if c.check == "text_vs_table"]
    assert not failures(got), [c.detail for c in failures(got)]
    assert len(got) == SAMPLE_STATEMENTS[name]
