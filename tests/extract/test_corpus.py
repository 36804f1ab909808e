"""Every real report of ../shared/corpus against its hand-checked truth, cell by cell."""

from __future__ import annotations

import pytest

from extract.checks import failures
from extract.codebook import TABLE_CHECKS, tables_for
from extract.pipeline import extract
from tests.conftest import CORPUS, corpus_truths, load_truth

TRUTHS = corpus_truths()
if not TRUTHS:
    pytestmark = pytest.mark.skip(
        reason=f"real corpus not found at {CORPUS}: clone beside ../shared to run these"
    )
    TRUTHS = [pytest.param(CORPUS / "absent.truth.json", id="no-corpus")]


def _extract(truth: dict):
    path = CORPUS / truth["file"]
    return extract(path.read_bytes(), url=truth["source"].get("url"), name=str(path))


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-6
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_every_truth_cell_matches(truth_path):
    truth = load_truth(truth_path)
    ex = _extract(truth)
    got = {(c.table, c.row, c.col): c.value for c in ex.cells}
    want = {
        (t, r, c): v
        for t, rows in truth["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
    }
    wrong = {k: (v, got.get(k, "MISSING")) for k, v in want.items() if not _same(got.get(k, "MISSING"), v)}
    assert not wrong, f"{len(wrong)} of {len(want)} cells differ: {wrong}"
    # A cell the truth leaves out is allowed only in a row the extractor itself flagged as incomplete.
    extra = {k for k in got if k not in want}
    flagged = {w.split(":")[0] for w in ex.report.warnings}
    assert all(f"{t}.{r}" in flagged for t, r, _ in extra), f"unflagged cells not in truth: {extra}"


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_check_failures_equal_source_errors(truth_path):
    truth = load_truth(truth_path)
    ex = _extract(truth)
    table_failures = [c for c in failures(ex.checks) if c.check in TABLE_CHECKS]
    assert sorted(c.detail for c in table_failures) == sorted(truth["source_errors"])


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_prose_agrees_with_tables(truth_path):
    """No false alarm: every figure these reports state in prose is the one their table prints
    (each statement was read by hand against the report)."""
    ex = _extract(load_truth(truth_path))
    text = [c for c in ex.checks if c.check == "text_vs_table"]
    assert not failures(text), [c.detail for c in failures(text)]
    assert all(c.evidence for c in text)


#: statements compared per corpus report, read by hand (hongze's one figure speaks for the office only)
STATEMENTS = {"cq-banan-nanpeng-2024": 1, "fj-pingtan-2020": 1, "fj-pingtan-2022": 5,
              "js-shuyang-fgj-2023": 1, "js-huaian-hongze-2024": 0, "sh-office-2025": 8}  # fmt: skip


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_prose_statements_found(truth_path):
    name = truth_path.name.removesuffix(".truth.json")
    ex = _extract(load_truth(truth_path))
    assert sum(c.check == "text_vs_table" for c in ex.checks) == STATEMENTS[name]


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_structure_findings(truth_path):
    """The form checks fail only where the document really lacks something: the markdown of
    sh-office-2025 lost its section 五 heading (see its truth notes)."""
    name = truth_path.name.removesuffix(".truth.json")
    ex = _extract(load_truth(truth_path))
    form = {c.check: c for c in ex.checks if c.check in ("sections_in_order", "title_year", "fee_statement")}
    assert form["title_year"].passed
    assert form["sections_in_order"].passed == (name != "sh-office-2025"), form["sections_in_order"].detail
    if name == "sh-office-2025":
        assert "missing 五" in form["sections_in_order"].detail
    # the 2019 format asked for no fee statement; every 2021-format report here makes one
    assert ("fee_statement" in form) == (ex.report.format == "2021")
    assert all(c.passed for k, c in form.items() if k == "fee_statement")


def _lost_rows(truth: dict) -> set[str]:
    """Rows of the report's format whose cells the truth leaves out (the document lost them)."""
    active, requests, review = tables_for(truth["format"])
    if "other" in truth["tables"]["requests"]:
        requests = tables_for("2019")[1]  # （六）其他处理 printed as one row
    return {
        f"{t.key}.{r.key}"
        for t in (active, requests, review)
        for r in t.rows
        if set(r.columns) - set(truth["tables"].get(t.key, {}).get(r.key, {}))
    }


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_report_metadata(truth_path):
    truth = load_truth(truth_path)
    r = _extract(truth).report
    # "ok" means complete: a report whose document lost cells (the truth leaves them out) is partial,
    # and the rows that lost them are named
    lost = _lost_rows(truth)
    status = "partial" if lost else "ok"
    assert (r.agency, r.year, r.format, r.status) == (truth["agency"], truth["year"], truth["format"], status)
    named = set(r.missing_rows) | {x.split(" ")[0] for x in r.incomplete_rows}
    assert lost <= named
    if truth["source"].get("published"):
        assert r.published_on == truth["source"]["published"]
    # the six sections are there, in the text, except where the document lost a heading
    assert {"overview", "active", "requests", "review_litigation", "other"} <= set(r.sections)


def test_raw_text_kept_for_blank_cells():
    truth_path = CORPUS / "js-shuyang-fgj-2023.truth.json"
    if not truth_path.exists():
        pytest.skip("js-shuyang-fgj-2023 not in corpus")
    ex = _extract(load_truth(truth_path))
    blank = [c for c in ex.cells if c.table == "requests" and c.col == "commercial_enterprise"]
    assert blank and all(c.value is None and c.raw.strip() == "" for c in blank)


def test_money_in_yuan_becomes_wan_yuan():
    truth_path = CORPUS / "fj-pingtan-2020.truth.json"
    if not truth_path.exists():
        pytest.skip("fj-pingtan-2020 not in corpus")
    ex = _extract(load_truth(truth_path))
    cell = next(c for c in ex.cells if (c.row, c.col) == ("centralized_procurement", "amount_10k_yuan"))
    assert abs(cell.value - 7380.28959) < 1e-6 and "元" in cell.raw


def test_pdf_cells_have_page_and_box():
    truth_path = CORPUS / "js-huaian-hongze-2024.truth.json"
    if not truth_path.exists():
        pytest.skip("js-huaian-hongze-2024 not in corpus")
    ex = _extract(load_truth(truth_path))
    cell = next(
        c for c in ex.cells if (c.table, c.row, c.col) == ("requests", "unavailable_needs_creation", "total")
    )
    assert cell.location["page"] == 4 and len(cell.location["bbox"]) == 4


#: 信息处理费 per report, as each report's section 六 states it (the truth files' notes say the same)
FEES = {
    "cq-banan-nanpeng-2024": 0.0,  # 本年度全街道未收取信息处理费
    "fj-pingtan-2020": None,  # 无其他需要报告的事项: no fee statement
    "fj-pingtan-2022": 0.0,  # 无收取信息处理费情况
    "js-huaian-hongze-2024": 0.0,  # 全年收取政府信息公开信息处理费 0 元
    "js-shuyang-fgj-2023": 0.0,  # 未发生收费情况
    "sh-office-2025": 0.0,  # 未收取信息公开处理费
}


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_processing_fee_and_section_six_end_at_the_report(truth_path):
    name = truth_path.name.removesuffix(".truth.json")
    r = _extract(load_truth(truth_path)).report
    assert r.processing_fee_yuan == FEES[name]
    assert (r.processing_fee_text is None) == (FEES[name] is None)
    # the page's furniture after the report (downloads, share links, site lists) is not section 六
    assert not any(w in r.sections.get("other", "") for w in ("附件下载", "扫一扫", "友情链接"))
