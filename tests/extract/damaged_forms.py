"""Damaged forms of a real report, generated at test time from a corpus document.

Each document is read as the extractor reads it and its printed rows are
written out again the way other tools damage them:

* ``one_line``: every line break lost, cells still separated by spaces;
* ``run_together``: lines kept, the cells of each table row run together
  (``规章000``, ``一、本年新收政府信息公开申请数量291000030``);
* ``page_dump``: both at once, as the archived page texts of ../shared/samples/page-text;
* ``partly_run_together``: one line, and in each row some of the spaces between
  numbers lost (``000000 0``, ``2 00 00 0 2``, as in those page texts);
* ``converter_markdown``: pipe tables as a PDF-to-markdown converter leaves them:
  long labels floated out of their rows (just above, or above the row before),
  each table cut into several pipe tables by page footers and repeated captions,
  header rows cut into pieces, and rows cut across two tables;
* ``markdown_one_line``: that markdown with its line breaks lost;
* ``labels_below`` (hostile): every label printed after its numbers, so each
  floated label sits above the *next* row's numbers.

A blank cell prints nothing in text (a page dump has no way to show it); the
markdown keeps it as an empty cell, as converters do.  Nothing is copied: the
forms are built from ../shared/corpus on each run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extract.model import Line
from extract.pipeline import read_document, sniff_media_type
from extract.rows import is_value
from extract.sections import split_sections

FORMS = (
    "one_line",
    "run_together",
    "page_dump",
    "partly_run_together",
    "converter_markdown",
    "markdown_one_line",
)
#: forms no reader can recover much of, where the only demand is that no value comes out wrong
HOSTILE_FORMS = ("labels_below",)


@dataclass
class Row:
    kind: str  # "prose", "heading", "header" (table text without numbers) or "row"
    cells: list[str]


def _stream(lines: list[Line]) -> list[Row]:
    """Rows of a table section: one-cell-per-line streams regrouped into their rows."""
    out: list[Row] = []
    current: list[str] | None = None
    for line in lines:
        cells = [t.text for t in line.cells] if line.cells else [line.text]
        if line.cells is not None and not line.complete:
            for c in cells:
                if is_value(c) and current is not None:
                    current.append(c)
                else:
                    current = [c]
                    out.append(Row("header", current))
            continue
        current = None
        out.append(Row("header", cells))
    for r in out:
        if any(is_value(c) and c.strip() for c in r.cells[1:] or r.cells):
            r.kind = "row"
    return out


def rows_of(path: Path) -> list[Row]:
    data = path.read_bytes()
    doc = read_document(data, sniff_media_type(data, str(path)))
    secs = split_sections(doc.lines)
    out = [Row("prose", [ln.text]) for ln in secs.preamble]
    for n in range(1, 7):
        if n in secs.headings:
            out.append(Row("heading", [secs.headings[n].text]))
        lines = secs.lines(n)
        if n in (2, 3, 4):
            out += _stream(lines)
        else:
            out += [Row("prose", [ln.text]) for ln in lines]
    return out


def _printed(cells: list[str]) -> list[str]:
    return [c.strip() for c in cells if c.strip()]


def one_line(rows: list[Row]) -> str:
    return " ".join(" ".join(_printed(r.cells)) for r in rows) + "\n"


def run_together(rows: list[Row]) -> str:
    return "\n".join("".join(_printed(r.cells)) for r in rows) + "\n"


def page_dump(rows: list[Row]) -> str:
    head = "标题: （页面存档）\n==================== 正文 ====================\n"
    return head + "".join("".join(_printed(r.cells)) for r in rows) + "\n"


def partly_run_together(rows: list[Row]) -> str:
    out = []
    for i, r in enumerate(rows):
        cells = _printed(r.cells)
        if r.kind != "row":
            out.append(" ".join(cells))
            continue
        values = _trailing_values(cells)
        label = cells[: len(cells) - len(values)]
        text = "".join(label)
        for j, v in enumerate(values):  # every second or third gap lost, shifting from row to row
            text += v if j and (i + j) % 3 else " " + v
        out.append(text)
    return " ".join(out) + "\n"


#: a label this long wraps in a PDF cell, and the converter floats it out of its row
FLOAT_AT = 12


def converter_markdown(rows: list[Row]) -> str:
    out: list[str] = []
    in_table = [False]
    page = [3]
    since_break = 0
    prev_row: tuple[int, bool] | None = None  # (index in out, printed with its own label)

    def prose(text: str, at: int | None = None) -> None:
        if at is None:
            out.append(text)
        else:
            out.insert(at, text)
        in_table[0] = False

    def pipe(cells: list[str]) -> int:
        out.append("| " + " | ".join(cells) + " |")
        at = len(out) - 1
        if not in_table[0]:
            out.append("|" + "---|" * len(cells))
            in_table[0] = True
        return at

    def page_break() -> None:
        nonlocal since_break
        prose("")
        prose(f"— {page[0]} —")
        prose("## 表三：收到和处理政府信息公开申请情况")
        page[0] += 1
        since_break = 0

    for i, r in enumerate(rows):
        if r.kind in ("prose", "heading"):
            prose(r.cells[0])
            prev_row = None
            continue
        cells = [c.strip() for c in r.cells]
        if r.kind == "header":
            if len(cells) > 2:  # a header row cut into two pipe tables
                pipe(cells[:2])
                page_break()
                pipe(cells[2:])
            else:
                pipe(cells)
            continue
        values = _trailing_values(cells)
        label = [c for c in cells[: len(cells) - len(values)] if c]
        text = " ".join(label)
        since_break += 1
        if len(text) >= FLOAT_AT:
            if i % 2 and prev_row is not None and prev_row[1]:
                # floated above the row before: only the row order says where these numbers go
                prose(text, at=prev_row[0])
                prev_row = (pipe(values) + 1, False)
            else:  # floated just above its numbers, wrapped in two
                prose(text[: len(text) // 2])
                prose(text[len(text) // 2 :])
                prev_row = (pipe(values), False)
        elif len(values) >= 4 and since_break >= 6:
            pipe(label + values[:2])  # a row cut by a page break: its first cells here, the rest after
            page_break()
            pipe(values[2:])
            prev_row = None
        else:
            prev_row = (pipe(label + values), True)
        if since_break >= 8:
            page_break()
            prev_row = None
    return "\n".join(out) + "\n"


def markdown_one_line(rows: list[Row]) -> str:
    return " ".join(line for line in converter_markdown(rows).splitlines() if line.strip()) + "\n"


def labels_below(rows: list[Row]) -> str:
    out = []
    for r in rows:
        cells = [c.strip() for c in r.cells]
        if r.kind != "row":
            out.append(" ".join(cells))
            continue
        values = _trailing_values(cells)
        out.append("| " + " | ".join(values) + " |")
        label = " ".join(c for c in cells[: len(cells) - len(values)] if c)
        if label:
            out.append(label)
    return "\n".join(out) + "\n"


def _trailing_values(cells: list[str]) -> list[str]:
    i = len(cells)
    while i > 0 and is_value(cells[i - 1]):
        i -= 1
    return cells[i:]


def form(path: Path, name: str) -> bytes:
    rows = rows_of(path)
    return {"one_line": one_line, "run_together": run_together, "page_dump": page_dump,
            "partly_run_together": partly_run_together, "converter_markdown": converter_markdown,
            "markdown_one_line": markdown_one_line, "labels_below": labels_below}[name](rows).encode()  # fmt: skip
