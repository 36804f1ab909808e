"""Runs of digits that stand for several cells: ``291000030`` printed where a row
needs the seven numbers 29 1 0 0 0 0 30 (a page dump that lost the separators).

A run is split only when the row's own arithmetic leaves exactly one way to do
it: the requests table's 总计 is the sum of the six applicant columns, each group
of five in the review table ends in its total.  A part never starts with a
zero unless it is the digit 0 itself (no one prints "05").  Rows without
arithmetic (the active table) are split only when the digits force it
(``000`` in a row of three).  Anything else is left to the caller to report:
an ambiguous run is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import Token
from .numbers import clean, parse_value

#: a token that may be several cells run together: digits, then at most a decimal tail and a unit
_RUN = re.compile(r"^(\d+)((?:\.\d+)?(?:万元|元|万件|万条|万|件|条|个|项|次)?)$")
#: longest count a part may be; reports' counts stay far below ten million
MAX_DIGITS = 7
#: stop counting splits here: two means ambiguous
_ENOUGH = 2
#: cut positions tried before the search gives up (a hostile run of digits); the row is then left out
BUDGET = 5000
#: ``Resolution.ways`` when the search gave up
GAVE_UP = -1

Rule = Callable[[list[float]], bool]


@dataclass(frozen=True, slots=True)
class Resolution:
    """``tokens``: the row's values, one per column, when exactly one split fits;
    otherwise None and ``ways`` says how many fitted (0, or 2 meaning "two or more")."""

    tokens: list[Token] | None
    ways: int
    #: every split that fits, when there are several (at most the search's limit)
    options: tuple[list[Token], ...] = ()


def splittable(text: str) -> bool:
    m = _RUN.match(clean(text))
    return bool(m) and len(m.group(1)) > 1


def sum_rule(groups: int, width: int) -> Rule:
    """Each consecutive group of ``width`` values ends in the sum of the others
    (requests: one group of 7; the review table printed in one row: three of 5)."""

    def ok(values: list[float]) -> bool:
        for g in range(groups):
            part = values[g * width : (g + 1) * width]
            if abs(sum(part[:-1]) - part[-1]) > 1e-6:
                return False
        return True

    return ok


def _value(text: str) -> float:
    v = parse_value(text).value
    return 0.0 if v is None else float(v)


def resolve(
    values: Sequence[Token], k: int, rule: Rule | None, group: int | None = None, limit: int = _ENOUGH
) -> Resolution:
    """Split the row's value tokens into exactly ``k`` parts.

    ``rule`` checks a complete row (None: any split is acceptable, so only a
    forced split is unique); ``group``, when the rule is a per-group sum, lets
    the search check each group as soon as it is complete.
    """
    pieces: list[tuple[str, str, Token]] = []  # (digits, tail, token); digits "" = atomic
    for t in values:
        text = clean(t.text)
        m = _RUN.match(text)
        if m:
            pieces.append((m.group(1), m.group(2), t))
        else:
            pieces.append(("", text, t))
    found: list[list[tuple[str, Token, int]]] = []
    parts: list[tuple[str, Token, int]] = []
    nums: list[float] = []

    def group_ok() -> bool:
        if group is None or rule is None or len(nums) % group:
            return True
        g = nums[len(nums) - group :]
        return abs(sum(g[:-1]) - g[-1]) <= 1e-6

    # digits (atomic: 1) from piece i on, for the bound "each part takes at least one"
    room = [0] * (len(pieces) + 1)
    for i in range(len(pieces) - 1, -1, -1):
        room[i] = room[i + 1] + (len(pieces[i][0]) or 1)

    steps, gave_up = [0], [False]

    def walk(i: int, pos: int) -> None:
        if len(found) >= limit or gave_up[0]:
            return
        if i == len(pieces):
            if len(parts) == k and (rule is None or rule(nums)):
                found.append(list(parts))
            return
        need = k - len(parts)  # parts still to make
        left = room[i] - pos  # digits still to place
        if len(pieces) - i > need or left < need or left > need * MAX_DIGITS:
            return
        digits, tail, tok = pieces[i]
        if not digits:  # an atomic value ("/", "1,259"): one part as printed
            parts.append((tail, tok, -1))
            nums.append(_value(tail))
            if group_ok():
                walk(i + 1, 0)
            parts.pop()
            nums.pop()
            return
        steps[0] += 1
        if steps[0] > BUDGET:
            gave_up[0] = True
            return
        rest = len(digits) - pos
        lengths = range(1, min(MAX_DIGITS, rest) + 1)
        if group is not None and rule is not None and len(nums) % group == group - 1:
            # the group's total is the sum of its other parts: only its own length can fit
            total = sum(nums[len(nums) - group + 1 :])
            if float(total).is_integer():
                lengths = [len(str(int(total)))] if len(str(int(total))) <= rest else []
        for n in lengths:
            chunk = digits[pos : pos + n]
            if n > 1 and chunk[0] == "0":
                break
            last = n == rest
            text = chunk + (tail if last else "")
            parts.append((text, tok, pos))
            nums.append(_value(text) if last and tail else float(chunk))
            if group_ok():
                if last:
                    walk(i + 1, 0)
                else:
                    walk(i, pos + n)
            parts.pop()
            nums.pop()

    walk(0, 0)
    if gave_up[0]:
        return Resolution(None, GAVE_UP)
    options = tuple(_tokens(f) for f in found)
    if len(found) != 1:
        return Resolution(None, min(len(found), _ENOUGH), options if len(found) > 1 else ())
    return Resolution(options[0], 1)


def _tokens(parts: list[tuple[str, Token, int]]) -> list[Token]:
    out: list[Token] = []
    for text, tok, pos in parts:
        if pos < 0 or text == tok.text:
            out.append(tok)
        else:
            out.append(Token(text, {**tok.loc, "run": tok.text, "run_offset": pos}, tok.x, tok.span))
    return out


def run_token(t: Token) -> bool:
    """Only words of running text can be fused runs: a grid cell, a pipe cell or a
    positioned PDF word was printed as one cell."""
    return "word" in t.loc and t.x is None and splittable(t.text)


#: splits kept for the table's checks to choose from when the row's arithmetic leaves several
OPTIONS = 24


@dataclass(slots=True)
class Fit:
    """A row's values ready for placement (``tokens``), or why not (``warning``);
    ``options``: the splits that fit the row's arithmetic, for the table's checks to decide."""

    tokens: list[Token] | None
    warning: str | None = None
    options: tuple[list[Token], ...] = ()


def fit_row(values: list[Token], columns: tuple[str, ...], rule: Rule | None, group: int | None) -> Fit:
    """The row's values with fused runs split, or the reason the row cannot be read.

    A row that printed fewer numbers than columns, some of them runs, is split
    when one split fits.  A row of separate numbers that is short of columns
    (blank cells lost) is placed by the table's edges, and where the row has
    arithmetic only if what is printed adds up.  Not a picture's row without
    arithmetic: OCR loses a number now and then, and no edge says which.
    """
    printed = [v for v in values if v.text.strip()]
    k = len(columns)
    if len(printed) >= k:
        return Fit(values)
    if rule is None and any(v.loc.get("kind") == "ocr" for v in printed):
        shown = " ".join(v.text for v in printed)
        return Fit(None, f"{len(printed)} values {shown!r} for {k} columns read from a picture; row left out")
    if not any(run_token(v) for v in printed):
        damaged = any("offset" in v.loc for v in printed)
        if rule is not None and damaged and len(printed) > 2:
            # a text that lost its separators may have run two short rows together ("0 0" + "0 0"):
            # only the edges of one row (first applicant, 总计) are safe
            shown = " ".join(v.text for v in printed)
            return Fit(None, f"{len(printed)} values {shown!r} for {k} columns in damaged text; row left out")
        if rule is None or not printed or rule(numbers(printed)):
            return Fit(values)
        shown = " ".join(v.text for v in printed)
        return Fit(None, f"{len(printed)} values {shown!r} for {k} columns do not add up; row left out")
    res = resolve(printed, k, rule, group, limit=OPTIONS)
    if res.tokens is not None:
        return Fit(res.tokens)
    if len(printed) > 1 and rule is None and not any("offset" in v.loc for v in printed):
        # no arithmetic to tell a run from a lost blank, and a text that kept its separators
        # everywhere else: the numbers are cells, placed by the table's edges as before
        return Fit(values)
    digits = sum(len(_RUN.match(clean(v.text)).group(1)) if _RUN.match(clean(v.text)) else 1 for v in printed)
    if res.ways == 0 and rule is not None and digits < k:
        # too few digits for every column: blanks were lost; the edges (first applicant, total) may still be read
        edges = resolve(printed, 2, _equal)
        if edges.tokens is not None:
            return Fit(edges.tokens)
    runs = " ".join(v.text for v in printed)
    how = {0: "no split fits", GAVE_UP: "too many splits to try"}.get(res.ways, "more than one split fits")
    return Fit(None, f"digits {runs!r} for {k} columns: {how} the row; row left out", res.options)


def _equal(values: list[float]) -> bool:
    return abs(values[0] - values[1]) <= 1e-6


def numbers(tokens: Sequence[Token]) -> list[float]:
    """The tokens' values for a rule, a printed blank counting 0 as in the checks."""
    return [_value(clean(t.text)) for t in tokens]
