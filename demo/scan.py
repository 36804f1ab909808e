"""A scanned report for the demo portal: the report's pages drawn as images, a
little crooked, stamped with the body's red seal, JPEG-compressed and wrapped in a
PDF with no text layer — what a township government uploads.

Drawing Chinese needs a CJK font; the demo uses the system's Noto CJK (``make
system`` installs it).  Without one the report falls back to its text-layer PDF
and the demo says so.
"""

from __future__ import annotations

import glob
import time
from functools import cache
from io import BytesIO

from .pdf import PAGE_H, PAGE_W, Page

DPI = 200
SKEW = 0.7  # degrees
_FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # a serif zero is not read as "o"
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/Noto*CJK*Regular*.tt[cf]",
    "/usr/share/fonts/**/*[Ww]qy*.tt[cf]",
    "/System/Library/Fonts/PingFang.ttc",
)


@cache
def cjk_font() -> str | None:
    for pattern in _FONT_GLOBS:
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def scanned_pdf(pages: list[Page]) -> bytes | None:
    """The pages as a scan (None when no CJK font is installed)."""
    font_path = cjk_font()
    if font_path is None:
        return None
    from PIL import Image, ImageChops, ImageDraw

    images = []
    for n, page in enumerate(pages):
        im = _draw(page, font_path, DPI)
        if n == len(pages) - 1:  # the seal, in red ink over whatever is printed there
            layer = Image.new("RGB", im.size, (255, 255, 255))
            _seal(ImageDraw.Draw(layer), im.width * 0.72, im.height * 0.88, im.width * 0.1)
            im = ImageChops.multiply(im, layer)
        im = im.rotate(SKEW, resample=Image.BICUBIC, fillcolor=(250, 250, 247))
        buf = BytesIO()
        im.save(buf, format="JPEG", quality=70)
        images.append(Image.open(BytesIO(buf.getvalue())))
    out = BytesIO()
    fixed = time.gmtime(1737072000)  # 2025-01-17: the same bytes every build (the site is deterministic)
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=DPI,
                   creationDate=fixed, modDate=fixed)  # fmt: skip
    return out.getvalue()


@cache
def _font(path: str, px: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, px)


def _draw(page: Page, font_path: str, dpi: int):
    """The page's text drawn on off-white paper at ``dpi``."""
    from PIL import Image, ImageDraw

    s = dpi / 72
    im = Image.new("RGB", (round(PAGE_W * s), round(PAGE_H * s)), (250, 250, 247))
    draw = ImageDraw.Draw(im)
    for x, y, size, text in page.items:
        draw.text((x * s, (PAGE_H - y) * s), text, font=_font(font_path, round(size * s)), fill=(25, 25, 25),
                  anchor="ls")  # fmt: skip
    return im


def table_images(pages: list[Page], dpi: int = 150) -> list[bytes] | None:
    """Each page as a PNG cut to what is printed on it: the screenshot of a table that a
    street office pastes into its report page (None when no CJK font is installed)."""
    font_path = cjk_font()
    if font_path is None:
        return None
    s = dpi / 72
    out = []
    for page in pages:
        im = _draw(page, font_path, dpi)
        xs = [x for x, _, _, _ in page.items]
        ys = [PAGE_H - y for _, y, _, _ in page.items]
        top, bottom = max(0, (min(ys) - 22) * s), min(im.height, (max(ys) + 12) * s)
        im = im.crop((max(0, (min(xs) - 12) * s), top, im.width - 20 * s, bottom))
        buf = BytesIO()
        im.save(buf, format="PNG", optimize=True)
        out.append(buf.getvalue())
    return out


def _seal(draw, cx: float, cy: float, r: float) -> None:
    """A ring and a star."""
    import math

    red = (205, 45, 50)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, int(r / 14)))
    pts = [
        (
            cx + 0.35 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            cy - 0.35 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5),
        )
        for k in range(5)
    ]
    draw.polygon(pts, fill=red)
