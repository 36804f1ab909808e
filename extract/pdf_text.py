"""PDF text layer to a Document of lines, with a bounding box for every word.

pypdfium2 (PDFium, Apache-2.0/BSD) was chosen over pdfplumber/pdfminer (MIT,
about 17 pages/s) and PyMuPDF (AGPL, which would bind the project to its
licence) by the figures in ``benchmarks/README.md``: it reads the text layer
with character boxes at a few hundred pages a second and keeps the project
permissively licensed.  Tables are not detected geometrically: a report row is
a line of words whose tail is numbers, which survives wrapped labels, rotated
group labels and page breaks inside a table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future

import pypdfium2 as pdfium

from .model import Document, ExtractionError, Line, Token
from .numbers import parse_value
from .text_tables import PAGE_NUMBER

#: fewer printable characters than this per page means a scan, not a text layer
MIN_CHARS_PER_PAGE = 20
_SPACE = frozenset(" \t\u00a0\u3000")


def _words(tp: pdfium.PdfTextPage, page_no: int) -> list[list[Token]]:
    """PDFium's lines (it inserts CR LF between text lines) split into words with boxes.

    A word's box is the union of its first and last characters' boxes: asking
    PDFium for every character's box would double the reading time, and a
    word is one run of text on one line.
    """
    n = tp.count_chars()
    text = tp.get_text_range(0, n) if n else ""
    lines: list[list[Token]] = []
    cur: list[Token] = []
    start = -1

    def end_word(end: int) -> None:
        nonlocal start
        if start >= 0:
            a, b = tp.get_charbox(start), tp.get_charbox(end - 1)
            x0, y0, x1, y1 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
            cur.append(
                Token(
                    text[start:end],
                    {
                        "kind": "pdf",
                        "page": page_no,
                        "bbox": [round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)],
                    },
                    x=(x0 + x1) / 2,
                )
            )
            start = -1

    for i, ch in enumerate(text[:n]):
        if ch in "\r\n":
            end_word(i)
            if ch == "\n" and cur:
                lines.append(cur)
                cur = []
        elif ch in _SPACE:
            end_word(i)
        elif start < 0:
            start = i
    end_word(min(n, len(text)))
    if cur:
        lines.append(cur)
    return lines


def _bbox(tokens: list[Token]) -> list[float]:
    boxes = [t.loc["bbox"] for t in tokens]
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _same_line(a: list[float], b: list[float]) -> bool:
    """Two boxes on one printed line: their vertical extents overlap by half the smaller height."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    h = min(a[3] - a[1], b[3] - b[1])
    return h > 0 and overlap > 0.5 * h and b[0] >= a[2] - 1


def _numeric_words(words: list[Token]) -> int:
    return sum(1 for w in words if parse_value(w.text).value is not None)


def _reading_order(lines: list[list[Token]]) -> list[list[Token]]:
    """Lines in PDFium's drawing order, unless the table rows are drawn out of
    top-to-bottom order: then the page is read top to bottom, left to right.

    Drawing order is kept when it is sound because it keeps a wrapped label and
    its numbers together; but a generator that draws row 二 before row 一 would
    otherwise swap their numbers silently.
    """
    rows = [_bbox(w)[3] for w in lines if _numeric_words(w) >= 2]
    if all(b <= a + 2 for a, b in zip(rows, rows[1:], strict=False)):  # PDF y grows upwards
        return lines
    return sorted(lines, key=lambda w: (-round(_bbox(w)[3]), _bbox(w)[0]))


#: reads a page that has no text layer (the OCR reader): (page, page number) -> its lines, to come
PageReader = Callable[[pdfium.PdfPage, int], Future[list[Line]]]
_SCAN = Line("", {"kind": "scan"})


def _fill_scans(
    lines: list[Line], scans: dict[int, tuple[int, Future[list[Line]]]], warnings: list[str]
) -> tuple[list[Line], int]:
    """The scanned pages' lines put in their places, in page order; a page the OCR failed on
    is a warning and leaves the others.  Returns the lines and the characters the OCR read."""
    out: list[Line] = []
    read = 0
    for k, ln in enumerate(lines):
        if ln is not _SCAN:
            out.append(ln)
            continue
        if k not in scans:
            continue  # failed before it was submitted: already warned
        page_no, fut = scans[k]
        try:
            found = fut.result()
        except Exception as e:  # noqa: BLE001 - a page the OCR cannot read leaves the others
            warnings.append(f"page {page_no}: OCR failed ({type(e).__name__}: {e})")
            continue
        read += sum(len(f.text) for f in found)
        out += found
    return out, read


def read_pdf(data: bytes, scanned_page: PageReader | None = None) -> Document:
    """The text layer, page by page; a page without one goes to ``scanned_page`` when given
    (a PDF mixing typed and scanned pages reads each the right way)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise ExtractionError("encrypted PDF (password required)") from e
        raise ExtractionError(f"corrupt PDF: {msg}") from e
    try:
        lines: list[Line] = []
        scans: dict[int, tuple[int, Future[list[Line]]]] = {}  # place in lines -> (page, its reading)
        warnings: list[str] = []
        printable = 0
        pages = len(pdf)
        for p in range(pages):
            try:
                page = pdf[p]
                tp = page.get_textpage()
            except pdfium.PdfiumError as e:
                raise ExtractionError(f"corrupt PDF: page {p + 1} of {pages} cannot be read ({e})") from e
            merged: list[list[Token]] = []
            for words in _words(tp, p + 1):
                if merged and _same_line(_bbox(merged[-1]), _bbox(words)):
                    merged[-1].extend(words)
                else:
                    merged.append(words)
            if scanned_page and sum(len(w.text) for ws in merged for w in ws) < MIN_CHARS_PER_PAGE:
                try:
                    scans[len(lines)] = (p + 1, scanned_page(page, p + 1))
                except Exception as e:  # noqa: BLE001 - a page the OCR cannot read leaves the others
                    warnings.append(f"page {p + 1}: OCR failed ({type(e).__name__}: {e})")
                lines.append(_SCAN)  # its place: the page is read on the OCR threads meanwhile
                tp.close()
                page.close()
                continue
            for words in _reading_order(merged):
                text = " ".join(w.text for w in words)
                printable += sum(len(w.text) for w in words)
                if PAGE_NUMBER.match(text):
                    continue
                loc = {"kind": "pdf", "page": p + 1, "bbox": [round(v, 1) for v in _bbox(words)]}
                lines.append(Line(text, loc, cells=words, complete=True))
            tp.close()
            page.close()
        lines, read = _fill_scans(lines, scans, warnings)
        printable += read
        meta: dict[str, str] = {}
        with contextlib.suppress(Exception):  # metadata is optional decoration
            meta = {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    finally:
        pdf.close()
    has_text = printable >= MIN_CHARS_PER_PAGE * max(1, min(pages, 3))
    return Document(
        lines=lines,
        media_type="application/pdf",
        title=meta.get("Title", ""),
        meta=meta,
        pages=pages,
        has_text=has_text,
        warnings=warnings,
    )
