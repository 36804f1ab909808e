"""Scanned pages to the same Document of lines as the PDF text layer.

Each page goes: prepare (seal, grey, size, skew: ``ocr_image``) → detect →
turn the page if its lines stand upright (90°) or upside down (180°) →
recognise → words with boxes and confidences → lines.  From there the row
aligner and the checks treat a scan exactly like a text-layer PDF: a report
row is a line of words whose tail is numbers.

Boxes (``location.bbox``) are ``[x0, y0, x1, y1]`` from the page's top-left
corner on the deskewed page: in points for a PDF page (``unit: "pt"``), in
pixels of the image for an image file (``unit: "px"``).  A token's
``confidence`` is its weakest digit's probability (its weakest character's
when it has no digit): one doubtful digit makes a doubtful number.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from io import BytesIO

import numpy as np

from .model import UNCERTAIN_BELOW, Document, ExtractionError, Line, Token
from .ocr_engine import FAST, NUMBER, OcrBox, OcrSettings, engine
from .ocr_image import prepare, rotate
from .text_tables import PAGE_NUMBER

#: PDF pages are rendered at this width in pixels (about 150 dpi on A4: what scans are made at)
RENDER_WIDTH = 1240
#: a gap between two characters wider than this many text heights separates two cells
_CELL_GAP = 1.2
_SPACE = frozenset(" \u3000")
#: the engine settings the extractor reads scans with (``benchmarks/ocr_speed.py`` swaps them)
SETTINGS: OcrSettings = FAST


def _words(box: OcrBox) -> list[tuple[str, float, float, list[float]]]:
    """(text, x0, x1, confidences) per word: a box split at spaces and at cell-wide gaps;
    the confidences are the digits' (every character's when the word has no digit)."""
    h = box.y1 - box.y0
    words: list[list] = []
    prev_x = None
    for ch in box.chars:
        if ch.text in _SPACE:
            prev_x = None
            words.append([])
            continue
        if not words or (prev_x is not None and ch.x - prev_x > _CELL_GAP * h):
            words.append([])
        words[-1].append(ch)
        prev_x = ch.x
    words = [w for w in words if w]
    if len(words) == 1:
        ws = [(words[0], box.x0, box.x1)]
    else:
        half = 0.3 * h
        ws = [(w, max(box.x0, w[0].x - half), min(box.x1, w[-1].x + half)) for w in words]
    out = []
    for w, x0, x1 in ws:
        text = "".join(c.text for c in w)
        digits = [c.confidence for c in w if c.text.isdigit()]
        out.append((text, x0, x1, digits or [c.confidence for c in w]))
    return out


def _lines(boxes: list[OcrBox], page_no: int, scale: float, unit: str) -> list[Line]:
    """Words grouped into printed lines by vertical overlap, each line left to right."""
    tokens: list[tuple[float, float, float, Token]] = []  # (y0, y1, x0, token)
    for b in boxes:
        for text, x0, x1, confs in _words(b):
            bbox = [round(v / scale, 1) for v in (x0, b.y0, x1, b.y1)]
            loc = {"kind": "ocr", "page": page_no, "bbox": bbox, "unit": unit}
            if min(confs) < UNCERTAIN_BELOW and any(ch.isdigit() for ch in text):
                loc["digit_confidence"] = [round(p, 3) for p in confs]  # which digit to doubt
            tok = Token(text, loc, x=(x0 + x1) / 2 / scale, confidence=round(min(confs), 4))
            tokens.append((b.y0, b.y1, x0, tok))
    tokens.sort(key=lambda t: (t[0] + t[1]) / 2)
    groups: list[list[tuple[float, float, float, Token]]] = []
    for t in tokens:
        if groups:
            g = groups[-1]
            top = sum(u[0] for u in g) / len(g)
            bottom = sum(u[1] for u in g) / len(g)
            overlap = min(bottom, t[1]) - max(top, t[0])
            if overlap > 0.5 * min(bottom - top, t[1] - t[0]):
                g.append(t)
                continue
        groups.append([t])
    out = []
    for g in groups:
        g.sort(key=lambda u: u[2])
        words = [u[3] for u in g]
        text = " ".join(w.text for w in words)
        if PAGE_NUMBER.match(text):
            continue
        boxes_ = [w.loc["bbox"] for w in words]
        bbox = [min(b[0] for b in boxes_), min(b[1] for b in boxes_), max(b[2] for b in boxes_),
                max(b[3] for b in boxes_)]  # fmt: skip
        out.append(Line(text, {"kind": "ocr", "page": page_no, "bbox": bbox, "unit": unit}, words))
    return out


_DASHES = frozenset("-‐‑‒–—―−一")


def _drop_specks(read: list[OcrBox]) -> list[OcrBox]:
    """Boxes far smaller than the page's text that read as no number and no dash: a speck of
    toner or seal ink the detector took for text ("cir" over a table cell's 0), which would
    otherwise stand in the row as an extra value.  A small dash is kept: it is a printed blank."""
    heights = sorted(b.y1 - b.y0 for b in read)
    if len(heights) < 5:
        return read
    median = heights[len(heights) // 2]
    return [
        b for b in read
        if b.y1 - b.y0 >= 0.45 * median or any(c.text.isdigit() or c.text in _DASHES for c in b.chars)
    ]  # fmt: skip


def _rows_of(read: list[OcrBox]) -> list[list[OcrBox]]:
    """Boxes grouped by vertical overlap (more than half the lower box), each row left to right."""
    rows: list[list[OcrBox]] = []
    for b in sorted(read, key=lambda b: (b.y0 + b.y1) / 2):
        if rows:
            r = rows[-1]
            top, bottom = min(u.y0 for u in r), max(u.y1 for u in r)
            if min(bottom, b.y1) - max(top, b.y0) > 0.5 * min(bottom - top, b.y1 - b.y0):
                r.append(b)
                continue
        rows.append([b])
    return [sorted(r, key=lambda b: b.x0) for r in rows]


def _columns(rows: list[list[OcrBox]]) -> list[float]:
    """The x-centres where the page prints numbers: centres of number boxes clustered over every
    row holding at least three, kept where three rows or more agree."""
    xs = sorted((b.x0 + b.x1) / 2 for r in rows for b in r if NUMBER.match(b.text))
    if not xs:
        return []
    tol = 0.5 * sorted(b.y1 - b.y0 for r in rows for b in r)[0]
    clusters: list[list[float]] = [[xs[0]]]
    for x in xs[1:]:
        if x - clusters[-1][-1] <= tol:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [sum(c) / len(c) for c in clusters if len(c) >= 3]


def _gaps(grey: np.ndarray, read: list[OcrBox]) -> list[tuple[float, float, float, float]]:
    """Where a row of numbers skips a column the page prints numbers in, the ink the detector
    missed there.

    A thin "1" or a faint "0" beside a table rule is what detection drops most, and a row that
    lost one value reads as the next value in the wrong column.  The columns come from the
    page's other number rows; in a row of at least three numbers, a column with no box of any
    kind but with ink that is not a rule (a rule crosses the whole band above and below the
    text) holds a value to read."""
    rows = [r for r in _rows_of(read) if sum(1 for b in r if NUMBER.match(b.text)) >= 3]
    cols = _columns(rows)
    if len(cols) < 2:
        return []
    half = 0.45 * min(b - a for a, b in zip(cols, cols[1:], strict=False))
    h_img, w_img = grey.shape
    out = []
    for row in rows:
        nums = [b for b in row if NUMBER.match(b.text)]
        left, right = min(b.x0 for b in nums), max(b.x1 for b in nums)
        span = right - left
        h = int(np.median([b.y1 - b.y0 for b in nums]))
        top, bottom = min(b.y0 for b in nums), max(b.y1 for b in nums)
        for c in cols:
            if not left - 0.5 * span <= c <= right + 0.5 * span:
                continue  # another table's column
            if any(b.x0 - half <= c <= b.x1 + half for b in row if b.text.strip()):
                continue  # something is read there already (a box read as nothing is not)
            x0, x1 = int(max(0, c - half)), int(min(w_img, c + half))
            y0, y1 = int(max(0, top - 0.5 * h)), int(min(h_img, bottom + 0.5 * h))
            if x1 - x0 < 4:
                continue
            ink = grey[y0:y1, x0:x1] < 150
            rule = ink.mean(axis=0) > 0.9  # a vertical rule fills the band from top to bottom
            rule = rule | np.roll(rule, 1) | np.roll(rule, -1)
            ink[:, rule] = False
            ink[ink.mean(axis=1) > 0.6, :] = False  # a horizontal rule across the band
            xs = np.flatnonzero(ink.sum(axis=0) >= 2)
            ys = np.flatnonzero(ink.sum(axis=1) >= 1)
            if xs.size == 0 or ys.size == 0 or ys[-1] - ys[0] + 1 < 0.4 * h or ink.sum() < 12:
                continue  # blank, or a speck
            pad = 3
            out.append((max(0, x0 + xs[0] - pad), max(0, y0 + ys[0] - pad),
                        min(w_img, x0 + xs[-1] + 1 + pad), min(h_img, y0 + ys[-1] + 1 + pad)))  # fmt: skip
    return out


def _upright(boxes: list[tuple[float, float, float, float]]) -> bool:
    """More long boxes stand than lie: the page lies on its side (a lone digit's box is
    taller than wide on an upright page, so only boxes three times longer than thick count)."""
    tall = sum(1 for b in boxes if (b[3] - b[1]) > 3 * (b[2] - b[0]))
    wide = sum(1 for b in boxes if (b[2] - b[0]) > 3 * (b[3] - b[1]))
    return tall > wide


def ocr_page(
    rgb: np.ndarray, page_no: int, unit_scale: float, unit: str, settings: OcrSettings | None = None
):
    """One page image (RGB) → its lines.  ``unit_scale``: image pixels per output unit."""
    eng = engine(settings or SETTINGS)
    grey, f, _ = prepare(rgb)
    boxes = eng.detect(grey)
    if boxes and _upright(boxes):
        grey = np.ascontiguousarray(np.rot90(grey, -1))  # turned 90° either way: try clockwise first
        boxes = eng.detect(grey)
    img = np.dstack([grey] * 3)
    if boxes and eng.upside_down(img, boxes):
        grey = rotate(grey, 180)
        img = np.dstack([grey] * 3)
        boxes = eng.detect(grey)
    read = _drop_specks(eng.recognise(img, boxes))
    if found := _gaps(grey, read):  # read again where the detector missed a value
        read += [b for b in eng.recognise(img, found) if NUMBER.match(b.text)]
    return _lines(read, page_no, unit_scale * f, unit)


def submit_page(
    rgb: np.ndarray, page_no: int, unit_scale: float, unit: str, settings: OcrSettings | None = None
) -> Future[list[Line]]:
    """``ocr_page`` on the engine's page threads: as many pages are read at once as the engine
    has threads, each page's recognition sharing them too, so a several-page scan keeps every
    core busy.  Blocks while that many pages are in flight: memory holds a few pages, however
    long the scan (the caller renders or decodes the next page only when one slot is free)."""
    eng = engine(settings or SETTINGS)
    if eng.threads == 1:
        done: Future[list[Line]] = Future()
        try:
            done.set_result(ocr_page(rgb, page_no, unit_scale, unit, settings))
        except Exception as e:  # noqa: BLE001 - delivered through the future, as from a thread
            done.set_exception(e)
        return done
    eng.page_slots.acquire()
    fut = eng.pages.submit(ocr_page, rgb, page_no, unit_scale, unit, settings)
    fut.add_done_callback(lambda _: eng.page_slots.release())
    return fut


def page_frames(data: bytes) -> Iterator[np.ndarray]:
    """An image file's pages as RGB pixels (a TIFF's every page; one frame of anything else)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        im = Image.open(BytesIO(data))
        frames = ImageSequence.Iterator(im) if im.format == "TIFF" else [im]
        for fr in frames:
            yield np.asarray(fr.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise ExtractionError(f"unreadable image: {e}") from e


def read_images(images: list[bytes], settings: OcrSettings | None = None) -> Document:
    """Image files (JPG, PNG, GIF, BMP, TIFF with its pages) as one document, page after page."""
    pending: list[Future[list[Line]]] = []
    try:
        for data in images:
            for rgb in page_frames(data):
                pending.append(submit_page(rgb, len(pending) + 1, 1.0, "px", settings))
    finally:
        lines = [ln for fut in pending for ln in fut.result()]  # the first failure is raised here
    page = len(pending)
    return Document(lines=lines, media_type="image/*", pages=page, has_text=bool(lines), method="ocr")


def read_image(data: bytes) -> Document:
    return read_images([data])


def ocr_pdf_page(page, page_no: int, settings: OcrSettings | None = None) -> Future[list[Line]]:
    """A PDF page without a text layer, rendered here (PDFium is not thread-safe) and read on the
    page threads; boxes in points."""
    scale = RENDER_WIDTH / max(1.0, page.get_width())
    bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB(A) in memory order
    try:
        arr = bitmap.to_numpy()
        rgb = np.ascontiguousarray(arr[..., :3])
    finally:
        bitmap.close()
    return submit_page(rgb, page_no, scale, "pt", settings)
