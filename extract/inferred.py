"""Rows placed by the format's row order rather than by a printed label.

When a converter floats a label away from its numbers, the numbers still come
in the national table's order.  The aligner places such a row after the
previous matched one; here that placement is accepted only where the order
leaves no choice: between two rows placed by their labels (anchors), the
unlabelled rows must fill exactly the codebook rows between them, with no other
numbers in the gap.  Cells so placed carry FLAG_INFERRED, and the table's checks
must pass for every row they touch; otherwise the rows are left out with a
warning.

A floated label (a label line the reader attached to the numbers after it) is
weaker evidence than a label printed in its row: converters print such labels
above or below their numbers.  Where numbers without a label of their own are
left over in the same stretch, the floated labels may sit beside the wrong
numbers, so those rows are left out too.
"""

from __future__ import annotations

from . import codebook as cb
from .align import MATCH_THRESHOLD, Match
from .checks import run_checks
from .model import FLAG_INFERRED, Cell
from .numbers import parse_value
from .rows import Candidate


def anchored(m: Match) -> bool:
    """Placed by a label: its own, or a floated one that names the row."""
    return m.candidate.own_label or m.score >= MATCH_THRESHOLD


def _has_numbers(c: Candidate) -> bool:
    return any(parse_value(v.text).value is not None or v.text.strip() for v in c.values)


def _floated_with_strays(cands: list[Candidate], by_cand: dict[int, Match]) -> set[int]:
    """Rows placed by a floated label, in a stretch between rows with labels of their
    own that also holds numbers placed nowhere: the floated labels may sit beside
    the wrong numbers (a converter prints them above or below), so none is trusted."""
    drop: set[int] = set()
    floated: list[Match] = []
    strays = 0
    for c in [*cands, None]:
        m = by_cand.get(id(c)) if c is not None else None
        if c is None or (m is not None and m.candidate.own_label):
            if strays:
                drop.update(id(f) for f in floated)
            floated, strays = [], 0
        elif m is not None and anchored(m):
            floated.append(m)
        elif m is None and not c.own_label and sum(1 for v in c.values if v.text.strip()) > 1:
            strays += 1  # a row of numbers without a label of its own, placed nowhere
    return drop


def screen(
    cands: list[Candidate], matches: list[Match], rows: tuple[cb.Row, ...]
) -> tuple[list[Match], set[str], list[str]]:
    """The matches kept, the row keys placed by order, and warnings for those dropped."""
    pos = {r.key: i for i, r in enumerate(rows)}
    by_cand = {id(m.candidate): m for m in matches}
    drop = _floated_with_strays(cands, by_cand)
    warnings: list[str] = []
    if drop:
        keys = ", ".join(m.row.key for m in matches if id(m) in drop)
        warnings.append(f"rows with a floated label not placed, numbers nearby belong to no row: {keys}")
    # walk the candidates in reading order, cutting at anchors
    gaps: list[tuple[int, int, list[Match], int]] = []  # (row before, row after, unanchored, stray)
    prev_row, pending, stray = -1, [], 0
    for c in cands:
        m = by_cand.get(id(c))
        if m is not None and id(m) in drop:
            stray += 1
        elif m is not None and anchored(m):
            gaps.append((prev_row, pos[m.row.key], pending, stray))
            prev_row, pending, stray = pos[m.row.key], [], 0
        elif m is not None:
            pending.append(m)
        elif _has_numbers(c):
            stray += 1
    gaps.append((prev_row, len(rows), pending, stray))
    for before, after, unanchored, strays in gaps:
        if not unanchored:
            continue
        fits = not strays and len(unanchored) == after - before - 1
        fits = fits and [pos[m.row.key] for m in unanchored] == list(range(before + 1, after))
        if not fits:
            drop.update(id(m) for m in unanchored)
            keys = ", ".join(m.row.key for m in unanchored)
            warnings.append(
                f"rows without a label not placed: {len(unanchored)} numbers rows for {after - before - 1} "
                f"codebook rows between labelled rows (tentatively {keys})"
            )
    kept = [m for m in matches if id(m) not in drop]
    inferred = {m.row.key for m in kept if not anchored(m)}
    return kept, inferred, warnings


def trusted_floated(cands: list[Candidate], matches: list[Match]) -> tuple[list[Match], list[str]]:
    """For a table matched by label alone (the active table): rows placed by a floated
    label are kept only when no numbers are left over anywhere in the table."""
    used = {id(m.candidate) for m in matches}
    if not any(id(c) not in used and not c.own_label and _has_numbers(c) for c in cands):
        return matches, []
    floated = [m for m in matches if not m.candidate.own_label]
    if not floated:
        return matches, []
    keys = ", ".join(m.row.key for m in floated)
    return [m for m in matches if m.candidate.own_label], [
        f"rows with a floated label not placed, numbers nearby belong to no row: {keys}"
    ]


def _rows_of_check(check: str, scope: str, outcome: tuple[str, ...]) -> set[str]:
    if check == "requests_row_total":
        return {scope}
    if check == "requests_outcomes":
        return set(outcome) | {"total_processed"}
    if check == "requests_balance":
        return {"new_received", "carried_over", "total_processed", "carried_forward"}
    return set()


def confirm(
    table: str, cells: list[Cell], inferred: set[str], outcome: tuple[str, ...]
) -> tuple[list[Cell], list[str]]:
    """Mark the inferred cells; drop inferred rows that a failing check touches."""
    if not inferred:
        return cells, []
    bad: set[str] = set()
    for r in run_checks(cells):
        if not r.passed:
            bad |= _rows_of_check(r.check, r.scope, outcome) & inferred
    warnings = [
        f"{table}.{row}: placed by the row order, but a check on it fails; row left out"
        for row in sorted(bad)
    ]
    out = []
    for c in cells:
        if c.row in bad:
            continue
        if c.row in inferred:
            c.flags.append(FLAG_INFERRED)
            c.location = {**c.location, "inferred": "row order"}
        out.append(c)
    return out, warnings
