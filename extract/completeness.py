"""Did the extractor find every canonical row of the report's format?

Checks cannot tell: a row that was never placed contributes nothing to either
side of a sum, so a report missing an all-zero row passes every check.  The
verdict here compares what was placed with what the format prints, so "ok"
means complete and a report that lost rows says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import codebook as cb
from .model import Cell


@dataclass(slots=True)
class Completeness:
    cells_expected: int
    cells_found: int
    #: canonical rows of which no cell was placed, as ``table.row``
    missing_rows: list[str] = field(default_factory=list)
    #: rows placed with some of their columns missing, as ``table.row (found of expected)``
    incomplete_rows: list[str] = field(default_factory=list)

    @property
    def cells_missing(self) -> int:
        return self.cells_expected - self.cells_found

    @property
    def complete(self) -> bool:
        return self.cells_missing == 0 and not self.missing_rows

    def summary(self) -> str:
        """One line for ``check``: what is missing, by row."""
        if self.complete:
            return f"all {self.cells_expected} cells of the format found"
        detail = []
        if self.missing_rows:
            detail.append(f"rows {', '.join(self.missing_rows)}")
        if self.incomplete_rows:
            detail.append(f"incomplete {', '.join(self.incomplete_rows)}")
        head = f"{self.cells_missing} of {self.cells_expected} cells missing"
        return head + (": " + "; ".join(detail) if detail else "")


def completeness(tables: list[cb.Table], cells: list[Cell]) -> Completeness:
    """Placed cells against the rows the chosen tables print (one table per section)."""
    placed: dict[tuple[str, str], set[str]] = {}
    for c in cells:
        placed.setdefault((c.table, c.row), set()).add(c.col)
    res = Completeness(0, 0)
    for t in tables:
        for r in t.rows:
            want = set(r.columns)
            got = placed.get((t.key, r.key), set()) & want
            res.cells_expected += len(want)
            res.cells_found += len(got)
            if not got:
                res.missing_rows.append(f"{t.key}.{r.key}")
            elif got != want:
                res.incomplete_rows.append(f"{t.key}.{r.key} ({len(got)} of {len(want)})")
    return res
