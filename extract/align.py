"""Candidate rows to canonical cells: which printed row is which codebook row,
and which printed number is which column.

Rows are matched by an order-preserving alignment (dynamic programming) of the
printed rows against the codebook's row sequence.  Each pairing scores the
label's similarity (character bigrams, so spaces, typos such as "其他法律行政止
公开", group labels sharing the line and label fragments all still score), plus
a bonus for following the previously matched row: a row whose label was lost
(OCR, page breaks) is placed by its neighbours.  A row that matches nothing
well enough is left out and reported, never guessed into a wrong row.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from .codebook import REQUEST_EXTRA_COLUMNS, Row, Table
from .model import FLAG_UNCERTAIN, METHOD_OCR, UNCERTAIN_BELOW, Cell, Token
from .numbers import clean, parse_value, to_unit
from .rows import Candidate

_NUMBERING = re.compile(
    r"[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[.．、]"
)
_NON_WORD = re.compile(r"[^\w]|_")

MATCH_THRESHOLD = 0.3
ADJACENCY_BONUS = 0.35
COUNT_FIT_BONUS = 0.1
MIN_LABEL_EVIDENCE = 0.15


def core(text: str) -> str:
    """A label without numbering, punctuation or spaces: what is compared."""
    return _NON_WORD.sub("", _NUMBERING.sub("", clean(text)))


@lru_cache(maxsize=8192)
def label_grams(label: str) -> frozenset[str]:
    return bigrams(core(label))


def bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _score(m: int, canon_size: int, cand_size: int) -> float:
    """The share of the row's bigrams that the label contains, damped for short
    labels: a two-character label like 其他 is weak evidence on its own."""
    coverage = m / canon_size
    precision = m / cand_size
    return max(coverage, 0.8 * precision) * (1 - math.exp(-(m + 1) / 3))


class RowIndex:
    """Bigram postings of a row sequence's labels, so a candidate is compared
    only with the rows it shares a bigram with."""

    def __init__(self, rows: tuple[Row, ...]) -> None:
        self.rows = rows
        self.sizes: dict[tuple[int, int], int] = {}
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self._memo: dict[frozenset[str], list[float]] = {}  # labels repeat across reports
        for k, row in enumerate(rows):
            for li, label in enumerate(row.labels):
                grams = bigrams(core(label))
                if grams:
                    self.sizes[(k, li)] = len(grams)
                    for g in grams:
                        self.postings.setdefault(g, []).append((k, li))

    def similarities(self, cand: frozenset[str]) -> list[float]:
        cached = self._memo.get(cand)
        if cached is not None:
            return cached
        out = [0.0] * len(self.rows)
        if len(self._memo) < 4096:
            self._memo[cand] = out
        if not cand:
            return out
        counts: dict[tuple[int, int], int] = {}
        for g in cand:
            for kl in self.postings.get(g, ()):
                counts[kl] = counts.get(kl, 0) + 1
        for (k, li), m in counts.items():
            score = _score(m, self.sizes[(k, li)], len(cand))
            if score > out[k]:
                out[k] = score
        return out


_INDEXES: dict[int, RowIndex] = {}


def row_index(rows: tuple[Row, ...]) -> RowIndex:
    idx = _INDEXES.get(id(rows))
    if idx is None or idx.rows is not rows:
        idx = _INDEXES[id(rows)] = RowIndex(rows)
    return idx


@dataclass(slots=True)
class Match:
    candidate: Candidate
    row: Row
    score: float


def align(cands: list[Candidate], rows: tuple[Row, ...]) -> tuple[list[Match], float]:
    """The best order-preserving assignment of candidates to rows, and its score."""
    m, n = len(cands), len(rows)
    index = row_index(rows)
    sims = [index.similarities(label_grams(c.label)) for c in cands]
    widths = [len(r.columns) for r in rows]
    base = []
    for i, c in enumerate(cands):
        counts = _counts(c)
        base.append(
            [
                sims[i][k] - MATCH_THRESHOLD + (COUNT_FIT_BONUS if widths[k] in counts else -COUNT_FIT_BONUS)
                for k in range(n)
            ]
        )
    neg = -1e9
    # best[s]: best score so far with the last matched row s - 1 (s = 0: none yet)
    best = [0.0] + [neg] * n
    back: list[dict[int, int]] = []  # per candidate: state -> previous state, where it matched
    for i in range(m):
        row_base, row_sims = base[i], sims[i]
        adjacent_ok = not cands[i].own_label
        if adjacent_ok:
            ks = range(n)
        else:  # a labelled row can only go where its label is some evidence
            ks = [k for k in range(n) if row_base[k] > 0 or row_sims[k] >= MIN_LABEL_EVIDENCE]
        new = best[:]  # skipping candidate i keeps every state
        choice: dict[int, int] = {}
        prefix = list(accumulate(best, max))  # best score over states 0..s
        for k in ks:
            g = row_base[k]
            top, prev = neg, -1
            if g > 0 and k > 0 and prefix[k - 1] > neg / 2:
                top = prefix[k - 1] + g  # after some earlier row
                prev = best.index(prefix[k - 1], 0, k)
            if best[k] > neg / 2 and (adjacent_ok or row_sims[k] >= MIN_LABEL_EVIDENCE):
                # directly follows the previous match; a label of its own that names
                # nothing like the row is evidence against it, a lost label is not
                ga = g + ADJACENCY_BONUS
                if ga > 0 and best[k] + ga > top:
                    top, prev = best[k] + ga, k
            if k == 0 and g > 0 and prev < 0:
                top, prev = best[0] + g, 0
            if prev >= 0 and top > new[k + 1]:
                new[k + 1] = top
                choice[k + 1] = prev
        back.append(choice)
        best = new
    # trace back
    state = max(range(n + 1), key=lambda s: best[s])
    total = best[state]
    matches: list[Match] = []
    for i in range(m - 1, -1, -1):
        if state not in back[i]:
            continue  # candidate i was skipped
        matches.append(Match(cands[i], rows[state - 1], sims[i][state - 1]))
        state = back[i][state]
    matches.reverse()
    return matches, total


def assign(cands: list[Candidate], rows: tuple[Row, ...], threshold: float = 0.4) -> list[Match]:
    """Best label match per row, order ignored.

    For the active table, whose row labels are distinct words (规章, 行政许可…)
    and whose blocks converters sometimes print out of order; a row without a
    label cannot be placed here.
    """
    pairs = []
    index = row_index(rows)
    for i, c in enumerate(cands):
        sims = index.similarities(label_grams(c.label))
        for k, r in enumerate(rows):
            s = sims[k]
            if s >= threshold:
                pairs.append((s + (COUNT_FIT_BONUS if _fits(c, r) else 0), i, k, s))
    pairs.sort(key=lambda p: (-p[0], p[1]))
    used_c: set[int] = set()
    used_r: set[int] = set()
    out = []
    for _, i, k, s in pairs:
        if i in used_c or k in used_r:
            continue
        used_c.add(i)
        used_r.add(k)
        out.append(Match(cands[i], rows[k], s))
    out.sort(key=lambda m: cands.index(m.candidate))
    return out


def _counts(c: Candidate) -> tuple[int, int]:
    """Values printed, with and without blanks: a row fits a codebook row whose width is either."""
    return len(c.values), sum(1 for v in c.values if v.text.strip())


def _fits(c: Candidate, r: Row) -> bool:
    return len(r.columns) in _counts(c)


# ------------------------------------------------------------------ columns


@dataclass(slots=True)
class ColumnMap:
    """Where each column of a table is printed: grid position -> column key
    (grids, from the header), or x-centres -> column key (PDF, learned from the
    rows that print every column).

    It places the numbers of a row that prints fewer or more columns than the
    codebook has: a PDF prints nothing for a blank cell, so position is the only
    evidence of which column a number belongs to.
    """

    by_x: dict[int, str]
    centres: list[tuple[float, str]] | None = None
    tolerance: float = 0.0

    def key_at(self, x: float | None) -> str | None:
        if x is None:
            return None
        if self.centres:
            cx, key = min(self.centres, key=lambda c: abs(c[0] - x))
            return key if abs(cx - x) <= self.tolerance else None
        return self.by_x.get(int(x))


def learned_columns(rows: list[list[Token]], columns: tuple[str, ...]) -> ColumnMap | None:
    """Column x-centres from PDF rows that print exactly one value per column."""
    full = [r for r in rows if len(r) == len(columns) and all(v.x is not None for v in r)]
    if len(full) < 3 or len(columns) < 2:
        return None
    centres = []
    for j, key in enumerate(columns):
        xs = sorted(r[j].x for r in full)
        centres.append((xs[len(xs) // 2], key))
    gaps = [b[0] - a[0] for a, b in zip(centres, centres[1:], strict=False)]
    if min(gaps) <= 0:
        return None
    return ColumnMap({}, centres, tolerance=min(gaps) / 2)


def positional(values: list[Token]) -> bool:
    """Numbers whose place on the page is known (a PDF's text layer, a picture): no grid says their column."""
    printed = [v for v in values if v.text.strip()]
    return bool(printed) and all(v.x is not None and v.loc.get("kind") in ("pdf", "ocr") for v in printed)


def shared_columns(
    rows: list[tuple[tuple[str, ...], list[Token]]], share: float = 0.4
) -> dict[tuple, ColumnMap]:
    """Column x-centres per column tuple, learned from the full rows of every row group as wide.

    The 2019 active table prints its groups (本年新制作数量 …, 上一年项目数量 …) in one
    grid, so their columns stand at the same places, though a group has only two
    to four rows of its own.  The tolerance is ``share`` of the narrowest gap (not
    half): a group printed at other places puts its numbers between the centres,
    where they are left out rather than read into a neighbour.
    """
    by_width: dict[int, list[list[Token]]] = {}
    for cols, vals in rows:
        by_width.setdefault(len(cols), []).append(vals)
    out: dict[tuple, ColumnMap] = {}
    for cols, _ in rows:
        slots = tuple(str(j) for j in range(len(cols)))
        learned = None if cols in out else learned_columns(by_width[len(cols)], slots)
        if learned and learned.centres:
            centres = [(x, cols[int(k)]) for x, k in learned.centres]
            out[cols] = ColumnMap({}, centres, tolerance=2 * share * learned.tolerance)
    return out


def column_map(header_tokens: list[Token], table: Table) -> ColumnMap | None:
    by_x: dict[int, str] = {}
    names = {core(lbl): c.key for c in table.columns for lbl in c.labels}
    names.update({core(v): k for k, v in REQUEST_EXTRA_COLUMNS.items()})
    for t in header_tokens:
        if t.x is None or t.loc.get("kind") in ("pdf", "ocr"):
            continue
        key = names.get(core(t.text))
        if key:
            for x in range(int(t.x), int(t.x) + t.span):
                by_x.setdefault(x, key)
    return ColumnMap(by_x) if by_x else None


def columns_printed(k: int, n: int) -> str:
    """The warning of a row placed by position that printed k of its n columns."""
    return f"{k} of {n} columns printed"


def place_values(
    values: list[Token], columns: tuple[str, ...], cmap: ColumnMap | None, subtotal: bool = False
) -> tuple[list[tuple[str, Token]], str | None]:
    """Pair each printed value with a column key.  Returns the pairs and a
    warning when the row printed a different number of values than expected.

    ``subtotal``: the table prints a 小计 column (the legal persons' subtotal)
    just before 总计; it is not canonical, so its number is left out.
    """
    vals = list(values)
    n = len(columns)
    while len(vals) > n and not vals[0].text.strip():
        vals.pop(0)  # an empty sub-label cell in front of the numbers
    while len(vals) > n and not vals[-1].text.strip():
        vals.pop()
    if subtotal and len(vals) == n + 1 and not (cmap and all(v.x is not None for v in vals)):
        del vals[-2]
    if cmap and all(v.x is not None for v in vals):
        keyed = [(cmap.key_at(v.x), v) for v in vals]
        placed = [(k, v) for k, v in keyed if k in columns]
        if len({k for k, _ in placed}) == len(placed) and (len(vals) != n or len(placed) == n):
            warn = None if len(placed) == n else columns_printed(len(placed), n)
            return placed, warn
    if len(vals) == n:
        return list(zip(columns, vals, strict=True)), None
    if len(vals) > n:
        return list(
            zip(columns, vals[-n:], strict=True)
        ), f"{len(vals)} values for {n} columns; kept the last {n}"
    if not vals:
        return [], "no values"
    # Fewer values and no positions: the first and last columns are the table's
    # edges (本年制发件数 … 现行有效件数, 自然人 … 总计); a middle column is the one lost.
    pairs = list(zip(columns[: len(vals) - 1], vals[:-1], strict=True)) + [(columns[-1], vals[-1])]
    missing = [c for c in columns if c not in {k for k, _ in pairs}]
    return pairs, f"{len(vals)} values for {n} columns; not placed: {', '.join(missing)}"


def make_cell(table: Table, row: str, col: str, tok: Token) -> Cell:
    """A count (件) is a whole number: "12.0" is 12, and a fraction is no count at all
    (value null, raw kept; the caller warns), so counts stay integers downstream."""
    parsed = parse_value(tok.text)
    unit = table.column(col).unit
    value = to_unit(parsed, unit) if parsed.is_value else None
    if unit == "件" and isinstance(value, float):
        value = int(value) if value.is_integer() else None
    if tok.loc.get("kind") != "ocr":
        return Cell(table.key, row, col, value, tok.text, tok.loc)
    flags = [FLAG_UNCERTAIN] if tok.confidence is not None and tok.confidence < UNCERTAIN_BELOW else []
    return Cell(table.key, row, col, value, tok.text, tok.loc, METHOD_OCR, tok.confidence, flags)
