"""Printed rows re-cut by the table's own width and arithmetic, before alignment.

Damages of flattened tables that leave a row with the wrong number of values:

* one line holding two rows' numbers (a page dump, or a converter that lost the
  label of the second row): ``1 0 0 0 0 0 1 0 0 0 0 0 0 0`` where a row has 7
  columns.  It is cut into rows of 7 only when every piece satisfies the row
  arithmetic; the pieces after the first have no label of their own and are
  placed by the row order (``extract.inferred``).
* two rows' digits run together (``10000010000000``): cut into two rows only when
  no single row fits them and exactly one pair of rows does.
* one row cut by a page break: its label and first cells end one pipe table,
  its other cells open the next (``| 1.本机关不掌握相关政府信息 | 484 | 28 |`` …
  ``| 0 | 1 | 0 | 513 |``).  The two are joined only when they make exactly one
  row's width, the second has no label, and the joined row adds up; one cell short
  of the width, the cell at the cut is lost (placed nowhere, said in a warning).
"""

from __future__ import annotations

from .digit_runs import Rule, numbers, resolve, run_token, sum_rule
from .model import Token
from .rows import Candidate


def _printed(c: Candidate) -> list:
    return [v for v in c.values if v.text.strip()]


def recut(cands: list[Candidate], width: int, rule: Rule) -> list[Candidate]:
    out: list[Candidate] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if len(c.values) == width:  # the common case: a whole row
            out.append(c)
            i += 1
            continue
        vals = _printed(c)
        if len(vals) >= 2 * width and len(vals) % width == 0 and len(vals) == len(c.values):
            chunks = [vals[j : j + width] for j in range(0, len(vals), width)]
            if all(rule(numbers(ch)) for ch in chunks):
                out.append(Candidate(c.label, chunks[0], c.loc, c.own_label))
                out += [Candidate("", ch, ch[0].loc, own_label=False) for ch in chunks[1:]]
                i += 1
                continue
        if (
            len(vals) < 2 * width
            and any(run_token(v) for v in vals)
            and not resolve(vals, width, rule, width).ways
        ):
            two = resolve(vals, 2 * width, sum_rule(2, width), width)
            if two.tokens is not None:  # two rows' digits run together, the second row's label lost
                out.append(Candidate(c.label, two.tokens[:width], c.loc, c.own_label))
                out.append(Candidate("", two.tokens[width:], two.tokens[width].loc, own_label=False))
                i += 1
                continue
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if (
            nxt is not None
            and c.own_label
            and not nxt.own_label
            and not nxt.label.strip()
            and 0 < len(c.values) < width
            and len(c.values) + len(nxt.values) == width
            and rule(numbers(c.values + nxt.values))
        ):
            out.append(Candidate(c.label, c.values + nxt.values, c.loc, True))
            i += 2
            continue
        if (
            nxt is not None
            and c.own_label
            and not nxt.own_label
            and not nxt.label.strip()
            and len(c.values) > 0
            and len(c.values) + len(nxt.values) == width - 1
            and rule(numbers(c.values + nxt.values))
        ):
            # one cell lost where the row was cut (a trailing empty cell the pipe table dropped):
            # its column is known, its content is not, so it is kept as a lost cell, never a value
            lost = Token("", {**c.values[-1].loc, "lost": "cut row"})
            out.append(Candidate(c.label, [*c.values, lost, *nxt.values], c.loc, True))
            i += 2
            continue
        out.append(c)
        i += 1
    return out
