"""The format's arithmetic as the OCR's proof-reader.

A failed check whose cells include uncertain OCR readings may be a misread,
not a finding about the report: it says so (``uncertain_involved`` and its
detail).  A reading is corrected only when exactly one substitution of one
low-confidence digit, among every uncertain cell the failures touch, makes
every check pass; the cell is then flagged ``corrected`` and keeps what was
read in ``original``.  Two candidate fixes, or none, leave the cells as read:
never a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import codebook as cb
from .checks import run_checks
from .model import FLAG_CORRECTED, FLAG_UNCERTAIN, UNCERTAIN_BELOW, Cell, CheckResult
from .numbers import parse_value, to_unit

Key = tuple[str, str]
_LEADING_ZERO = re.compile(r"^\D*0\d")


def _key(r: CheckResult) -> Key:
    return (r.check, r.scope)


def _involved(cells: list[Cell], i: int, base: dict[Key, tuple]) -> set[Key]:
    """The checks cell i enters: those whose sides move when its value moves (sums are linear)."""
    moved = cells[:]
    c = cells[i]
    moved[i] = replace(c, value=(c.value or 0) + 1)
    return {_key(r) for r in run_checks(moved) if base.get(_key(r)) != (r.expected, r.actual)}


def _low_digits(c: Cell) -> list[int]:
    """Positions in ``raw`` of the digits read with low confidence (all digits when unknown)."""
    digits = [k for k, ch in enumerate(c.raw) if ch.isdigit()]
    conf = c.location.get("digit_confidence")
    if not conf or len(conf) != len(digits):
        return digits
    return [k for k, p in zip(digits, conf, strict=True) if p < UNCERTAIN_BELOW]


def _reread(c: Cell, raw: str) -> float | int | None:
    parsed = parse_value(raw)
    if parsed.value is None:
        return None
    try:
        unit = cb.table(c.table).column(c.col).unit
    except KeyError:  # a 2019-only active column: no check reads it
        unit = ""
    return to_unit(parsed, unit)


def proofread(cells: list[Cell]) -> tuple[list[Cell], list[CheckResult], list[str]]:
    """(cells, checks, notes for the report's warnings)."""
    checks = run_checks(cells)
    failed = {_key(r) for r in checks if not r.passed}
    if not failed:
        return cells, checks, []
    base = {_key(r): (r.expected, r.actual) for r in checks}
    doubtful = [i for i, c in enumerate(cells) if FLAG_UNCERTAIN in c.flags]
    touches = {i: _involved(cells, i, base) & failed for i in doubtful}
    suspects = [i for i in doubtful if touches[i]]
    fixes: list[tuple[int, str, float | int]] = []
    for i in suspects:
        c = cells[i]
        for k in _low_digits(c):
            for d in "0123456789":
                if d == c.raw[k]:
                    continue
                raw = c.raw[:k] + d + c.raw[k + 1 :]
                if _LEADING_ZERO.match(raw):
                    continue  # "14" -> "04" would be dropping a digit, not reading one differently
                value = _reread(c, raw)
                if value is None:
                    continue
                trial = cells[:]
                trial[i] = replace(c, value=value)
                if all(r.passed for r in run_checks(trial)):
                    fixes.append((i, raw, value))
    notes: list[str] = []
    if len(fixes) == 1:
        i, raw, value = fixes[0]
        c = cells[i]
        cells = cells[:]
        cells[i] = replace(c, value=value, raw=raw, original=c.raw, flags=[*c.flags, FLAG_CORRECTED])
        notes.append(
            f"{c.table}.{c.row}.{c.col}: OCR read {c.raw!r}, corrected to {raw!r}: "
            "the only one-digit change among its doubtful digits that makes every check pass"
        )
        return cells, run_checks(cells), notes
    out = []
    for r in checks:
        names = [f"{cells[i].table}.{cells[i].row}.{cells[i].col}" for i in suspects if _key(r) in touches[i]]
        if not r.passed and names:
            r = replace(
                r, uncertain_involved=True, detail=f"{r.detail} (may be an OCR misread: {', '.join(names)})"
            )
        out.append(r)
    if len(fixes) > 1:
        notes.append(f"{len(fixes)} one-digit corrections would make every check pass: none made")
    return cells, out, notes
