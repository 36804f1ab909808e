"""Text whose table structure was lost: the corpus in damaged forms, the archived
page dumps of ../shared/samples/page-text, and the pieces that recover them."""

from __future__ import annotations

import pytest

from extract import codebook as cb
from extract.checks import failures
from extract.damaged import repair
from extract.digit_runs import fit_row, resolve, sum_rule
from extract.model import FLAG_INFERRED, Token
from extract.pipeline import extract
from extract.row_repair import recut
from extract.rows import Candidate
from tests.conftest import CORPUS, SHARED, corpus_truths, load_truth
from tests.extract.damaged_forms import FORMS, HOSTILE_FORMS, form

TRUTHS = corpus_truths()
SAMPLES = SHARED / "samples" / "page-text"
needs_corpus = pytest.mark.skipif(not TRUTHS, reason=f"real corpus not found at {CORPUS}")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"page-text samples not found at {SAMPLES}")

#: of the cells a damaged form still prints, the share read right over all documents and forms
TARGET = 0.98


def _words(*texts: str) -> list[Token]:
    return [Token(t, {"kind": "text", "line": 1, "word": i}) for i, t in enumerate(texts)]


def _texts(tokens) -> list[str] | None:
    return None if tokens is None else [t.text for t in tokens]


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-6
    return a == b and type(a) is type(b)


# ----------------------------------------------------------------- digit runs


def test_a_run_splits_only_where_the_row_total_allows_one_way():
    seven = sum_rule(1, 7)
    assert _texts(resolve(_words("291000030"), 7, seven, 7).tokens) == ["29", "1", "0", "0", "0", "0", "30"]
    assert _texts(resolve(_words("2600000", "26"), 7, seven, 7).tokens) == [
        "26",
        "0",
        "0",
        "0",
        "0",
        "0",
        "26",
    ]
    assert _texts(resolve(_words("20", "00", "0", "0", "2"), 7, seven, 7).tokens) == ["2", *"00000", "2"]
    # 11 1 … 12 and 1 11 … 12 both add up: never guessed
    amb = resolve(_words("111000012"), 7, seven, 7)
    assert amb.tokens is None and amb.ways == 2


def test_review_row_splits_group_by_group():
    res = resolve(
        _words(*["01", "0", "1", "20", "0", "0", "0", "0", "0", "0", "0", "00"]), 15, sum_rule(3, 5), 5
    )
    assert _texts(res.tokens) == ["0", "1", "0", "1", "2"] + ["0"] * 10


def test_rows_without_arithmetic_split_only_when_forced():
    assert _texts(resolve(_words("000"), 3, None).tokens) == ["0", "0", "0"]
    assert resolve(_words("2023"), 3, None).tokens is None  # 2 0 23 or 20 2 3
    assert _texts(resolve(_words("16220.85"), 1, None).tokens) == ["16220.85"]


def test_the_issues_example_is_no_longer_put_in_total():
    columns = cb.REQUESTS_2021.column_keys
    fit = fit_row(_words("291000030"), columns, sum_rule(1, 7), 7)
    assert _texts(fit.tokens) == ["29", "1", "0", "0", "0", "0", "30"]
    assert "no split fits" in fit_row(_words("29", "31"), columns, sum_rule(1, 7), 7).warning
    cells = [Token(t, {"kind": "text", "line": 1, "cell": i}) for i, t in enumerate(("29", "31"))]
    fit = fit_row(cells, columns, sum_rule(1, 7), 7)  # two pipe cells, blanks lost, that cannot add up
    assert fit.tokens is None and "do not add up" in fit.warning
    cells[1].text = "29"
    assert _texts(fit_row(cells, columns, sum_rule(1, 7), 7).tokens) == ["29", "29"]  # placed by the edges


def test_split_cells_keep_the_run_they_came_from():
    tok = resolve(_words("291000030"), 7, sum_rule(1, 7), 7).tokens[6]
    assert tok.loc["run"] == "291000030" and tok.loc["run_offset"] == 7


# ------------------------------------------------------------- rows re-cut


