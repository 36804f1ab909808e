"""A picture's table rows put back together where the OCR's line grouping cut them.

The OCR reader groups words into lines by their height on the page
(``ocr_reader._lines``), which suits prose and one-line rows.  Two things of a
table it cannot know:

* a row label wrapped over several lines of a narrow cell, the row's numbers
  centred beside its middle line, reads as label part / label part + numbers /
  label part.  The first part waits for numbers (``rows.assemble``) but is
  dropped when the number line has a fragment of its own (量, 密, or the group
  label 办理结果 of the column to its left), and the last part waits for the
  next row's numbers.  Here a label fragment between two rows of numbers on a
  page joins the nearer one (a tie goes to the lower row, where a waiting label
  goes anyway); below a page's or table's last row it joins that row only as
  far below it as the row's label reaches above it, the mirror of a label
  centred on its numbers (else it is the next row's first line, on the next page).
* a number close to its cell's left border is read as one word with the end of
  the label beside it (情8, 确认或重新出具0): a label word reaching into the
  numbers' area with digits at its end gives those digits back as a number.

Lines of the other readers pass unchanged: a text layer prints a wrapped label's
lines before its numbers, where the waiting label finds them.
"""

from __future__ import annotations

import re
from statistics import median

from .model import Line, Token
from .rows import is_value, split_row

#: a fragment is nearer one row than the other by at least this many text heights, else it is a tie
_TIE = 0.25
#: a digit is about this many text heights wide (a glued number's box is estimated from it)
_DIGIT_WIDTH = 0.65
_GLUED = re.compile(r"^(.*[^\d\s.．、])(\d+)$")


def _ocr(line: Line) -> bool:
    return bool(line.cells) and all(t.loc.get("kind") == "ocr" and "bbox" in t.loc for t in line.cells)


def _numbers(line: Line) -> list[Token]:
    return [v for v in split_row(line.cells or [])[1] if v.text.strip()]


def _height(t: Token) -> float:
    return t.loc["bbox"][3] - t.loc["bbox"][1]


def _mid(tokens: list[Token]) -> float:
    return sum(t.loc["bbox"][1] + t.loc["bbox"][3] for t in tokens) / (2 * len(tokens))


def numbers_start(lines: list[Line]) -> float | None:
    """Where the numbers' area begins: the left edge of a typical row's first number."""
    starts = [nums[0].loc["bbox"][0] for ln in lines if _ocr(ln) and len(nums := _numbers(ln)) >= 2]
    return median(starts) if starts else None


def unglue(line: Line, start: float) -> Line:
    """The line with the digits read onto the end of its last label word split off as a number."""
    labels, values, tail = split_row(line.cells or [])
    if not labels or not any(v.text.strip() for v in values):
        return line
    last = labels[-1]
    m = _GLUED.match(last.text)
    x0, y0, x1, y1 = last.loc["bbox"]
    if not m or not x0 < start < x1:
        return line
    width = _DIGIT_WIDTH * (y1 - y0)
    cut = max(x0, x1 - width * len(m.group(2)))
    if cut < start - width / 2:
        return line  # the digits would stand in the label's cell: they are the label's
    loc = {k: v for k, v in last.loc.items() if k != "digit_confidence"}
    conf = last.loc.get("digit_confidence")
    number_loc = {**loc, "bbox": [round(cut, 1), y0, x1, y1], "glued": last.text}
    if conf:
        number_loc["digit_confidence"] = conf[-len(m.group(2)) :]
    confidence = min(conf[-len(m.group(2)) :]) if conf else last.confidence
    word = Token(m.group(1), {**loc, "bbox": [x0, y0, round(cut, 1), y1]}, (x0 + cut) / 2, last.span)
    number = Token(m.group(2), number_loc, (cut + x1) / 2, last.span, confidence)
    cells = [*labels[:-1], word, number, *values, *tail]
    return Line(" ".join(t.text for t in cells), line.loc, cells, line.width, line.complete)


def _fragment(line: Line, start: float) -> bool:
    """A line of label words only, all left of the numbers: part of a wrapped label."""
    return _ocr(line) and all(not is_value(t.text) and (t.x or 0) < start for t in line.cells or [])


def _reach(line: Line, heads: list[Line]) -> float:
    """How far above its numbers a row's label reaches (0: it sits on the numbers' line)."""
    mid = _mid(_numbers(line))
    return max((mid - _mid(h.cells or []) for h in heads), default=0.0)


def _claimed(lines: list[Line], p: int, heads: list[Line], run: list[int], n: int | None, tie: float) -> int:
    """How many of the fragments ``run``, below row p, end row p's label (the rest begin row n's)."""
    page = lines[p].loc.get("page")
    here = _mid(_numbers(lines[p]))
    there = _mid(_numbers(lines[n])) if n is not None and lines[n].loc.get("page") == page else None
    reach = _reach(lines[p], heads)
    k = 0
    for j in run:
        if lines[j].loc.get("page") != page:
            break
        mid = _mid(lines[j].cells or [])
        if not (mid - here < there - mid - tie if there is not None else mid - here <= reach + tie):
            break
        k += 1
    return k


def join_wrapped(lines: list[Line], start: float) -> list[Line]:
    """Each wrapped label's fragments moved onto the line of its row's numbers."""
    heights = [_height(t) for ln in lines if _ocr(ln) for t in ln.cells or []]
    tie = _TIE * median(heights) if heights else 0.0
    before: dict[int, list[int]] = {}  # number line -> the fragments above it that begin its label
    after: dict[int, list[int]] = {}  # number line -> the fragments below it that end its label
    p: int | None = None  # the last number line, unless a line of another kind came since
    run: list[int] = []  # the fragments since
    for i, ln in enumerate([*lines, None]):
        if ln is not None and _fragment(ln, start):
            run.append(i)
            continue
        n = i if ln is not None and _ocr(ln) and _numbers(ln) else None
        if p is not None:
            k = _claimed(lines, p, [lines[j] for j in before.get(p, [])], run, n, tie)
            after[p] = run[:k]
            if n is not None:
                before[n] = run[k:]
        p, run = n, []
    moved = {j for js in [*before.values(), *after.values()] for j in js}
    out = []
    for i, ln in enumerate(lines):
        if i in moved:
            continue
        if before.get(i) or after.get(i):
            labels, values, tail = split_row(ln.cells or [])
            words = [t for j in before.get(i, []) for t in lines[j].cells or []] + labels
            words += [t for j in after.get(i, []) for t in lines[j].cells or []]
            cells = [*words, *values, *tail]
            ln = Line(" ".join(t.text for t in cells), ln.loc, cells, ln.width, ln.complete)
        out.append(ln)
    return out


def repair(lines: list[Line]) -> list[Line]:
    """The section's lines with glued numbers split off and wrapped labels joined (OCR lines only)."""
    start = numbers_start(lines)
    if start is None:
        return lines
    return join_wrapped([unglue(ln, start) if _ocr(ln) else ln for ln in lines], start)
