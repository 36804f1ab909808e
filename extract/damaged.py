"""Text that lost its line breaks or its cell separators, cut back into rows.

Page dumps saved by other archives put a whole report on one line
(``一、总体情况2021年，…二、主动公开政府信息情况第二十条第（一）项…规章000
行政规范性文件2023…``); converters and copy-paste fuse a row's label to its
numbers (``规章000``).  The national format says where to cut: at the section
headings (一…六, in order), and inside sections 二–四 at the codebook's row
labels, each with the numbering it is printed with (``2.其他法律…``: the digit
before the dot belongs to the label, not to the previous row's numbers).  Each
piece becomes one line, its label separated from the numbers after it, so the
text reader reads it as it reads any row per line.

Nothing here guesses a number: a fused run such as ``291000030`` stays one
token, and the tables decide whether the row's arithmetic splits it
(``extract.digit_runs``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import codebook as cb
from .align import core
from .rows import is_value
from .sections import heading_number

#: a line at least this long that holds section headings inside it is a page dump
LONG_LINE = 200
#: labels with a core this short are cut at only where their numbering is printed too ("3.其他", "（七）总计")
SHORT_CORE = 4
#: longest label prefix compared: the wording of long labels varies after their first words
PREFIX = 8

_GAP = r"[\W_]{0,3}"  # spaces, punctuation and quotes a printed label may carry between its characters


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _numbering(label: str) -> str:
    """The printed numbering of a label ("1." "(一)" "一、"), as a pattern; "" if it has none."""
    t = _nfkc(label).strip()
    m = re.match(r"(\d)[.、]", t)
    if m:
        return m.group(1) + r"\s*[.、]"
    m = re.match(r"\(([一二三四五六七八九十]{1,3})\)", t)
    if m:
        return r"[(（]\s*" + m.group(1) + r"\s*[)）]"
    m = re.match(r"([一二三四五六七八九十]{1,2})、", t)
    if m:
        return m.group(1) + r"\s*[、.,，]"
    return ""


def _label_pattern(label: str) -> str | None:
    c = core(label)
    if not c:
        return None
    num = _numbering(label)
    body = _GAP.join(re.escape(ch) for ch in c[:PREFIX])
    if len(c) < SHORT_CORE:
        return f"{num}\\s*{body}" if num else (body if len(c) >= 2 else None)
    if not num:
        return body
    # with its numbering printed, the label's first words are enough (typos further on: "其他法律行政止公开")
    short = _GAP.join(re.escape(ch) for ch in c[:SHORT_CORE])
    return f"{num}\\s*{short}|{body}"


def _labels(section: int) -> list[str]:
    out: list[str] = []
    if section == 2:
        for t in (cb.ACTIVE_2021, cb.ACTIVE_2019):
            for r in t.rows:
                out += [r.label, *r.aliases]
    elif section == 3:
        for r in cb.REQUESTS_2021.rows + cb.REQUESTS_2019.rows:
            out += [r.label, *r.aliases, r.group]
        out.append("（三）不予公开")
        out.append("（四）无法提供")
        out.append("（五）不予处理")
    elif section == 4:
        for r in cb.REVIEW_LITIGATION.rows:
            out.append(r.label)
    return [x for x in dict.fromkeys(out) if x]


@lru_cache(maxsize=8)
def label_regex(section: int) -> re.Pattern[str]:
    """Where a row of section ``section`` starts, longest labels first."""
    pats = [
        p for p in (_label_pattern(lbl) for lbl in sorted(_labels(section), key=lambda s: -len(core(s)))) if p
    ]
    if section == 2:  # the block headers: 第二十条第（一）项 信息内容 …
        pats.insert(0, r"第二十条第\s*[(（][一二三四五六七八九十]{1,3}[)）]\s*项")
    return re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(pats)))


_HEADINGS = re.compile(
    "|".join(
        f"(?P<h{n}>{numeral}\\s*[、.,，．]\\s*[^。；;，,\\d]{{0,24}}?(?:"
        + "|".join(re.escape(k) + ("" if k.endswith(("情况", "事项")) else r"[^。；;，,\d]{0,24}?(?:情况|事项|措施)")
                   for k in keys)
        + "))"
        for n, (numeral, keys) in enumerate(((s[2][0], s[3]) for s in cb.SECTIONS), start=1)
    )
)  # fmt: skip


#: numbers run into text on both sides ("总计总计40010555204612609722(一)2024年…"); not a count with its unit
_INNER = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[)）”」]))(\d[\d,.]*\d|\d)(?=[(（]|[^\W\d_年月日号件个项条万元次人名份期宗场])"
)


#: a signed number run onto the one before it ("2648-18538": 本年增/减 is printed with its sign)
_SIGNED = re.compile(r"(?<=\d)(?=[-−+]\d)")

#: what every heading starts with: a cheap test before the full pattern
_NUMERAL = re.compile(r"[一二三四五六]\s*[、.,，．]")


def _cut_rows(piece: str) -> list[str]:
    """A stretch that starts at a row label, as rows: label words, then the numbers
    after them; text after the numbers (a floated label fragment, the next row's
    label that the codebook does not know) starts a row of its own.  A label fused
    to its numbers ("规章000") is cut where the numbers begin."""
    out: list[list[str]] = [[]]
    seen = False  # the current row has numbers
    for word in _SIGNED.sub(" ", _INNER.sub(r" \1 ", piece)).split():
        fused = _FUSED.search(word) if not is_value(word) else None
        if fused:
            label, digits = word[: fused.end()], word[fused.end() :]
            if seen:
                out.append([])
            out[-1] += [label, digits]
            seen = True
        elif is_value(word):
            out[-1].append(word)
            seen = True
        else:
            if seen:
                out.append([])
                seen = False
            out[-1].append(word)
    return [" ".join(words) for words in out if words]


def _cut_at_labels(text: str, section: int) -> list[tuple[int, str]]:
    """(offset, piece) for one stretch of a table section, cut before each row label."""
    starts = [m.start() for m in label_regex(section).finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    out = []
    for a, b in zip(starts, [*starts[1:], len(text)], strict=True):
        out += [(a, row) for row in _cut_rows(text[a:b])]
    return out


def _split_long(line: str, section: int) -> tuple[list[tuple[int, str]], int]:
    """A page dump's line cut at its headings (and in sections 2-4 at row labels);
    returns the pieces and the section the line ends in."""
    text = _nfkc(line)
    cuts: list[tuple[int, int, int]] = []  # (start, end, section number), in order
    last = section
    for m in _HEADINGS.finditer(text):
        n = int(m.lastgroup[1:])  # type: ignore[index]
        if n > last:
            cuts.append((m.start(), m.end(), n))
            last = n
    if not cuts:
        return [(0, line)], section
    pieces: list[tuple[int, str]] = []
    pos, current = 0, section
    for start, end, n in cuts:
        pieces += _stretch(text, pos, start, current)
        pieces.append((start, text[start:end]))
        pos, current = end, n
    pieces += _stretch(text, pos, len(text), current)
    return pieces, current


#: what a flattened markdown or PDF text leaves inside a table: page footers ("— 5 —", "第 3 页"),
#: repeated captions ("## 表三：…"), pipe-table rules and the pipes themselves (a one-line text has no rows)
_TABLE_CHROME = re.compile(
    r"[-—–－]+\s*\d{1,4}\s*[-—–－]+(?=\s|\||$)|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?"
    r"|#{1,6}\s*表[一二三四][:：][^|#]*?(?=\||#|$)|:?-{3,}:?|\|"
)


def _stretch(text: str, a: int, b: int, section: int) -> list[tuple[int, str]]:
    body = text[a:b]
    if not body.strip():
        return []
    if 2 <= section <= 4:
        # same length, so offsets still point into the line
        body = _TABLE_CHROME.sub(lambda m: " " * len(m.group()), body)
        return [(a + off, piece) for off, piece in _cut_at_labels(body, section)]
    return [(a, body.strip())]


_FUSED = re.compile(r"[^\W\d_][\W_]{0,2}(?=\d[\d,.]*(?:万元|元)?$)")


_LAST = frozenset("0123456789元 \t\u3000")


def _fused(line: str) -> bool:
    """A row whose label runs into its numbers ("规章000", "1.属于国家秘密0000000")."""
    s = line.rstrip()
    if not s or not (s[-1].isdigit() or s[-1] == "元") or "|" in s:
        return False
    return bool(_FUSED.search(s.split()[-1]))


_FIRST = frozenset("一二三四五六")


def repair(lines: list[str]) -> list[tuple[int, int, str]] | None:
    """(line number, offset, text) for each piece of a damaged text; None when the
    text needs no repair (the common case, kept on the reader's plain path)."""
    if not any(raw[-1:] in _LAST or len(raw) >= LONG_LINE for raw in lines):
        return None  # no long line, no line ending in a number: nothing to look at line by line
    cut: dict[int, list[tuple[int, str]]] = {}
    section = 0
    for i, raw in enumerate(lines):
        if len(raw) >= LONG_LINE and _NUMERAL.search(raw) and _HEADINGS.search(raw):
            pieces, section_after = _split_long(raw, section)
            if len(pieces) > 1:
                cut[i] = pieces
                section = section_after
                continue
        first = raw[:1]
        if first in _FIRST or (first.isspace() and raw.lstrip()[:1] in _FIRST):
            h = heading_number(raw)
            if h is not None and h > section:
                section = h
                continue
        if 2 <= section <= 4 and raw[-1:] in _LAST and _fused(raw):
            pieces = _cut_at_labels(_nfkc(raw.strip()), section)
            if len(pieces) > 1 or pieces[0][1] != raw.strip():
                cut[i] = pieces
    if not cut:
        return None
    out: list[tuple[int, int, str]] = []
    for i, raw in enumerate(lines):
        if i in cut:
            out += [(i + 1, off, piece) for off, piece in cut[i]]
        else:
            out.append((i + 1, 0, raw))
    return out
