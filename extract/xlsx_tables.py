"""XLSX and XLS workbooks to a Document: every sheet a grid, merged ranges kept once.

A merged range's value sits in its top-left cell; the other cells of the range
are not tokens, the same rule as the HTML and DOCX grids.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from .model import Document, ExtractionError, Line, Token
from .office import open_zip, read_xml_part

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: beyond this a sheet is not a report table (hostile or wrong file)
MAX_ROWS = 20_000
MAX_COLS = 200


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()[:10]
    return str(v).strip()


def _grid_lines(
    sheet_index: int, rows: list[list[str]], merges: list[tuple[int, int, int, int]], lines: list[Line]
) -> None:
    """rows[r][c] text; merges as (r0, c0, r1, c1) inclusive, 0-based."""
    covered: dict[tuple[int, int], None] = {}
    span_of: dict[tuple[int, int], int] = {}
    for r0, c0, r1, c1 in merges:
        span_of[(r0, c0)] = c1 - c0 + 1
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = None
    width = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        tokens = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            tokens.append(
                Token(
                    text,
                    {"kind": "xlsx", "sheet": sheet_index, "row": r, "col": c},
                    x=float(c),
                    span=span_of.get((r, c), 1),
                )
            )
        if not any(t.text for t in tokens):
            continue
        # a title or heading merged across the sheet reads as prose
        nonblank = [t for t in tokens if t.text]
        if len(nonblank) == 1 and nonblank[0].span >= max(2, width - 1):
            lines.append(Line(nonblank[0].text, {"kind": "xlsx", "sheet": sheet_index, "row": r}))
            continue
        text = " ".join(t.text for t in tokens if t.text)
        lines.append(Line(text, {"kind": "xlsx", "sheet": sheet_index, "row": r}, cells=tokens, width=width))


def _read_xlsx(data: bytes) -> list[Line]:
    import openpyxl

    z = open_zip(data, "XLSX")
    for name in z.namelist():
        if name.startswith("xl/") and name.endswith(".xml"):
            read_xml_part(z, name, "XLSX")  # refuses DOCTYPE/entity declarations
    try:
        wb = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise ExtractionError(f"corrupt XLSX: {type(e).__name__}: {e}") from e
    lines: list[Line] = []
    for i, ws in enumerate(wb.worksheets):
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLS:
            raise ExtractionError(
                f"XLSX refused: sheet {ws.title!r} is {ws.max_row}x{ws.max_column}, not a report table"
            )
        rows = [[_fmt(v) for v in row] for row in ws.iter_rows(values_only=True)]
        merges = [
            (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges
        ]
        _grid_lines(i, rows, merges, lines)
    return lines


def _read_xls(data: bytes) -> list[Line]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as e:  # noqa: BLE001
        raise ExtractionError(f"corrupt XLS: {type(e).__name__}: {e}") from e
    lines: list[Line] = []
    for i in range(book.nsheets):
        sh = book.sheet_by_index(i)
        if sh.nrows > MAX_ROWS or sh.ncols > MAX_COLS:
            raise ExtractionError(
                f"XLS refused: sheet {sh.name!r} is {sh.nrows}x{sh.ncols}, not a report table"
            )
        rows = [[_fmt(sh.cell_value(r, c)) for c in range(sh.ncols)] for r in range(sh.nrows)]
        merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
        _grid_lines(i, rows, merges, lines)
    return lines


def read_workbook(data: bytes, media_type: str) -> Document:
    lines = _read_xlsx(data) if media_type == XLSX else _read_xls(data)
    return Document(lines=lines, media_type=media_type)
