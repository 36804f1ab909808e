"""A scanned page made fit for recognition: seal removed, grey stretched, size
normalised, skew undone.

Every step is cheap and measured on the scans the tests build (see
``tests/extract/scans.py``): a red seal stamped over a table makes digits
under it unreadable unless its colour goes first; a faint grey scan (toner
low, scanned at a light setting) reads better once its ink is stretched to
black; detection and recognition are tuned for text about 20–40 pixels high,
which an A4 page has at 1000–1700 pixels wide.
"""

from __future__ import annotations

import cv2
import numpy as np

#: the page width (pixels) recognition works at; wider or narrower scans are scaled into this range
MIN_WIDTH, MAX_WIDTH = 1000, 1700
#: skew angles searched, degrees (a scan placed crooked on the glass is rarely off by more)
MAX_SKEW = 4.0


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """Grey with red seals lifted out and the ink stretched to black, the paper to white.

    Seal ink multiplies the page under it by red: the red channel of a sealed
    pixel is the page's own grey times the seal's red level.  So a reddish
    pixel takes its red channel divided by that level: the seal vanishes into
    paper and the black (or faint) digits under it come back as they were
    printed, fringes included.  Whitening red pixels instead would eat the
    strokes of the digits under the seal.
    """
    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    r = rgb[..., 0]
    redness = r.astype(np.int16) - np.maximum(rgb[..., 1], rgb[..., 2])
    tinted = redness > 25
    if tinted.any():
        paper = float(np.percentile(g[::4, ::4], 90))
        strong = r[redness > 60]
        level = float(np.percentile(strong, 75)) if strong.size > 50 else paper
        scaled = np.clip(r[tinted].astype(np.float32) * (paper / max(level, 1.0)), 0, 255)
        g[tinted] = scaled.astype(np.uint8)
    sample = g[:: max(1, g.shape[0] // 300), :: max(1, g.shape[1] // 300)]
    lo, hi = np.percentile(sample, (0.5, 90))
    if hi - lo >= 20:  # not a blank page
        lut = np.clip((np.arange(256, dtype=np.float32) - lo) * 255.0 / (hi - lo), 0, 255).astype(np.uint8)
        g = cv2.LUT(g, lut)
    return g


def normalise_size(grey: np.ndarray) -> tuple[np.ndarray, float]:
    """The page scaled into the working width range, and the factor applied."""
    w = grey.shape[1]
    f = 1.0
    if w > MAX_WIDTH:
        f = MAX_WIDTH / w
    elif w < MIN_WIDTH:
        f = MIN_WIDTH / w
    if f == 1.0:
        return grey, f
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    return cv2.resize(grey, None, fx=f, fy=f, interpolation=interp), f


def _profile_score(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rot.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(grey: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise positive as OpenCV takes it) that makes the
    text lines and table rules horizontal: the angle whose row profile is sharpest."""
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.uint8)
    if ink.sum() < 50:
        return 0.0
    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5), key=lambda a: _profile_score(ink, a))
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    return round(float(max(fine, key=lambda a: _profile_score(ink, a))), 2)


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def prepare(rgb: np.ndarray) -> tuple[np.ndarray, float, float]:
    """RGB page → (grey page ready for detection, size factor, skew undone in degrees)."""
    grey, f = normalise_size(to_grey(rgb))
    angle = skew_angle(grey)
    if abs(angle) >= 0.3:
        grey = rotate(grey, angle)
    return grey, f, angle
