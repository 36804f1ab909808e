"""Plain text and markdown (tables flattened by a web page's text view, a
PDF-to-markdown converter or OCR) to a Document of lines.

Three shapes are told apart per line:

* ``cell |`` — one cell per line (a page's text view); merged cells leave
  trailing ``|||``.  These lines are a stream: a row's numbers run on over
  several lines until the next label.
* ``a | b | c`` or ``| a | b |`` — one row per line (markdown and the
  row-per-line variant): each such line is a complete row.
* anything else — prose; inside a table section it may be a label that
  floated out of its table (OCR markdown does that).
"""

from __future__ import annotations

import re
from itertools import count, repeat

from .charset import decode_html
from .damaged import repair
from .model import Document, Line, Token

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING_MD = re.compile(r"^\s*#{1,6}\s+")
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


def _split_pipes(line: str) -> list[str]:
    parts = [p.strip() for p in line.split("|")]
    if parts and parts[0] == "" and line.lstrip().startswith("|"):
        parts = parts[1:]
    while parts and parts[-1] == "":
        parts.pop()
    return parts


#: the labelled fields an archive writes above a saved page's text ("标题: …", "发布时间: …")
_ARCHIVE_FIELD = re.compile(r"^\s*(标题|发布时间)\s*[:：]\s*(\S.*?)\s*$")


def _archive_header(lines: list[str]) -> tuple[str, dict[str, str]]:
    """The title and date of an archived page's header, read as page metadata
    (so the title is not "标题: …" and the date is the page's)."""
    title, meta = "", {}
    for raw in lines[:12]:
        m = _ARCHIVE_FIELD.match(raw)
        if m and m.group(1) == "标题":
            title = m.group(2)
        elif m:
            meta["PubDate"] = m.group(2)
    return title, meta


def read_text(data: bytes | str, media_type: str = "text/plain") -> Document:
    text = data if isinstance(data, str) else decode_html(data).text
    raw_lines = text.splitlines()
    title, meta = _archive_header(raw_lines) if raw_lines and "标题" in raw_lines[0] else ("", {})
    repaired = repair(raw_lines)
    pieces = zip(count(1), repeat(0), raw_lines) if repaired is None else repaired
    lines: list[Line] = []
    for n, offset, raw in pieces:
        s = raw.strip()
        if not s or ("--" in s and _SEPARATOR.match(s)) or (len(s) < 24 and PAGE_NUMBER.match(s)):
            continue
        if s[0] == "#" and _HEADING_MD.match(s):
            # "## 表三：..." captions that a converter repeats over every table fragment
            s = _HEADING_MD.sub("", s).strip()
            if s.startswith("表") and "：" in s[:4]:
                continue
        loc = {"kind": "text", "line": n}
        if repaired is not None:  # damaged text (extract.damaged): where in its line each piece starts
            loc["offset"] = offset
        if "|" in s:
            cells = _split_pipes(s)
            if not cells:
                continue
            complete = len(cells) > 1 or s.startswith("|")
            if repaired is not None:
                tokens = [Token(c, {**loc, "cell": i}) for i, c in enumerate(cells)]
            else:
                tokens = [Token(c, {"kind": "text", "line": n, "cell": i}) for i, c in enumerate(cells)]
            lines.append(Line(" ".join(c for c in cells if c), loc, cells=tokens, complete=complete))
        else:
            # a prose line, or a row whose cells a converter printed without pipes ("行政许可 0")
            words = s.split()
            if repaired is not None:
                tokens = [Token(w, {**loc, "word": i}) for i, w in enumerate(words)]
            else:
                tokens = [Token(w, {"kind": "text", "line": n, "word": i}) for i, w in enumerate(words)]
            lines.append(Line(s, loc, cells=tokens, complete=True))
    return Document(lines=lines, media_type=media_type, title=title, meta=meta)
