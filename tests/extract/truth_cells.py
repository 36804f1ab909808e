"""A corpus report's truth cells, and an extraction scored against them cell by cell.

Shared by the OCR tests and ``benchmarks/ocr_screenshots.py``, so the figures a
benchmark prints are the ones the tests assert.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import FLAG_UNCERTAIN, Extraction
from tests.conftest import CORPUS, load_truth

Key = tuple[str, str, str]


def truth_cells(name: str) -> dict[Key, float | int | None]:
    """Every truth cell of ``CORPUS/name.truth.json`` as (table, row, col) -> value."""
    truth = load_truth(CORPUS / f"{name}.truth.json")
    return {
        (t, r, c): v
        for t, rows in truth["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
    }


@dataclass
class Score:
    right: int = 0
    #: truth cell -> (truth, what was read): wrong and not flagged uncertain (the unforgivable kind)
    silent: dict[Key, tuple] = field(default_factory=dict)
    #: wrong but flagged uncertain: said, so a reader can check it
    flagged: dict[Key, tuple] = field(default_factory=dict)
    #: truth cells not extracted at all
    missing: dict[Key, float | int | None] = field(default_factory=dict)

    def summary(self, of: int) -> str:
        return f"{self.right} of {of} right; missing {self.missing}; wrong, flagged uncertain: {self.flagged}"


def score(ex: Extraction, want: dict[Key, float | int | None]) -> Score:
    got = {(c.table, c.row, c.col): c for c in ex.cells}
    s = Score()
    for k, v in want.items():
        c = got.get(k)
        if c is None:
            s.missing[k] = v
        elif c.value == v:
            s.right += 1
        elif FLAG_UNCERTAIN in c.flags:
            s.flagged[k] = (v, c.raw)
        else:
            s.silent[k] = (v, c.raw)
    return s


#: the share of truth cells a reader of pictures must get right
RIGHT_AT_LEAST = 0.99


def assert_read(ex: Extraction, want: dict[Key, float | int | None], missing_allowed: bool = True) -> Score:
    """At least 99 % of the truth cells right and none wrong without the uncertain flag
    (nor any missing, unless allowed: a missing cell is said, a wrong one is not)."""
    s = score(ex, want)
    assert not s.silent, f"wrong values not flagged uncertain: {s.silent}; {s.summary(len(want))}"
    assert missing_allowed or not s.missing, f"truth cells missing: {s.missing}"
    assert s.right >= RIGHT_AT_LEAST * len(want), s.summary(len(want))
    return s
