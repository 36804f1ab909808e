"""The three tables of a report, each from the lines of its section."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import codebook as cb
from .align import (
    align,
    assign,
    column_map,
    columns_printed,
    label_grams,
    learned_columns,
    make_cell,
    place_values,
    positional,
    row_index,
    shared_columns,
)
from .blank_cells import fill_blanks
from .checks import run_checks
from .digit_runs import GAVE_UP, Rule, fit_row, resolve, splittable, sum_rule
from .header_columns import header_columns
from .inferred import confirm, screen, trusted_floated
from .model import Cell, Line, Token
from .numbers import clean, parse_value
from .row_repair import recut
from .rows import Candidate, assemble

#: 2019-format words in section 二 (the 2021 table has none of them)
_MARKERS_2019 = (
    "本年新制作",
    "新公开数量",
    "对外公开总数",
    "上一年项目数",
    "其他对外管理服务",
    "政府集中采购",
    "采购总金额",
)
_MARKERS_2021 = ("本年制发", "本年废止", "现行有效")


@dataclass
class TableResult:
    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    found: bool = False  # the table was recognised (rows matched)
    collapsed_other: bool = False
    #: the codebook table the rows were matched against (its rows are what completeness expects)
    table: cb.Table | None = None


def detect_format(active_text: str, year: int | None) -> str | None:
    """Format from the active table's headers, which differ between 2019 and 2021."""
    t = clean(active_text)
    n19 = sum(m in t for m in _MARKERS_2019)
    n21 = sum(m in t for m in _MARKERS_2021)
    if n19 > n21:
        return "2019"
    if n21 > n19:
        return "2021"
    if year is None:
        return None
    if year <= 2018:
        return "legacy"
    return "2019" if year <= 2020 else "2021"


def _header_tokens(others: list[Line]) -> list[Token]:
    return [t for line in others if line.cells for t in line.cells if t.text.strip()]


_SUM_RULES = {n: sum_rule(1, n) for n in (len(cb.REQUEST_COLUMNS), len(cb.REVIEW_COLUMNS))}


def _arithmetic(table: cb.Table, row: cb.Row) -> tuple[Rule | None, int | None]:
    """The row's own arithmetic: a requests row's 总计 is the sum of its applicants,
    a review row's 总计 the sum of its four results; the active table states none."""
    if table.key != "active" and len(row.columns) == len(table.columns):
        return _SUM_RULES[len(row.columns)], len(row.columns)
    return None, None


def _emit(table: cb.Table, matches, cmaps, res: TableResult, subtotal: bool = False) -> list:
    """Cells of the matched rows; returns the rows whose runs split several ways, with their splits.

    ``cmaps``: where the columns are printed, by the rows' column tuple."""
    ambiguous = []
    for mt in matches:
        values = mt.candidate.values
        cmap = cmaps.get(mt.row.columns)
        short = len(values) < len(mt.row.columns) or not all(v.text.strip() for v in values)
        if short and cmap is None and not subtotal:
            rule, group = _arithmetic(table, mt.row)
            fit = fit_row(values, mt.row.columns, rule, group)
            if fit.tokens is None:
                if fit.options:
                    ambiguous.append((mt.row, fit))
                else:
                    res.warnings.append(f"{table.key}.{mt.row.key}: {fit.warning}")
                continue
            values = fit.tokens
        pairs, warn = place_values(values, mt.row.columns, cmap, subtotal)
        if warn:
            res.warnings.append(f"{table.key}.{mt.row.key}: {warn}")
        for col, tok in pairs:
            if "lost" in tok.loc:
                res.warnings.append(
                    f"{table.key}.{mt.row.key}.{col}: cell lost where the row was cut; not placed"
                )
                continue
            cell = make_cell(table, mt.row.key, col, tok)
            res.cells.append(cell)
            if cell.value is None and parse_value(tok.text).value is not None:
                res.warnings.append(
                    f"{table.key}.{mt.row.key}.{col}: count with a fraction {tok.text!r} kept as raw, value null"
                )
            if parse_value(tok.text).note == "unreadable number":
                res.warnings.append(
                    f"{table.key}.{mt.row.key}.{col}: unreadable number {tok.text!r} kept as raw, value null"
                )
    return ambiguous


def _record_blanks(table: cb.Table, matches, cmap, res: TableResult) -> None:
    """The blanks of a table read by position, said once for the table instead of row by row."""
    res.cells, filled = fill_blanks(table, matches, cmap, res.cells, lambda row: _arithmetic(table, row)[0])
    if not filled:
        return
    said = set()
    for key, blanks in filled.items():
        n = len(table.row(key).columns)
        said.add(f"{table.key}.{key}: {columns_printed(n - len(blanks), n)}")
    res.warnings = [w for w in res.warnings if w not in said]
    cols = sorted({c for blanks in filled.values() for c in blanks}, key=table.column_keys.index)
    res.warnings.append(
        f"{table.key}: {', '.join(cols)} print nothing in any row: recorded blank in {len(filled)} rows "
        "whose printed numbers add up"
    )


