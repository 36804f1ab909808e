"""Blank cells of a table read by position: a PDF's text layer or a picture.

Neither prints anything for a blank cell, so a blank is a column of the row
where no number stands.  But OCR also loses a number now and then (a faint 0, a
digit under a seal), and a lost 0 added up looks exactly like a blank.  So a
blank is recorded, as a grid records its empty cell (value null, raw ""), only
where no number can have been lost:

* the column holds no number in any row the table placed by position (a table
  printed with empty columns, 商业企业 … 其他 left blank throughout), and
* the row's own arithmetic holds with its 总计 printed (a lost number other than
  0 would show), and every number the row printed was placed.

A column blank in some rows and printed in others stays unplaced where it is
blank, with the warning the row already carries: that is where a lost number
hides.
"""

from __future__ import annotations

from collections.abc import Callable

from .align import ColumnMap, Match, make_cell, positional
from .codebook import Row, Table
from .digit_runs import Rule
from .model import Cell, Token

#: rows placed by position below this many say too little about which columns the table leaves empty
MIN_ROWS = 3


def _printed(m: Match) -> list[Token]:
    return [v for v in m.candidate.values if v.text.strip()]


def _layout(m: Match, cmap: ColumnMap) -> set[str] | None:
    """The columns the row's numbers stand at, or None when one stands at no single column."""
    keys = [cmap.key_at(v.x) for v in _printed(m)]
    return None if None in keys or len(set(keys)) != len(keys) else set(keys)  # type: ignore[arg-type]


def _near(x: float, cmap: ColumnMap) -> set[str]:
    """The two columns a number that stands at none may belong to."""
    return {k for _, k in sorted(cmap.centres or [], key=lambda c: abs(c[0] - x))[:2]}


def _where(total: Cell, x: float, half: float) -> dict:
    """The blank's location: the row's page and height, the column's strip."""
    loc = {k: v for k, v in total.location.items() if k != "digit_confidence"}
    if "bbox" in loc:
        _, y0, _, y1 = loc["bbox"]
        loc["bbox"] = [round(x - half, 1), y0, round(x + half, 1), y1]
    return {**loc, "blank": "nothing printed at the column's position"}


def fill_blanks(
    table: Table,
    matches: list[Match],
    cmap: ColumnMap | None,
    cells: list[Cell],
    rule_of: Callable[[Row], Rule | None],
) -> tuple[list[Cell], dict[str, list[str]]]:
    """The cells with the blanks of the table's positional rows added, and the columns
    recorded blank, by row."""
    if cmap is None or not cmap.centres:
        return cells, {}
    rows = [m for m in matches if positional(m.candidate.values)]
    if len(rows) < MIN_ROWS:
        return cells, {}
    layouts = {id(m): _layout(m, cmap) for m in rows}
    printed: set[str] = set()
    for m in rows:
        printed |= layouts[id(m)] or {k for v in _printed(m) for k in _near(v.x, cmap)}  # type: ignore[arg-type]
    empty = [k for k in table.column_keys if k not in printed]
    if not empty:
        return cells, {}
    placed: dict[str, dict[str, Cell]] = {}
    for c in cells:
        placed.setdefault(c.row, {})[c.col] = c
    at = {key: x for x, key in cmap.centres}
    out, filled = list(cells), {}
    for m in rows:
        got = placed.get(m.row.key, {})
        rule, total = rule_of(m.row), m.row.columns[-1]
        if rule is None or set(got) != layouts[id(m)] or total not in got:
            continue  # not placed by position, or a number went nowhere: its blanks are not known
        if any(c.value is None for c in got.values()):
            continue
        blanks = [k for k in empty if k in m.row.columns and k not in got]
        if not blanks or not rule([float(got[k].value) if k in got else 0.0 for k in m.row.columns]):
            continue
        out += [
            make_cell(table, m.row.key, k, Token("", _where(got[total], at[k], cmap.tolerance)))
            for k in blanks
        ]
        filled[m.row.key] = blanks
    return out, filled