def test_a_line_holding_two_rows_is_cut_and_a_cut_row_is_joined():
    rule = sum_rule(1, 7)
    two = recut(
        [
            Candidate(
                "4.无正当理由大量反复申请",
                _words(*["1", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"]),
                {},
            )
        ],
        7,
        rule,
    )
    assert [len(c.values) for c in two] == [7, 7] and not two[1].own_label
    cut = [Candidate("1.本机关不掌握相关政府信息", _words("484", "28"), {}),
           Candidate("", _words("0", "0", "1", "0", "513"), {}, own_label=False)]  # fmt: skip
    joined = recut(cut, 7, rule)
    assert len(joined) == 1 and _texts(joined[0].values) == ["484", "28", "0", "0", "1", "0", "513"]
    # a following row that does not complete it is left alone
    assert (
        len(recut([cut[0], Candidate("", _words(*["1", "0", "0", "0", "0", "0", "1"]), {}, False)], 7, rule))
        == 2
    )


# ------------------------------------------------------------ line breaks lost


def test_a_page_dump_is_cut_at_headings_and_row_labels():
    text = (
        "当前位置：首页 一、总体情况本年度平稳。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数"
        "本年废止件数现行有效件数规章000行政规范性文件2023三、收到和处理政府信息公开申请情况申请人情况"
        "一、本年新收政府信息公开申请数量291000030（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
        "四、政府信息公开行政复议、行政诉讼情况五、存在的主要问题及改进情况无。"
    )
    pieces = [p for _, _, p in repair([text])]
    assert "二、主动公开政府信息情况" in pieces and "三、收到和处理政府信息公开申请情况" in pieces
    assert "规章 000" in pieces and "行政规范性文件 2023" in pieces
    assert "一、本年新收政府信息公开申请数量 291000030" in pieces
    # the digit before "." is the next label's numbering, not the previous row's number
    assert "1.属于国家秘密 0000000" in pieces and "2.其他法律行政法规禁止公开 0000000" in pieces
    assert "五、存在的主要问题及改进情况" in pieces


def test_undamaged_text_takes_the_plain_path():
    assert (
        repair(["二、主动公开政府信息情况", "规章 | 0 | 0 | 0", "三、收到和处理政府信息公开申请情况"]) is None
    )


# ------------------------------------------------------- the archived page dumps


@needs_samples
@pytest.mark.parametrize("name", ["fj-pingtan-hzs-2021", "fj-pingtan-scj-2020", "fj-pingtan-suping-2020",
                                  "fj-pingtan-zrz-2022"])  # fmt: skip
def test_page_dumps_read_with_every_check_passing(name):
    ex = extract((SAMPLES / f"{name}.txt").read_bytes(), name=f"{name}.txt")
    # a row the text cannot split is left out, so the report is partial, never "ok" with a gap
    active_rows = cb.ACTIVE_2019 if ex.report.format == "2019" else cb.ACTIVE_2021
    placed = {(c.table, c.row) for c in ex.cells}
    whole = all(("active", r.key) in placed for r in active_rows.rows)
    assert ex.report.status == ("ok" if whole else "partial")
    assert (
        ex.report.agency.startswith("平潭综合实验区") and "标题" not in ex.report.agency
    )  # the archive's header
    assert ex.report.year == int(name[-4:]) and ex.report.published_on.startswith(str(int(name[-4:]) + 1))
    assert not failures(ex.checks) and len(ex.checks) >= 40
    rows = {(c.table, c.row) for c in ex.cells}
    table = cb.REQUESTS_2019 if ex.report.format == "2019" else cb.REQUESTS_2021
    assert {("requests", r.key) for r in table.rows} <= rows
    assert {("review_litigation", r.key) for r in cb.REVIEW_LITIGATION.rows} <= rows
    # every active row the text cannot split is named in a warning, none is guessed
    active = cb.ACTIVE_2019 if ex.report.format == "2019" else cb.ACTIVE_2021
    for r in active.rows:
        if ("active", r.key) not in rows:
            assert any(w.startswith(f"active.{r.key}:") for w in ex.report.warnings), r.key


@needs_samples
def test_the_issues_row_reads_29_1_0_0_0_0_30():
    ex = extract((SAMPLES / "fj-pingtan-zrz-2022.txt").read_bytes(), name="fj-pingtan-zrz-2022.txt")
    got = [ex.value("requests", "new_received", c) for c in cb.REQUESTS_2021.column_keys]
    assert got == [29, 1, 0, 0, 0, 0, 30]
    assert [ex.value("review_litigation", "review", c) for c in cb.REVIEW_LITIGATION.column_keys] == [
        0,
        1,
        0,
        1,
        2,
    ]
    assert any("normative_documents" in w and "24432" in w for w in ex.report.warnings)


# --------------------------------------------------------- corpus, damaged


def _read(truth: dict, name: str):
    path = CORPUS / truth["file"]
    media = "text/markdown" if name in ("converter_markdown", "labels_below") else "text/plain"
    return extract(form(path, name), media_type=media, name=f"{path.stem}.{name}")


def _score(truth: dict, ex) -> tuple[int, int, dict, set]:
    want = {
        (t, r, c): v
        for t, rows in truth["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
    }
    got = {(c.table, c.row, c.col): c.value for c in ex.cells}
    printed = {k for k, v in want.items() if v is not None}
    right = sum(1 for k in printed if k in got and _same(got[k], want[k]))
    wrong = {k: (want[k], got[k]) for k in want if k in got and not _same(got[k], want[k])}
    flagged = {w.split(":")[0] for w in ex.report.warnings}
    unflagged = {k for k in got if k not in want and f"{k[0]}.{k[1]}" not in flagged}
    return right, len(printed), wrong, unflagged


@needs_corpus
@pytest.mark.parametrize("name", FORMS)
def test_damaged_forms_of_the_corpus(name):
    """No value is ever wrong; of the cells each form still prints, at least the target is read."""
    right = total = 0
    for truth_path in TRUTHS:
        truth = load_truth(truth_path)
        r, n, wrong, unflagged = _score(truth, _read(truth, name))
        assert not wrong, f"{truth['file']} as {name}: wrong values {wrong}"
        assert not unflagged, f"{truth['file']} as {name}: cells not in the truth, unflagged: {unflagged}"
        right, total = right + r, total + n
    assert right / total >= 0.95, f"{name}: {right}/{total}"


@needs_corpus
@pytest.mark.parametrize("name", HOSTILE_FORMS)
def test_hostile_forms_never_give_a_wrong_value(name):
    for truth_path in TRUTHS:
        truth = load_truth(truth_path)
        _, _, wrong, unflagged = _score(truth, _read(truth, name))
        assert not wrong and not unflagged, f"{truth['file']} as {name}: {wrong or unflagged}"


@needs_corpus
def test_damaged_forms_together_meet_the_target():
    right = total = 0
    for name in FORMS:
        for truth_path in TRUTHS:
            truth = load_truth(truth_path)
            r, n, _, _ = _score(truth, _read(truth, name))
            right, total = right + r, total + n
    assert right / total >= TARGET, f"{right}/{total} = {right / total:.3f}"


@needs_corpus
def test_rows_placed_by_order_are_flagged_inferred():
    truth = load_truth(CORPUS / "sh-office-2025.truth.json")
    ex = _read(truth, "converter_markdown")
    inferred = [c for c in ex.cells if FLAG_INFERRED in c.flags]
    assert inferred and all(c.table == "requests" and c.location["inferred"] == "row order" for c in inferred)
    # the floated labels' rows are among them, and they are right
    want = truth["tables"]["requests"]
    assert all(_same(c.value, want[c.row][c.col]) for c in inferred)


def test_unlabelled_rows_that_do_not_fill_their_gap_are_left_out():
    """Two label-less rows between 予以公开 and 3.危及…: three codebook rows, so no placement."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "| 一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| （一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| 3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    ex = extract("\n".join(lines).encode(), media_type="text/markdown")
    rows = {c.row for c in ex.cells}
    assert {"granted", "denied_security_stability"} <= rows
    assert not rows & {"partially_granted", "denied_state_secret", "denied_prohibited_by_law"}
    assert any("rows without a label not placed" in w for w in ex.report.warnings)
    assert not any(FLAG_INFERRED in c.flags for c in ex.cells)
    # with the label of the middle row printed, the gaps are exact: both rows are placed, flagged
    lines[4] = "| （二）部分公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    lines.insert(5, "| 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    ex = extract("\n".join(lines).encode(), media_type="text/markdown")
    flagged = {c.row for c in ex.cells if FLAG_INFERRED in c.flags}
    assert flagged == {"denied_prohibited_by_law"}, flagged


def test_check_says_how_many_cells_were_inferred(tmp_path):
    from extract.cli import verdict

    lines = [
        "三、收到和处理政府信息公开申请情况",
        "| （一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "（二）部分公开的标签被转换器挪到了别处",
        "| 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
    ]
    lines.insert(2, "| 2 | 0 | 0 | 0 | 0 | 0 | 2 |")
    ex = extract("\n".join(lines).encode(), media_type="text/markdown")
    assert {c.row for c in ex.cells if FLAG_INFERRED in c.flags} == {"partially_granted"}
    assert "7 cells inferred" in verdict(tmp_path / "r.md", ex)


def test_three_review_rows_run_together_split_row_by_row():
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议10102未经复议直接起诉00000复议后起诉21036\n"
        "五、存在的主要问题及改进情况\n"
    )
    ex = extract(text.encode(), media_type="text/plain")
    got = {r.key: [ex.value("review_litigation", r.key, c) for c in cb.REVIEW_LITIGATION.column_keys]
           for r in cb.REVIEW_LITIGATION.rows}  # fmt: skip
    assert got == {
        "review": [1, 0, 1, 0, 2],
        "litigation_direct": [0] * 5,
        "litigation_after_review": [2, 1, 0, 3, 6],
    }


def test_a_hostile_run_is_given_up_not_searched_for_ever():
    from extract.digit_runs import GAVE_UP

    res = resolve(_words("1" * 45), 15, sum_rule(3, 5), 5, limit=24)
    assert res.tokens is None and res.ways in (0, GAVE_UP)
    fit = fit_row(_words("12345678901234567890123456789"), cb.REQUESTS_2021.column_keys, sum_rule(1, 7), 7)
    assert fit.tokens is None and "row left out" in fit.warning


def test_a_row_cut_one_cell_short_keeps_that_cell_lost():
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "| （一）予以公开 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
        "| 4.保护第三方合法权益 | 2 |  |",
        "— 6 —",
        "## 表三：收到和处理政府信息公开申请情况",
        "|  |  |  | 0 | 2 |",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    ex = extract("\n".join(lines).encode(), media_type="text/markdown")
    got = {c.col: c.value for c in ex.cells if c.row == "denied_third_party_rights"}
    assert got == {"natural_person": 2, "research_institution": None, "social_welfare_org": None,
                   "legal_service_org": None, "other_org": 0, "total": 2}  # fmt: skip
    assert any("commercial_enterprise: cell lost" in w for w in ex.report.warnings)
