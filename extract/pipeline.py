"""One document in, one report out: bytes + media type (+ URL) → Extraction.

Pure: no file or network access, so the CLI, the archive extractor and the
tests all call the same function.
"""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from . import codebook as cb
from .checks import run_checks
from .codebook import SECTIONS
from .completeness import completeness
from .fees import processing_fee, table_fee
from .image_pages import IMAGE_PAGE
from .merged_other import merged_other_warning
from .metadata import period_sentence, read_meta
from .model import (
    METHOD_GRID,
    METHOD_OCR,
    METHOD_PDF,
    METHOD_TEXT,
    STATUS_NO_TABLES,
    STATUS_NO_TEXT,
    STATUS_OK,
    STATUS_PARTIAL,
    Document,
    Extraction,
    ExtractionError,
    ReportMeta,
)
from .office import BAD_ZIP
from .picture_rows import repair as repair_rows
from .proofread import proofread
from .sections import classify_tables, heading_order, split_sections
from .statements import SECTIONS_READ, find_statements
from .structure import fee_statement, sections_in_order, title_year
from .tables import detect_format, extract_active, extract_requests, extract_review
from .text_checks import text_vs_table
from .titles import parse_title

#: bump when a change alters extracted values: archived documents get re-extracted
EXTRACTOR_VERSION = "1.7.0"

HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
DOC = "application/msword"
IMAGE = "image/*"

_BY_SUFFIX = {
    ".html": HTML, ".htm": HTML, ".shtml": HTML, ".xhtml": HTML, ".jsp": HTML, ".asp": HTML, ".aspx": HTML,
    ".txt": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN, ".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX,
    ".xls": XLS, ".doc": DOC, ".wps": DOC, ".et": XLS,
    ".png": IMAGE, ".jpg": IMAGE, ".jpeg": IMAGE, ".gif": IMAGE, ".tif": IMAGE, ".tiff": IMAGE, ".bmp": IMAGE,
}  # fmt: skip
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")


def sniff_media_type(data: bytes, name: str | None = None, declared: str | None = None) -> str:
    """The content decides where it can (magic bytes); the name or header otherwise."""
    if declared == IMAGE_PAGE:
        return IMAGE_PAGE
    head = data[:2048]
    suffix = PurePosixPath(urlsplit(name or "").path).suffix.lower()
    if head.lstrip().startswith(b"%PDF-"):
        return PDF
    if head.startswith(_IMAGE_MAGIC):
        return IMAGE
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except BAD_ZIP:
            names = []  # the reader its name suggests reports it as corrupt
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        # a zip that is neither: let the reader its name suggests report it as corrupt
        return XLSX if suffix in (".xlsx", ".xls", ".et") else DOCX
    if head.startswith(_OLE):
        return XLS if suffix in (".xls", ".et") else DOC
    if declared:
        base = declared.split(";")[0].strip().lower()
        if base in (HTML, "application/xhtml+xml"):
            return HTML
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    low = head.lower()
    if b"<html" in low or b"<!doctype html" in low or b"<table" in low or b"<meta" in low:
        return HTML
    return TEXT


_METHOD_BY_TYPE = {HTML: METHOD_GRID, DOCX: METHOD_GRID, XLSX: METHOD_GRID, XLS: METHOD_GRID,
                   DOC: METHOD_GRID, TEXT: METHOD_TEXT, MARKDOWN: METHOD_TEXT, PDF: METHOD_PDF}  # fmt: skip


def read_document(data: bytes, media_type: str, ocr: bool = True) -> Document:
    """``ocr``: read scanned PDF pages and images with the local OCR (``extract.ocr_reader``)."""
    if media_type == HTML:
        from .html_tables import read_html

        return read_html(data)
    if media_type in (TEXT, MARKDOWN):
        from .text_tables import read_text

        return read_text(data, media_type)
    if media_type == PDF:
        from .pdf_text import read_pdf

        if ocr:
            from .ocr_reader import ocr_pdf_page

            return read_pdf(data, scanned_page=ocr_pdf_page)
        return read_pdf(data)
    if media_type == DOCX:
        from .docx_tables import read_docx

        doc = read_docx(data)
        if ocr and not any(ln.cells for ln in doc.lines):
            from .docx_images import docx_images

            return _scans_of(doc, docx_images(data))
        return doc
    if media_type in (XLSX, XLS):
        from .xlsx_tables import read_workbook

        return read_workbook(data, media_type)
    if media_type == IMAGE:
        if ocr:
            from .ocr_reader import read_image

            return read_image(data)
        return Document(lines=[], media_type=IMAGE, has_text=False)
    if media_type == DOC:
        from .doc_binary import read_doc
        from .doc_images import doc_images

        doc = read_doc(data)
        if ocr and not any(ln.cells for ln in doc.lines):
            return _scans_of(doc, doc_images(data))
        return doc
    raise ExtractionError(f"unknown format {media_type!r}")


def _scans_of(doc: Document, images: list[bytes]) -> Document:
    """A Word document (DOCX, .doc, WPS) without tables whose body holds pictures: its text,
    then its pictures read as pages."""
    from .ocr_reader import read_images

    if not images:
        return doc
    scans = read_images(images)
    return Document(lines=doc.lines + scans.lines, media_type=doc.media_type, title=doc.title, meta=doc.meta,
                    pages=scans.pages, has_text=bool(doc.lines or scans.lines), method=METHOD_OCR,
                    warnings=doc.warnings + scans.warnings)  # fmt: skip


