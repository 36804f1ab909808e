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
from io import BytesIO

import numpy as np

from .model import UNCERTAIN_BELOW, Document, ExtractionError, Line, Token
from .ocr_engine import FAST, OcrBox, OcrSettings, engine
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
    boxes = eng.detect(np.dstack([grey] * 3))
    if boxes and _upright(boxes):
        grey = np.ascontiguousarray(np.rot90(grey, -1))  # turned 90° either way: try clockwise first
        boxes = eng.detect(np.dstack([grey] * 3))
    img = np.dstack([grey] * 3)
    if boxes and eng.upside_down(img, boxes):
        grey = rotate(grey, 180)
        img = np.dstack([grey] * 3)
        boxes = eng.detect(img)
    return _lines(eng.recognise(img, boxes), page_no, unit_scale * f, unit)


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
    lines: list[Line] = []
    page = 0
    for data in images:
        for rgb in page_frames(data):
            page += 1
            lines += ocr_page(rgb, page, 1.0, "px", settings)
    return Document(lines=lines, media_type="image/*", pages=page, has_text=bool(lines), method="ocr")


def read_image(data: bytes) -> Document:
    return read_images([data])


def ocr_pdf_page(page, page_no: int, settings: OcrSettings | None = None) -> list[Line]:
    """A PDF page without a text layer, rendered and read; boxes in points."""
    scale = RENDER_WIDTH / max(1.0, page.get_width())
    bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB(A) in memory order
    try:
        arr = bitmap.to_numpy()
        rgb = np.ascontiguousarray(arr[..., :3])
    finally:
        bitmap.close()
    return ocr_page(rgb, page_no, scale, "pt", settings)
