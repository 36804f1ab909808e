"""The true grid of a table from its cells' rowspan and colspan.

Shared by the HTML and DOCX readers.  A merged cell is kept once, at the grid
column where it starts, with its span: repeating it at every position it covers
(as python-docx does) would count one printed number several times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: spans beyond this are treated as 1 (hostile or broken markup, e.g. colspan=100000)
MAX_SPAN = 200


@dataclass(slots=True)
class RawCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    loc: dict[str, Any] | None = None


@dataclass(slots=True)
class Placed:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    loc: dict[str, Any] | None


def _span(n: int) -> int:
    return n if 1 <= n <= MAX_SPAN else 1


def place(rows: list[list[RawCell]]) -> tuple[list[list[Placed]], int]:
    """Place each cell at its grid position; return the placed rows and the grid width.

    Cells are placed left to right into the first column not taken by a rowspan
    from above, which is how browsers lay out tables.
    """
    taken: dict[int, set[int]] = {}
    out: list[list[Placed]] = []
    width = 0
    for r, cells in enumerate(rows):
        busy = taken.get(r, set())
        col = 0
        placed: list[Placed] = []
        for cell in cells:
            while col in busy:
                col += 1
            rs, cs = _span(cell.rowspan), _span(cell.colspan)
            placed.append(Placed(cell.text, r, col, rs, cs, cell.loc))
            for dr in range(1, rs):
                taken.setdefault(r + dr, set()).update(range(col, col + cs))
            col += cs
        width = max(width, col, max(busy) + 1 if busy else 0)
        out.append(placed)
        taken.pop(r, None)
    return out, width