def extract(
    data: bytes,
    media_type: str | None = None,
    url: str | None = None,
    name: str | None = None,
    ocr: bool = True,
) -> Extraction:
    """Extract one report.  Raises ExtractionError only for a document that cannot be read at all.

    ``ocr=False`` leaves scans unread (status ``no text layer``)."""
    media_type = media_type or sniff_media_type(data, name or url)
    source = url or name or ""
    report = ReportMeta(
        source=source,
        media_type=media_type,
        status=STATUS_OK,
        sha256=hashlib.sha256(data).hexdigest(),
        extractor_version=EXTRACTOR_VERSION,
    )
    if media_type == IMAGE_PAGE:
        return _image_page(data, url, ocr)
    return _extract_document(read_document(data, media_type, ocr), report, url, ocr)


def _image_page(data: bytes, url: str | None, ocr: bool) -> Extraction:
    """A report page and the images of its body: read as the page alone unless the page
    gives no cells and the images are there to read."""
    from .image_pages import read_image_page, unbundle

    page, page_url, images = unbundle(data)
    ex = extract(page, HTML, url=url or page_url, ocr=ocr)
    if ex.cells or not images or not ocr:
        return ex
    fresh = ReportMeta(source=ex.report.source, media_type=HTML, status=STATUS_OK, sha256=ex.report.sha256,
                       extractor_version=EXTRACTOR_VERSION)  # fmt: skip
    return _extract_document(read_image_page(page, page_url, images), fresh, url or page_url, ocr)


def _extract_document(doc: Document, report: ReportMeta, url: str | None, ocr: bool) -> Extraction:
    report.pages = doc.pages
    report.warnings.extend(doc.warnings)
    if not doc.has_text:
        report.status = STATUS_NO_TEXT
        report.warnings.append(
            "no text layer (scanned PDF or image): needs OCR" if not ocr else "no text found by OCR"
        )
        return Extraction(report, [], [])

    secs = split_sections(doc.lines)
    body = "\n".join(ln.text for ln in doc.lines[:200])
    meta = read_meta(doc, secs.preamble, body, url)
    report.title, report.agency, report.year, report.published_on = (
        meta.title,
        meta.agency,
        meta.year,
        meta.published_on,
    )
    for number, key, _, _ in SECTIONS:
        if number in secs.by_number:
            report.sections[key] = secs.text(number)
    fee = processing_fee(report.sections.get("other", ""))
    fee_table = table_fee(secs.fees) if secs.fees else None
    if fee.yuan is None and fee_table is not None:
        fee = fee_table  # section 五 printed as a table of fees (信息处理费收取情况)
    report.processing_fee_yuan, report.processing_fee_text = fee.yuan, fee.text

    fmt = detect_format(secs.text(2), report.year)
    report.format = fmt
    if fmt == "legacy":
        report.warnings.append("legacy format (before 2019): no national tables; text and metadata only")
        return Extraction(report, [], [])

    table_lines = {n: secs.lines(n) for n in (2, 3, 4)}
    if not all(any(ln.cells for ln in table_lines[n]) for n in table_lines):
        # headings missing (a workbook, a bare table): place grid tables by their words
        for n, found in classify_tables(doc.lines).items():
            if not any(ln.cells for ln in table_lines[n]):
                table_lines[n] = found
    table_lines = {n: repair_rows(found) for n, found in table_lines.items()}
    active = extract_active(table_lines[2], fmt)
    requests = extract_requests(table_lines[3], fmt)
    review = extract_review(table_lines[4])
    cells = active.cells + requests.cells + review.cells
    method = doc.method or _METHOD_BY_TYPE.get(report.media_type, "")
    for c in cells:
        c.method = c.method or method
    for res in (active, requests, review):
        report.warnings.extend(res.warnings)
    merged = merged_other_warning(table_lines[3], fmt, requests.collapsed_other)
    if merged:
        report.warnings.append(merged)
    missing = [name for name, res in (("active", active), ("requests", requests), ("review_litigation", review))
               if not res.found]  # fmt: skip
    whole = completeness([res.table or cb.table(key, fmt or "2021") for key, res in
                          (("active", active), ("requests", requests), ("review_litigation", review))], cells)  # fmt: skip
    report.cells_expected, report.cells_found = whole.cells_expected, whole.cells_found
    report.missing_rows, report.incomplete_rows = whole.missing_rows, whole.incomplete_rows
    if not cells:
        report.status = STATUS_NO_TABLES
    elif missing:
        report.status = STATUS_PARTIAL
        report.warnings.append(f"tables not found: {', '.join(missing)}")
    elif not whole.complete:
        report.status = STATUS_PARTIAL
    if any(c.method == METHOD_OCR for c in cells):
        cells, checks, notes = proofread(cells)
        report.warnings.extend(notes)
    else:
        checks = run_checks(cells)
    statements = [s for n in SECTIONS_READ for s in find_statements(secs.lines(n), n, report.year)]
    checks += text_vs_table(statements, cells, fee_table.yuan if fee_table else None)
    if cells:  # a document whose tables were found is a report: its form is checked too
        checks += _structure(doc, report, body)
    return Extraction(report, cells, checks)


def _structure(doc: Document, report: ReportMeta, body: str) -> list:
    """The form checks of ``structure``: sections, title year, fee statement."""
    info = parse_title(report.title) if report.title else None
    found = [
        sections_in_order(heading_order(doc.lines)),
        title_year(report.title, info.year if info else None, period_sentence(body)),
        fee_statement(report.format, report.processing_fee_yuan, report.processing_fee_text),
    ]
    return [r for r in found if r is not None]
