"""The three tables of a report, each from the lines of its section."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import codebook as cb
from .align import align, assign, column_map, learned_columns, make_cell, place_values
from .model import Cell, Line, Token
from .numbers import clean, parse_value
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


def _emit(table: cb.Table, matches, cmap, res: TableResult, subtotal: bool = False) -> None:
    for mt in matches:
        pairs, warn = place_values(mt.candidate.values, mt.row.columns, cmap, subtotal)
        if warn:
            res.warnings.append(f"{table.key}.{mt.row.key}: {warn}")
        for col, tok in pairs:
            res.cells.append(make_cell(table, mt.row.key, col, tok))
            if parse_value(tok.text).note == "unreadable number":
                res.warnings.append(
                    f"{table.key}.{mt.row.key}.{col}: unreadable number {tok.text!r} kept as raw, value null"
                )


def _unplaced(table: str, cands: list[Candidate], matches) -> list[str]:
    used = {id(m.candidate) for m in matches}
    out = []
    for c in cands:
        if id(c) in used or not c.label.strip():
            continue
        if any(parse_value(v.text).value is not None for v in c.values):
            out.append(f"{table}: row not placed: {c.label[:40]!r} ({len(c.values)} values)")
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
    _emit(chosen, matches, None, res)
    res.found = bool(matches)
    res.warnings += _unplaced("active", cands, matches)
    return res


def extract_requests(lines: list[Line], fmt: str | None) -> TableResult:
    res = TableResult()
    cands, others = assemble(lines)
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
    subtotal = any(cb.REQUEST_EXTRA_COLUMNS["subtotal"] in ln.text for ln in others)
    _emit(table, matches, cmap, res, subtotal)
    res.found = bool(matches)
    res.warnings += _unplaced("requests", cands, matches)
    return res


def _nonblank(vals: list[Token]) -> int:
    return sum(1 for v in vals if parse_value(v.text).value is not None)


def extract_review(lines: list[Line]) -> TableResult:
    """Section 四: one data row of 15 numbers (three groups of five), or three
    labelled rows of five, or — in a shredded layout — 15 numbers in all."""
    res = TableResult()
    table = cb.REVIEW_LITIGATION
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
            _emit(table, matches, None, res)
            res.found = True
            return res
        vals = [v for c in cands for v in c.values if v.text.strip()]
        if len(vals) != width:
            if cands:
                res.warnings.append(
                    f"review_litigation: expected {width} numbers, found {len(vals)}; table not placed"
                )
            return res
    k = len(table.columns)
    for i, row in enumerate(table.rows):
        for j, col in enumerate(table.column_keys):
            res.cells.append(make_cell(table, row.key, col, vals[i * k + j]))
    res.found = True
    return res
