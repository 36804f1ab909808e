"""Typed records at the extraction boundary: what a reader hands the aligner, and
what the extractor hands everyone else (CLI JSON, Parquet, DuckDB)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Report status values.  Only "ok" and "partial" carry cells.
STATUS_OK = "ok"
STATUS_PARTIAL = "partial"  # some canonical row or table could not be placed; see missing_rows
STATUS_NO_TEXT = "no text layer"  # scanned PDF or image: needs OCR
STATUS_NO_TABLES = "no tables found"
STATUS_FAILED = "failed"


class ExtractionError(Exception):
    """A document that cannot be read at all (corrupt, encrypted, unknown format)."""


@dataclass(slots=True)
class Token:
    """One printed cell or text fragment, in reading order, with where it was found.

    ``x`` is a horizontal position usable for column alignment (grid column for
    HTML/DOCX/XLSX, x-centre in points for PDF, None for plain text); ``span``
    is how many grid columns the cell covers.
    """

    text: str
    loc: dict[str, Any]
    x: float | None = None
    span: int = 1
    #: the reader's confidence, 0..1 (OCR: the weakest digit's probability); None where exact
    confidence: float | None = None


@dataclass(slots=True)
class Line:
    """A printed row: a table row of a grid, a line of text, or a line of a PDF page.

    ``cells`` is None for a prose line; for a table row it holds every cell,
    blanks included (a blank cell in a grid is a printed blank, i.e. a null value).
    """

    text: str
    loc: dict[str, Any]
    cells: list[Token] | None = None
    width: int | None = None  # the grid width of a table row (in columns)
    #: False for a one-cell line of a flattened table whose numbers run on into the next lines
    complete: bool = True

    @property
    def is_table_row(self) -> bool:
        return self.cells is not None


@dataclass(slots=True)
class Document:
    """What a reader makes of one file: lines in reading order, plus page metadata."""

    lines: list[Line]
    media_type: str
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    pages: int | None = None
    has_text: bool = True
    #: how the cells of this document are read (a METHOD_* value); the pipeline
    #: fills it from the media type when the reader leaves it empty
    method: str = ""
    #: what the reader wants said in the report's warnings (an OCR failure on a page)
    warnings: list[str] = field(default_factory=list)


#: How a cell was read (``Cell.method``).
METHOD_GRID = "grid"  # an HTML, DOCX or spreadsheet table's grid
METHOD_TEXT = "text"  # plain text or markdown lines
METHOD_PDF = "pdf_text"  # a PDF's text layer
METHOD_OCR = "ocr"  # recognised from an image

#: Cell flags (``Cell.flags``): never a silent guess, always said.
FLAG_UNCERTAIN = "uncertain"  # read with low confidence (OCR digits below the threshold)
FLAG_CORRECTED = "corrected"  # changed by the checks' proof-reading; ``original`` keeps the reading
FLAG_INFERRED = "inferred"  # placed by the format's row order, not by a printed label
#: an OCR number whose weakest digit is less likely than this is FLAG_UNCERTAIN
#: (chosen in benchmarks/ocr_speed.py: every misread digit on the degraded scans fell below it)
UNCERTAIN_BELOW = 0.9


@dataclass(slots=True)
class Cell:
    table: str
    row: str
    col: str
    value: float | int | None
    raw: str
    location: dict[str, Any]
    method: str = ""
    #: the reader's confidence in the value, 0..1 (OCR); None where the text is exact
    confidence: float | None = None
    flags: list[str] = field(default_factory=list)
    #: the value as first read, before a correction (FLAG_CORRECTED)
    original: str | None = None


@dataclass(slots=True)
class CheckResult:
    check: str
    scope: str
    expected: float | int
    actual: float | int
    difference: float | int
    blanks_involved: bool
    passed: bool
    detail: str = ""
    #: a failed check whose cells include OCR readings flagged uncertain: it may be a misread
    uncertain_involved: bool = False
    #: where the finding stands in the report: the sentence a prose figure was read from, a heading,
    #: a date -- so a reader can check it without opening the document (empty for the table sums)
    evidence: str = ""


@dataclass(slots=True)
class ReportMeta:
    source: str  # file path or URL the bytes came from
    media_type: str
    status: str
    agency: str | None = None
    year: int | None = None
    format: str | None = None
    title: str | None = None
    published_on: str | None = None  # ISO date
    sha256: str | None = None
    pages: int | None = None
    sections: dict[str, str] = field(default_factory=dict)
    #: 信息处理费 collected, in yuan, as section 六 states it (None: not stated)
    processing_fee_yuan: float | None = None
    processing_fee_text: str | None = None
    warnings: list[str] = field(default_factory=list)
    extractor_version: str = ""
    #: completeness: canonical cells the format prints, how many were placed, which rows are missing
    cells_expected: int | None = None
    cells_found: int | None = None
    missing_rows: list[str] = field(default_factory=list)
    incomplete_rows: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Extraction:
    report: ReportMeta
    cells: list[Cell]
    checks: list[CheckResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": asdict(self.report),
            "cells": [asdict(c) for c in self.cells],
            "checks": [asdict(c) for c in self.checks],
        }

    def value(self, table: str, row: str, col: str) -> float | int | None:
        for c in self.cells:
            if (c.table, c.row, c.col) == (table, row, col):
                return c.value
        raise KeyError((table, row, col))
