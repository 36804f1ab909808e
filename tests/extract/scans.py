"""Scans made at test time from real documents: render a page, then degrade it the
way a street office's scanner and upload do.

150–200 dpi, grey, skew up to ±1.5°, JPEG quality 40–60, sensor noise, a
slight blur, a red seal stamped over part of the page; each scan draws its
parameters from a seeded generator, so a failure reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image


@dataclass(frozen=True)
class Degradation:
    dpi: int = 170
    skew: float = 0.0  # degrees, counter-clockwise
    jpeg_quality: int = 50
    grey: bool = False
    faint: bool = False  # light toner: ink only down to mid grey
    seal: bool = False
    noise: float = 6.0  # standard deviation of the added noise
    blur: float = 0.6  # Gaussian sigma
    turn: int = 0  # the page placed on the glass turned by 90, 180 or 270 degrees

    @staticmethod
    def draw(rng: np.random.Generator, **fixed) -> Degradation:
        d = Degradation(
            dpi=int(rng.integers(150, 201)),
            skew=float(rng.uniform(-1.5, 1.5)),
            jpeg_quality=int(rng.integers(40, 61)),
            noise=float(rng.uniform(3, 9)),
            blur=float(rng.uniform(0.3, 0.8)),
        )
        return Degradation(**{**d.__dict__, **fixed})


def render(pdf_bytes: bytes, page: int, dpi: int) -> np.ndarray:
    """One PDF page (1-based) as RGB pixels."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        bm = pdf[page - 1].render(scale=dpi / 72, rev_byteorder=True)
        return np.ascontiguousarray(bm.to_numpy()[..., :3])
    finally:
        pdf.close()


def stamp_seal(rgb: np.ndarray, cx: int, cy: int, r: int) -> np.ndarray:
    """An official red seal: a ring, a star and an arc of text-like strokes, multiplied over the ink."""
    layer = np.full_like(rgb, 255)
    red = (215, 40, 45)
    cv2.circle(layer, (cx, cy), r, red, max(3, r // 14), cv2.LINE_AA)
    star = np.array(
        [
            (
                cx + 0.35 * r * np.cos(np.pi / 2 + k * 4 * np.pi / 5),
                cy - 0.35 * r * np.sin(np.pi / 2 + k * 4 * np.pi / 5),
            )
            for k in range(5)
        ],
        np.int32,
    )
    cv2.fillPoly(layer, [star], red, cv2.LINE_AA)
    for k in range(12):  # the seal's ring of characters
        a = np.pi * (0.15 + 0.7 * k / 11)
        x, y = int(cx - 0.72 * r * np.cos(a)), int(cy - 0.72 * r * np.sin(a))
        cv2.rectangle(layer, (x - r // 12, y - r // 12), (x + r // 12, y + r // 12), red, 2)
    return (rgb.astype(np.uint16) * layer // 255).astype(np.uint8)


def degrade(rgb: np.ndarray, d: Degradation, rng: np.random.Generator) -> np.ndarray:
    img = rgb
    h, w = img.shape[:2]
    if d.grey or d.faint:
        g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        if d.faint:
            g = (110 + g.astype(np.float32) * (235 - 110) / 255).astype(np.uint8)
        img = np.dstack([g] * 3)
    if d.seal:  # stamped in red ink over the (perhaps faintly printed) page, scanned in colour
        img = stamp_seal(img, int(w * rng.uniform(0.55, 0.8)), int(h * rng.uniform(0.3, 0.7)), int(w * 0.12))
    if d.skew:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), d.skew, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if d.blur:
        img = cv2.GaussianBlur(img, (0, 0), d.blur)
    if d.noise:
        img = np.clip(img + rng.normal(0, d.noise, img.shape), 0, 255).astype(np.uint8)
    if d.turn:
        img = np.ascontiguousarray(np.rot90(img, -d.turn // 90))
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, d.jpeg_quality]
    )
    assert ok
    return cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def scan_page(pdf_bytes: bytes, page: int, d: Degradation, rng: np.random.Generator) -> Image.Image:
    im = Image.fromarray(degrade(render(pdf_bytes, page, d.dpi), d, rng))
    im.info["dpi"] = (d.dpi, d.dpi)
    return im


def image_pdf(pages: list[Image.Image]) -> bytes:
    """A PDF of page images and no text layer, as a scanner writes it (JPEG inside)."""
    out = BytesIO()
    dpi = pages[0].info.get("dpi", (150, 150))[0]
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=85)
    return out.getvalue()


def mixed_pdf(pdf_bytes: bytes, scanned: dict[int, Image.Image]) -> bytes:
    """The document with the pages in ``scanned`` (1-based) replaced by their scans."""
    from pypdf import PdfReader, PdfWriter

    original = PdfReader(BytesIO(pdf_bytes))
    writer = PdfWriter()
    for i, page in enumerate(original.pages, start=1):
        if i in scanned:
            writer.add_page(PdfReader(BytesIO(image_pdf([scanned[i]]))).pages[0])
        else:
            writer.add_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def multipage_tiff(pages: list[Image.Image]) -> bytes:
    out = BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    return out.getvalue()
