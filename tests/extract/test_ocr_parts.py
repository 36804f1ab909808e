"""The OCR's fast path, part by part, on pictures drawn here (no corpus needed).

Each speed-up trades something; these pin what it must not lose: the detector's
crop keeps a thin digit at the page's edge, a digit the detector missed in a
row is read again from the gap while a table rule in a gap is never read as a
"1", a speck is dropped but a printed dash is not, and reading pages on two
cores gives the same lines as on one.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from dataset.parallel import Task
from extract import ocr_engine, ocr_reader
from extract.doc_images import doc_images
from extract.model import METHOD_OCR, ExtractionError, Line, Token
from extract.ocr_engine import OcrBox, OcrChar, inked_area
from extract.ocr_reader import _drop_specks, _gaps
from extract.pipeline import extract
from extract.tables import extract_review

H = 40  # row height of the drawn tables, pixels
PITCH = 90  # column spacing


def _table_row(values: list[str], rules: bool = True, width: int = 1000) -> np.ndarray:
    """One table row drawn as a scanner sees it: black digits, thin vertical rules between cells."""
    img = np.full((3 * H, width), 255, np.uint8)
    y = H + 30
    for k, v in enumerate(values):
        x = 100 + k * PITCH
        if v:
            cv2.putText(img, v, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2, cv2.LINE_AA)
        if rules:
            cv2.line(img, (x + 55, 0), (x + 55, 3 * H - 1), 0, 1)
    cv2.line(img, (0, H - 4), (width - 1, H - 4), 0, 1)
    cv2.line(img, (0, 2 * H + 4), (width - 1, 2 * H + 4), 0, 1)
    return img


def _box(text: str, k: int, conf: float = 0.99) -> OcrBox:
    x0 = 100 + k * PITCH - 2
    return OcrBox(x0, H + 4, x0 + 24 * len(text) + 2, H + 34, [OcrChar(text, x0 + 12, conf)])


def test_detector_crop_keeps_a_thin_digit_at_the_page_edge():
    """Scaled down first, a thin stroke fades to light grey: the crop must be counted at full size."""
    page = np.full((600, 1140), 255, np.uint8)
    cv2.putText(page, "1", (1090, 300), cv2.FONT_HERSHEY_PLAIN, 1.2, 0, 1)
    x0, y0, x1, y1 = inked_area(page)
    assert x1 >= 1100 and y0 <= 285 <= y1


def test_blank_page_has_no_inked_area():
    assert inked_area(np.full((300, 300), 255, np.uint8)) == (0, 0, 0, 0)


def _table(rows: list[list[str]]) -> np.ndarray:
    return np.vstack([_table_row(r) for r in rows])


def _boxes(rows: list[list[str]], skip: set[tuple[int, int]] = frozenset()) -> list[OcrBox]:
    out = []
    for i, r in enumerate(rows):
        for k, v in enumerate(r):
            if v and (i, k) not in skip:
                b = _box(v, k)
                out.append(OcrBox(b.x0, b.y0 + 3 * H * i, b.x1, b.y1 + 3 * H * i, b.chars))
    return out


ROWS = [
    ["3", "0", "1", "0", "4"],
    ["2", "1", "0", "0", "3"],
    ["5", "0", "0", "1", "6"],
    ["1", "1", "1", "1", "4"],
]


def test_a_value_the_detector_missed_is_found_in_the_column_it_leaves_empty():
    """Missed in the middle of a row and at its end: the page's other rows say where the columns are."""
    found = sorted(_gaps(_table(ROWS), _boxes(ROWS, skip={(0, 2), (3, 4)})), key=lambda b: b[1])
    assert len(found) == 2
    for (x0, y0, x1, y1), (row, col) in zip(found, [(0, 2), (3, 4)], strict=True):
        assert 100 + col * PITCH - 5 <= x0 < x1 <= 100 + col * PITCH + 30
        assert y0 < 3 * H * row + H + 30 < y1


def test_a_box_read_as_nothing_is_read_again():
    boxes = _boxes(ROWS)
    boxes[1] = OcrBox(boxes[1].x0, boxes[1].y0, boxes[1].x1, boxes[1].y1, [])
    assert len(_gaps(_table(ROWS), boxes)) == 1


def test_a_rule_alone_in_a_column_is_not_a_value():
    """A blank cell: only its rules stand where the value would be, never read as "1"."""
    rows = [list(r) for r in ROWS]
    rows[1][2] = ""
    assert _gaps(_table(rows), _boxes(rows)) == []


def test_rows_with_every_value_have_no_gaps():
    assert _gaps(_table(ROWS), _boxes(ROWS)) == []


def test_specks_go_dashes_stay():
    normal = [OcrBox(0, 0, 20, 30, [OcrChar(t, 10, 0.99)]) for t in "12345"]
    speck = OcrBox(40, 5, 50, 12, [OcrChar("c", 45, 0.4), OcrChar("i", 46, 0.4)])
    dash = OcrBox(60, 12, 80, 18, [OcrChar("—", 70, 0.9)])
    kept = _drop_specks([*normal, speck, dash])
    assert speck not in kept and dash in kept and all(b in kept for b in normal)


