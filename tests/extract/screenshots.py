"""Full-page screenshots of HTML reports in headless Chromium, cut into pages, for the OCR tests.

A street office that publishes its report as pictures often just screenshots
the web page.  The page is loaded with every network request refused (the
corpus file is self-contained text; no style sheet or image is fetched), shot
whole, and cut into A4-proportioned pages at blank rows, so no printed line is
split between two pages.
"""

from __future__ import annotations

from io import BytesIO

import numpy as np
from PIL import Image

#: CSS pixels of the viewport; the device scale makes 1.5 device pixels of each (about 150 dpi)
VIEWPORT_W = 900
SCALE = 1.5
PAGE_RATIO = 1.414  # A4 height / width


def screenshot(html: bytes, browser_path: str) -> np.ndarray:
    """The whole page as RGB pixels."""
    from playwright.sync_api import sync_playwright

    from crawler.browser import LAUNCH_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser_path, args=list(LAUNCH_ARGS), headless=True)
        try:
            ctx = b.new_context(viewport={"width": VIEWPORT_W, "height": 1200}, device_scale_factor=SCALE,
                                java_script_enabled=False)  # fmt: skip
            page = ctx.new_page()
            page.route("**/*", lambda route: route.abort())
            page.set_content(html.decode("utf-8", "replace"), wait_until="domcontentloaded")
            png = page.screenshot(full_page=True, type="png")
        finally:
            b.close()
    return np.asarray(Image.open(BytesIO(png)).convert("RGB"))


def cut_pages(rgb: np.ndarray) -> list[np.ndarray]:
    """Pages of about A4 proportion, each cut at the blankest row of its last fifth."""
    h, w = rgb.shape[:2]
    ink = (rgb.min(axis=2) < 200).sum(axis=1)
    target = int(w * PAGE_RATIO)
    pages, top = [], 0
    while top < h:
        if h - top <= target:
            bottom = h
        else:
            lo = top + int(target * 0.8)
            bottom = lo + int(np.argmin(ink[lo : top + target]))
        if ink[top:bottom].sum():
            pages.append(np.ascontiguousarray(rgb[top:bottom]))
        top = bottom + 1
    return pages


def scanned_screenshot(html: bytes, browser_path: str, seed: int = 20) -> list:
    """The report shot whole, cut into pages and degraded as a scan (every other page grey),
    as PIL images: the pictures the screenshot test and its benchmark read."""
    from tests.extract.scans import Degradation, degrade

    rng = np.random.default_rng(seed)
    return [Image.fromarray(degrade(p, Degradation.draw(rng, grey=bool(i % 2)), rng))
            for i, p in enumerate(cut_pages(screenshot(html, browser_path)))]  # fmt: skip
