"""Figures stated in prose (extract/statements.py): each pattern, and each sentence that must give none."""

from __future__ import annotations

import pytest

from extract import statements as st
from extract.model import Line


def _said(*texts: str, section: int = 1, year: int | None = 2023) -> list[tuple[str, float | int]]:
    lines = [Line(t, {"kind": "text", "line": i}) for i, t in enumerate(texts, start=1)]
    return [(s.kind, s.value) for s in st.find_statements(lines, section, year)]


def test_received_settled_and_carried_forward_in_one_sentence():
    got = _said("本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。")
    assert got == [(st.RECEIVED, 70), (st.PROCESSED, 69), (st.CARRIED_FORWARD, 1)]


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        ("全年收到政府信息公开申请75件，均在法定期限内予以答复。", [(st.RECEIVED, 75)]),
        ("2023年度我局共收到依申请信息公开26件，及时回复申请人。", [(st.RECEIVED, 26)]),
        ("接到公民、法人及其他组织提交的政府信息公开申请为0件。", [(st.RECEIVED, 0)]),
        ("市政府共受理政府信息公开申请 1295 件，办结 1191 件（含上年结转 189 件）。",
         [(st.RECEIVED, 1295), (st.PROCESSED, 1191), (st.CARRIED_OVER, 189)]),
        ("上年结转政府信息公开申请3件。", [(st.CARRIED_OVER, 3)]),
        ("本年度新收政府信息公开申请8件。", [(st.RECEIVED, 8)]),
        ("结转下年度继续办理的申请2件。", [(st.CARRIED_FORWARD, 2)]),
        ("收到申请12件，予以公开5件，部分公开2件，不予公开1件，无法提供3件，不予处理1件。",
         [(st.RECEIVED, 12), (st.GRANTED, 5), (st.PARTIALLY_GRANTED, 2), (st.DENIED, 1),
          (st.UNAVAILABLE, 3), (st.REJECTED, 1)]),
        ("收到申请9件，其他处理4件。", [(st.RECEIVED, 9), (st.OTHER_PROCESSING, 4)]),
        # both rows in one figure (the demo district's reports print it so)
        ("收到公开申请59件，其中全部或部分公开25件。", [(st.RECEIVED, 59), (st.GRANTED_OR_PARTIAL, 25)]),
        ("收到申请20件，予以公开及部分公开12件。", [(st.RECEIVED, 20), (st.GRANTED_OR_PARTIAL, 12)]),
        ("2023年，因政府信息公开被申请行政复议2件、提起行政诉讼1件。", [(st.REVIEW, 2), (st.LITIGATION, 1)]),
        ("政府信息公开工作方面共有行政诉讼案件1件、行政复议案件2件，均已结案。",
         [(st.LITIGATION, 1), (st.REVIEW, 2)]),
        ("本年度制发行政规范性文件5件。", [(st.NORMATIVE_ISSUED, 5)]),
        ("本年度制发的规范性文件8条。", [(st.NORMATIVE_ISSUED, 8)]),
        ("集中公开现行有效行政规范性文件698件。", [(st.NORMATIVE_IN_FORCE, 698)]),
        ("全年收取政府信息公开信息处理费 0 元。", [(st.FEE, 0)]),
        ("共收取信息处理费0.12万元。", [(st.FEE, 0.12)]),
        ("本机关共收到政府信息公开申请5个。", [(st.RECEIVED, 5)]),
    ],
)  # fmt: skip
def test_patterns(sentence, want):
    assert _said(sentence) == want


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        ("全年收到政府信息公开申请十二件，办结十二件。", [(st.RECEIVED, 12), (st.PROCESSED, 12)]),
        ("上年结转申请两件。收到申请一件。", [(st.CARRIED_OVER, 2), (st.RECEIVED, 1)]),
        ("一件结转下年度继续办理，共收到申请二十一件。", [(st.CARRIED_FORWARD, 1), (st.RECEIVED, 21)]),
    ],
)
def test_chinese_numerals(sentence, want):
    assert _said(sentence) == want


@pytest.mark.parametrize(
    "sentence",
    [
        # documents counted by their disclosure attribute: the requests table prints zeros
        "制发政府信息487条，其中主动公开117条、依申请公开274条、不予公开96条。",
        "依申请公开信息数14条。",
        # year over year, or another year
        "收到政府信息公开申请较上年增加5件。",
        "收到政府信息公开申请同比增长20%。",
        "2022年收到政府信息公开申请12件。",
        # another scope: an office speaking for the government
        "区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。",
        # other kinds of applications and cases
        "受理行政许可申请300件，办结298件。",
        "组织开展19期节目，收到群众诉求348件，现场解决162件，办结率100%。",
        "全年共办理行政复议案件300件。",  # not about disclosure
        # settling part of last year's requests is not the number carried over
        "全年共办结上年结转申请3件。",
        # one number for two cells
        "今年我局共受理办结2件依申请公开信息。",
        "因政府信息公开被申请行政复议、行政诉讼3件。",
        # a specific outcome, not the number of cases
        "因政府信息公开被行政复议纠错1件。",
        # no unit, or a percentage
        "政府信息公开申请办结率100%。",
        "本年新收政府信息公开申请数量 291000030",
        "（三）依申请公开：主要是公益性公墓申请征地拆迁信息等。",
    ],
)
def test_no_statement(sentence):
    assert _said(sentence) == []


def test_none_received_is_zero_but_not_for_review_or_complaints():
    assert _said("依申请公开信息数14条。本年度未收到过信息公开申请。") == [(st.RECEIVED, 0)]
    assert _said("未收到因政府信息公开提出的行政复议、行政诉讼的申请。") == []
    assert _said("未收到群众关于政府信息公开的举报或投诉。") == []


def test_a_wrapped_line_runs_on_and_a_subheading_ends_a_sentence():
    lines = [
        Line("2023年，本机关严格依法办理依申请公开，全年共收到政府信息公开申请", {}),
        Line("17件，均按期答复", {}),
        Line("（三）政府信息管理情况。上年结转3件的说明见表。", {}),
    ]
    got = st.find_statements(lines, 1, 2023)
    assert [(s.kind, s.value, s.line) for s in got] == [(st.RECEIVED, 17, 1)]
    assert got[0].sentence.endswith("均按期答复")
    assert got[0].unit == "件" and got[0].section == 1


def test_table_rows_are_not_prose():
    row = Line("收到申请5件 | 5", {}, cells=[], width=2)
    assert st.find_statements([row], 3, 2023) == []


def test_one_count_stated_with_two_values_says_neither():
    lines = [
        Line("本机关共收到政府信息公开申请17件。", {}),
        Line("全区共收到政府信息公开申请95件，办结95件。", {}),
    ]
    kept = st.unambiguous(st.find_statements(lines, 1, 2023))
    assert [(s.kind, s.value) for s in kept] == [(st.PROCESSED, 95)]