def _settle(table: cb.Table, ambiguous, res: TableResult) -> None:
    """A run the row's arithmetic splits several ways is split the one way, if any,
    with which every check of the table passes (all the rows those checks need printed)."""
    for row, fit in ambiguous:
        passing = []
        for option in fit.options:
            cells = [
                make_cell(table, row.key, col, tok) for col, tok in zip(row.columns, option, strict=True)
            ]
            results = run_checks(res.cells + cells)
            touching = [r for r in results if r.check != "requests_row_total" or r.scope == row.key]
            complete = sum(1 for r in touching if r.check in ("requests_outcomes", "requests_balance"))
            if complete >= len(table.columns) and all(r.passed for r in results):
                passing.append(cells)
        if len(passing) == 1:
            res.cells += passing[0]
            res.warnings.append(
                f"{table.key}.{row.key}: digits split the one way of {len(fit.options)} with which the checks pass"
            )
        else:
            res.warnings.append(f"{table.key}.{row.key}: {fit.warning}")


def _unplaced(table: str, cands: list[Candidate], matches) -> list[str]:
    used = {id(m.candidate) for m in matches}
    out = []
    for c in cands:
        if id(c) in used or not c.label.strip():
            continue
        if any(parse_value(v.text).value is not None for v in c.values):
            out.append(f"{table}: row not placed: {c.label[:40]!r} ({len(c.values)} values)")
    return out


#: how like a canonical row's label a printed text must be to count as that row's label
SEEN_THRESHOLD = 0.6


def _seen_not_placed(
    table: cb.Table, cands: list[Candidate], others: list[Line], res: TableResult
) -> list[str]:
    """A warning for every printed label of a canonical row that got no cells: the
    row was on the page, so its absence from the data must be said, not silent."""
    placed = {c.row for c in res.cells}
    index = row_index(table.rows)
    texts = [c.label for c in cands] + [ln.text for ln in others]
    out, said = [], set()
    for text in texts:
        if not text.strip():
            continue
        sims = index.similarities(label_grams(text))
        k = max(range(len(sims)), key=sims.__getitem__)
        row = table.rows[k]
        if sims[k] >= SEEN_THRESHOLD and row.key not in placed and row.key not in said:
            said.add(row.key)
            out.append(f"{table.key}.{row.key}: row label seen but not placed: {text.strip()[:40]!r}")
    return out


def extract_active(lines: list[Line], fmt: str | None) -> TableResult:
    res = TableResult()
    cands, _ = assemble(lines)
    options = {"2021": cb.ACTIVE_2021, "2019": cb.ACTIVE_2019}
    if fmt in options:
        chosen = options[fmt]
        matches = assign(cands, chosen.rows)
    else:
        scored = [(assign(cands, t.rows), t) for t in options.values()]
        matches, chosen = max(scored, key=lambda s: sum(m.score for m in s[0]))
    matches, warns = trusted_floated(cands, matches)
    res.warnings += [f"active: {w}" for w in warns]
    cmaps = shared_columns(
        [(mt.row.columns, mt.candidate.values) for mt in matches if positional(mt.candidate.values)]
    )
    for row, fit in _emit(chosen, matches, cmaps, res):
        res.warnings.append(f"active.{row.key}: {fit.warning}")
    res.found, res.table = bool(matches), chosen
    res.warnings += _unplaced("active", cands, matches)
    res.warnings += _seen_not_placed(chosen, cands, [], res)
    return res


