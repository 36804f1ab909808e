"""Lines of a table section to candidate rows: a label and the values printed after it.

Every layout ends up here.  A grid row (HTML, DOCX, XLSX) is one candidate, its
blank cells kept as printed blanks.  A complete text line (markdown row, PDF
line) is one candidate whose trailing numbers are its values.  One-cell lines
of a flattened table form a stream: numbers run on until the next label.
Text that carries no numbers waits as a *pending label* for the next row that
has no label of its own: that is how a wrapped PDF label ("（二）部分公开（区分
处理的，只计这一情 形，不" / "计其他情形）" / "9 0 0 0 0 0 9") or an OCR label
that floated out of its table finds its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Line, Token
from .numbers import parse_value


@dataclass(slots=True)
class Candidate:
    label: str
    values: list[Token]
    loc: dict[str, Any]
    own_label: bool = True


def is_value(text: str) -> bool:
    return parse_value(text).is_value


def split_row(tokens: list[Token]) -> tuple[list[Token], list[Token], list[Token]]:
    """Leading label tokens, the run of value tokens, and label tokens after it.

    A row may end with the next group's label (``8.属于行政查询事项 | 2 | … | 12 |
    （四）无法提供``): those trailing words belong to the rows that follow, and
    the numbers before them are still this row's.
    """
    end = len(tokens)
    while end > 0 and not is_value(tokens[end - 1].text):
        end -= 1
    i = end
    while i > 0 and is_value(tokens[i - 1].text):
        i -= 1
    values = tokens[i:end]
    if end < len(tokens) and any(v.text.strip() for v in values):
        return tokens[:i], values, tokens[end:]
    i = len(tokens)
    while i > 0 and is_value(tokens[i - 1].text):
        i -= 1
    return tokens[:i], tokens[i:], []


def _label(tokens: list[Token]) -> str:
    seen: list[str] = []
    for t in tokens:
        text = t.text.strip()
        if text and (not seen or seen[-1] != text):
            seen.append(text)
    return " ".join(seen)


def assemble(lines: list[Line]) -> tuple[list[Candidate], list[Line]]:
    """Candidates in reading order, and the lines that held no numbers (headers, notes)."""
    out: list[Candidate] = []
    others: list[Line] = []
    pending: list[str] = []
    stream_values: list[Token] = []
    stream_loc: dict[str, Any] | None = None

    def flush_stream() -> None:
        nonlocal stream_values, stream_loc
        if stream_values:
            out.append(Candidate(" ".join(pending), stream_values, stream_loc or {}, own_label=bool(pending)))
            pending.clear()
            stream_values = []
            stream_loc = None

    for line in lines:
        if line.cells is None:
            flush_stream()
            pending.append(line.text)
            others.append(line)
            continue
        if not line.complete:
            for tok in line.cells:
                if is_value(tok.text):
                    if not stream_values:
                        stream_loc = line.loc
                    stream_values.append(tok)
                else:
                    flush_stream()
                    pending.append(tok.text)
            if not any(is_value(t.text) for t in line.cells):
                others.append(line)
            continue
        flush_stream()
        labels, values, tail = split_row(line.cells)
        # blank cells are printed blanks (values) only to the right of the label
        labels = [t for t in labels if t.text.strip()]
        if not values or all(not v.text.strip() for v in values) and not labels:
            if labels:
                pending.append(_label(labels))
            others.append(line)
            continue
        label = _label(labels)
        own = bool(label)
        if not own and pending:
            label = " ".join(pending)
        pending.clear()
        out.append(Candidate(label, values, line.loc, own_label=own))
        if tail and (words := _label([t for t in tail if t.text.strip()])):
            pending.append(words)
    flush_stream()
    return out, others