def _ocr_line(printed: str, y: float) -> Line:
    texts = printed.split()
    toks = [
        Token(t, {"kind": "ocr", "page": 1, "bbox": [100 + 30 * k, y, 120 + 30 * k, y + 15]}, x=110 + 30 * k)
        for k, t in enumerate(texts)
    ]
    return Line(" ".join(texts), {"kind": "ocr", "page": 1}, cells=toks)


def test_review_numbers_gathered_over_scanned_lines_must_add_up():
    """A speck read as "9" on its own line plus one value lost from the row still make 15 numbers:
    placed in order, every value after the speck would sit one column off."""
    head = Line("四、政府信息公开行政复议、行政诉讼情况", {"kind": "ocr", "page": 1})
    speck = _ocr_line("9", 10)
    row = _ocr_line("1 1 0 0 2 1 0 0 1 2 0 1 0 3", 30)  # litigation_direct lost a 0
    res = extract_review([head, speck, row])
    assert not res.found and not res.cells
    assert any("do not add up" in w for w in res.warnings)
    good = extract_review([head, _ocr_line("1 1 0 0 2", 10), _ocr_line("1 0 0 0 1 2 0 1 0 3", 30)])
    assert good.found and len(good.cells) == 15


def test_pages_on_two_cores_read_the_same_as_on_one():
    rows = [_table_row([str((k * 7 + j) % 10) for j in range(8)]) for k in range(6)]
    page = np.vstack(rows)
    rgb = np.dstack([page] * 3)
    pngs = [cv2.imencode(".png", np.ascontiguousarray(rgb[:, :, ::-1]))[1].tobytes()] * 3

    def read(threads: int) -> list[str]:
        settings = replace(ocr_engine.FAST, threads=threads)
        doc = ocr_reader.read_images(pngs, settings)
        return [f"{ln.loc['page']}:{ln.text}" for ln in doc.lines]

    one, two = read(1), read(2)
    assert one == two and len({s.split(":", 1)[0] for s in one}) == 3
    printed = " ".join(str((k * 7 + j) % 10) for k in range(6) for j in range(8))
    assert " ".join(s.split(":", 1)[1] for s in one if s.startswith("1:")) == printed


def report_ocr_threads(data: bytes, media_type: str | None, url: str) -> dict:
    """A worker's extract function that only says how many cores its OCR would use."""
    return {"threads": ocr_engine.threads_available(), "pid": os.getpid()}


def test_each_pool_worker_reads_scans_on_its_share_of_the_cores():
    from dataset.workers import ProcessPool

    pool = ProcessPool(2, fn=report_ocr_threads)
    try:
        for k in range(2):
            pool.submit(Task(str(k), b"", None, f"u{k}"))
        got, deadline = [], time.monotonic() + 60
        while len(got) < 2 and time.monotonic() < deadline:
            got += pool.poll(1.0)
    finally:
        pool.close()
    assert len(got) == 2
    want = max(1, (os.cpu_count() or 1) // 2)
    assert {f.record["threads"] for f in got} == {want}


FIXTURES = Path(__file__).parent / "fixtures"


def test_word97_and_wps_files_of_page_pictures_read_in_body_order():
    """report-scans.doc (tests/extract/fixtures/make_doc_fixtures.py): the demo report's two
    pages as pictures pasted into Word and saved as Word 97; the requests table runs over both.
    WPS writes the same binary format, so the same bytes named .wps read the same."""
    from tests.crawler.test_image_pages import _report

    _, rep = _report()
    want = {
        (t, r, c): v for t, rows in rep["tables"].items() for r, cols in rows.items() for c, v in cols.items()
    }
    data = (FIXTURES / "report-scans.doc").read_bytes()
    assert [len(i) > 1000 for i in doc_images(data)] == [True] * 2
    for name in ("scan.doc", "scan.wps"):
        ex = extract(data, name=name)
        got = {(c.table, c.row, c.col): c for c in ex.cells}
        wrong = {k: (v, got[k].raw if k in got else "MISSING") for k, v in want.items()
                 if k not in got or got[k].value != v}  # fmt: skip
        assert not wrong, f"{name}: {len(want) - len(wrong)} of {len(want)} right: {wrong}"
        assert ex.report.pages == 2 and {c.method for c in ex.cells} == {METHOD_OCR}
        pages = {t: {c.location["page"] for c in ex.cells if c.table == t} for t in rep["tables"]}
        assert pages == {"active": {1}, "requests": {1, 2}, "review_litigation": {2}}


def test_a_damaged_word97_file_of_pictures_says_so():
    data = (FIXTURES / "report-scans.doc").read_bytes()
    with pytest.raises(ExtractionError, match="corrupt .doc"):
        doc_images(data[:3000])
    with pytest.raises(ExtractionError, match="corrupt .doc"):
        extract(data[: len(data) // 2], name="half.doc")