def extract_requests(lines: list[Line], fmt: str | None) -> TableResult:
    res = TableResult()
    cands, others = assemble(lines)
    subtotal = any(cb.REQUEST_EXTRA_COLUMNS["subtotal"] in ln.text for ln in others)
    if not subtotal:
        cands = recut(cands, len(cb.REQUEST_COLUMNS), sum_rule(1, len(cb.REQUEST_COLUMNS)))
    cmap = column_map(_header_tokens(others), cb.REQUESTS_2021)
    m21, s21 = align(cands, cb.REQUESTS_2021.rows)
    sub_rows = {"other_no_correction", "other_no_fee_paid", "other_other"}
    if sum(1 for mt in m21 if mt.row.key in sub_rows and mt.candidate.own_label) >= 2:
        m19, s19 = [], float("-inf")  # the three （六） rows are printed: 2021 layout for sure
    else:
        m19, s19 = align(cands, cb.REQUESTS_2019.rows)
    if s19 > s21 or (s19 == s21 and fmt == "2019"):
        matches, table, res.collapsed_other = m19, cb.REQUESTS_2019, True
    else:
        matches, table = m21, cb.REQUESTS_2021
    if cmap is None and any(
        v.loc.get("kind") in ("pdf", "ocr") for mt in matches for v in mt.candidate.values[:1]
    ):
        cmap = learned_columns([mt.candidate.values for mt in matches], table.column_keys)
        cmap = cmap or header_columns(lines, table)
    matches, inferred, warns = screen(cands, matches, table.rows)
    res.warnings += [f"requests: {w}" for w in warns]
    ambiguous = _emit(table, matches, {table.column_keys: cmap} if cmap else {}, res, subtotal)
    if not subtotal:
        _record_blanks(table, matches, cmap, res)
    _settle(table, ambiguous, res)
    outcome = cb.outcome_rows("2019" if res.collapsed_other else "2021", res.collapsed_other)
    res.cells, warns = confirm(table.key, res.cells, inferred, outcome)
    res.warnings += warns
    res.found, res.table = bool(matches), table
    res.warnings += _unplaced("requests", cands, matches)
    res.warnings += _seen_not_placed(table, cands, others, res)
    return res


def _nonblank(vals: list[Token]) -> int:
    return sum(1 for v in vals if parse_value(v.text).value is not None)


def _split_review(cands: list[Candidate], width: int, k: int):
    """The table's numbers are the first rows of the section: the shortest run of
    candidates, from the first, whose digits split one way into three groups that
    add up (prose after the table, "2024 年…", is not part of it)."""
    rule = sum_rule(width // k, k)
    vals: list[Token] = []
    split = None
    for c in cands:
        vals = vals + [v for v in c.values if v.text.strip()]
        if not vals:
            continue
        split = resolve(vals, width, rule, k)
        if split.tokens is not None or split.ways != 0 or len(vals) >= width:
            return split
    return split or resolve(vals, width, rule, k)


def _stray_mark_possible(cands: list[Candidate]) -> bool:
    """Numbers gathered over several lines of a scan: one lost digit plus one speck read as a
    digit still make the count, with every value between them in the wrong column."""
    lines = [c for c in cands if any(v.text.strip() for v in c.values)]
    return len(lines) > 1 and any(v.loc.get("kind") == "ocr" for c in lines for v in c.values)


def extract_review(lines: list[Line]) -> TableResult:
    """Section 四: one data row of 15 numbers (three groups of five), or three
    labelled rows of five, or — in a shredded layout — 15 numbers in all."""
    table = cb.REVIEW_LITIGATION
    res = TableResult(table=table)
    cands, _ = assemble(lines)
    width = len(table.rows) * len(table.columns)
    wide = []
    for c in cands:
        vals = list(c.values)
        while len(vals) > width and not vals[0].text.strip():
            vals.pop(0)
        while len(vals) > width and not vals[-1].text.strip():
            vals.pop()  # an empty extra cell at the row's end
        if len(vals) == width:
            wide.append(vals)
    if wide:
        vals = max(wide, key=_nonblank)  # not the blank spacer row some Word tables carry
    else:
        fives = [c for c in cands if len(c.values) == len(table.columns)]
        matches, _ = align(fives, table.rows)
        if len(matches) == len(table.rows):
            for row, fit in _emit(table, matches, {}, res):
                res.warnings.append(f"review_litigation.{row.key}: {fit.warning}")
            res.found = True
            return res
        vals = [v for c in cands for v in c.values if v.text.strip()]
        if len(vals) < width and any(splittable(v.text) for v in vals):
            split = _split_review(cands, width, len(table.columns))
            if split.tokens is None:
                how = {0: "no split fits", GAVE_UP: "too many splits to try"}.get(
                    split.ways, "more than one split fits"
                )
                res.warnings.append(
                    f"review_litigation: digits {' '.join(v.text for v in vals)!r} for {width} columns: "
                    f"{how} the table; table not placed"
                )
                return res
            vals = split.tokens
        if len(vals) != width:
            if cands:
                res.warnings.append(
                    f"review_litigation: expected {width} numbers, found {len(vals)}; table not placed"
                )
            return res
        if _stray_mark_possible(cands) and not sum_rule(len(table.rows), len(table.columns))(
            [float(parse_value(v.text).value or 0) for v in vals]
        ):
            res.warnings.append(
                f"review_litigation: {width} numbers gathered from several scanned lines do not add up "
                f"({' '.join(v.text for v in vals)}): a stray mark or a lost digit would shift every "
                "value after it; table not placed"
            )
            return res
    k = len(table.columns)
    for i, row in enumerate(table.rows):
        for j, col in enumerate(table.column_keys):
            res.cells.append(make_cell(table, row.key, col, vals[i * k + j]))
    res.found = True
    return res
