"""Where a table read by position prints each column, from its header's labels.

A PDF's text layer and a picture print nothing for a blank cell, so a row that
prints two of seven numbers says by its numbers' positions alone which columns
they are.  The rows that print every column teach those positions
(``align.learned_columns``); a table whose every row leaves cells blank has no
such rows, but its header still names each column above where its numbers
stand.  A narrow header cell wraps its label over two or three lines (商业 /
企业, 社会公 / 益组织, 自 / 人 with 然 read beside 自): the fragments stacked
one above the other at the same x are read together.
"""

from __future__ import annotations

from .align import ColumnMap, core
from .codebook import REQUEST_EXTRA_COLUMNS, Table
from .model import Line, Token
from .rows import is_value

#: a value is placed only this close to a centre, as a share of the narrowest gap between centres:
#: between two columns lies a strip where a number belongs to neither (left out, never guessed)
TOLERANCE = 0.4
#: two fragments one above the other belong to one label when the gap between them is at most
#: this many text heights (a label's second line, in a cell with generous line spacing)
_STACK_GAP = 1.5

_POSITIONAL = ("pdf", "ocr")


def header_tokens(lines: list[Line]) -> list[Token]:
    """The words above the table's first row of numbers: the header, where the columns are named."""
    out: list[Token] = []
    for line in lines:
        cells = line.cells or []
        if any(t.text.strip() and is_value(t.text) for t in cells):
            break
        out += [t for t in cells if t.text.strip() and t.x is not None and t.loc.get("kind") in _POSITIONAL]
    return out


def _above_each_other(a: Token, b: Token) -> bool:
    """Two fragments of one stacked label: each one's centre within the other's width, close vertically."""
    ax0, ay0, ax1, ay1 = a.loc["bbox"]
    bx0, by0, bx1, by1 = b.loc["bbox"]
    if not (ax0 <= b.x <= ax1 and bx0 <= a.x <= bx1):
        return False
    gap = max(ay0, by0) - min(ay1, by1)
    return gap <= _STACK_GAP * max(ay1 - ay0, by1 - by0)


def stacks(tokens: list[Token]) -> list[list[Token]]:
    """Tokens in reading order grouped into labels stacked over several lines, each read downwards."""
    out: list[list[Token]] = []
    for t in tokens:
        for s in out:
            if _above_each_other(s[-1], t):
                s.append(t)
                break
        else:
            out.append([t])
    return out


def _subsequence(part: str, whole: str) -> bool:
    it = iter(whole)
    return all(ch in it for ch in part)


def _key(text: str, names: dict[str, str]) -> str | None:
    """The column a stacked label names: exactly, or as the only label holding its characters
    in order (a character the OCR read beside its stack, 然 of 自然人, is missing from it)."""
    if text in names:
        return names[text]
    if len(text) < 2:
        return None
    keys = {k for name, k in names.items() if 2 * len(text) >= len(name) and _subsequence(text, name)}
    return keys.pop() if len(keys) == 1 else None


def header_columns(lines: list[Line], table: Table) -> ColumnMap | None:
    """Column x-centres from the header's labels, or None unless every column of the table
    is named exactly once and the names stand left to right in the table's order."""
    names = {core(lbl): c.key for c in table.columns for lbl in c.labels}
    names.update({core(v): k for k, v in REQUEST_EXTRA_COLUMNS.items()})
    found: dict[str, list[float]] = {}
    for s in stacks(header_tokens(lines)):
        key = _key(core("".join(t.text for t in s)), names)
        if key:
            found.setdefault(key, []).append(sum(t.x for t in s) / len(s))
    if any(len(xs) > 1 for xs in found.values()) or not set(table.column_keys) <= set(found):
        return None
    centres = sorted((xs[0], key) for key, xs in found.items())
    order = [k for _, k in centres if k in table.column_keys]
    if order != list(table.column_keys):
        return None
    gaps = [b[0] - a[0] for a, b in zip(centres, centres[1:], strict=False)]
    if not gaps or min(gaps) <= 0:
        return None
    return ColumnMap({}, centres, tolerance=TOLERANCE * min(gaps))
