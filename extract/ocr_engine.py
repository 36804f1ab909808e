"""The OCR engine: PP-OCRv4 text detection and recognition on onnxruntime (CPU).

rapidocr-onnxruntime ships the models inside its wheel, so nothing is fetched
at run time and no API key is involved.  Its detector and recogniser are used
directly instead of its one-call pipeline for three reasons the table format
makes pressing:

* **per-character confidence and position.**  The pipeline averages the
  probabilities of a text box into one score; a report cell needs the weakest
  digit's probability (a ``9`` read as ``6`` hides in a box average), and a box
  that swallowed two cells ("0 0") is split by where the recogniser placed each
  character;
* **speed.**  The angle classifier runs on a few lines per page to decide the
  page's orientation once, not on every box; detection runs at a bounded size;
  a batch of one-digit cells is not padded out to PaddleOCR's 320-pixel line
  width (a table page is mostly such cells).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np

_NUMERIC = frozenset("0123456789.,-")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
#: what a lone digit is taken for when the recogniser doubts it
_DIGIT_LIKE = frozenset("0123456789oO○０〇DlI|丨")
#: a reading that is a number (a table cell's value)
NUMBER = re.compile(r"^-?[\d.,]*\d[\d.,]*$")


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """Knobs measured in ``benchmarks/ocr_speed.py``; ``ENGINE_DEFAULTS`` is rapidocr's own."""

    #: longest side the detector sees.  An A4 page at 150 dpi (1754 px high) loses little at 1152, but a
    #: screenshot of a web page, its text smaller for its size, lost 30 of 200 cells there and none at 1536;
    #: the thin digits a smaller scale misses are read again from their columns (ocr_reader)
    det_limit: int = 1536
    det_limit_type: str = "max"
    box_thresh: float = 0.3  # thin "1"s on grey scans score below rapidocr's 0.5
    unclip_ratio: float = 1.6
    #: the narrowest batch the recogniser is given, in heights (PaddleOCR's is 320/48)
    min_rec_ratio: float = 2.0
    rec_batch: int = 8
    #: pixels of width a batch may hold: a bigger input runs out of cache (one 1024-px line costs
    #: 44 µs a column alone, 66 µs in a batch of eight)
    rec_columns: int = 1024
    #: recogniser input height for short boxes (table cells: numbers, short labels); the model's own 48
    rec_height: int = 48
    #: input height for long boxes (prose lines, long labels): 32 reads the same characters at a
    #: third of the cost (measured in benchmarks/ocr_speed.py); 48 reads every box at full size
    line_height: int = 32
    #: a box this many times wider than high is a long box
    line_ratio: float = 4.0
    #: cores a page may use (0: those this process may run on, or ``$NIANBAO_OCR_THREADS``, which
    #: the extract worker pool sets to its share); detection runs on that many onnxruntime threads,
    #: recognition as that many single-threaded batches at once (onnxruntime's own threads
    #: gain little on a batch of short lines: 1.5x on two cores, against 1.9x this way)
    threads: int = 0
    #: the detector sees only the page's inked area (margins cost as much as text)
    crop_margins: bool = True


FAST = OcrSettings()
#: rapidocr-onnxruntime's configuration: detection with its shortest side at least 736
ENGINE_DEFAULTS = OcrSettings(
    det_limit=736,
    det_limit_type="min",
    box_thresh=0.5,
    min_rec_ratio=320 / 48,
    rec_batch=6,
    line_height=48,
    crop_margins=False,
)


@dataclass(slots=True)
class OcrChar:
    text: str
    x: float  # centre, in image pixels
    confidence: float


@dataclass(slots=True)
class OcrBox:
    """One detected text box: its axis-aligned extent in image pixels and its characters."""

    x0: float
    y0: float
    x1: float
    y1: float
    chars: list[OcrChar] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)


class Engine:
    """The loaded models.  Loading takes about a second, so one engine serves
    every page of a run (``engine()``); onnxruntime sessions are thread-safe,
    the lock only keeps two threads from loading it twice."""

    def __init__(self, settings: OcrSettings = FAST) -> None:
        from rapidocr_onnxruntime.ch_ppocr_cls import TextClassifier
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path

        cfg = update_model_path(read_yaml(DEFAULT_CFG_PATH))
        self.threads = settings.threads or threads_available()
        for part in ("Det", "Rec", "Cls"):
            cfg[part]["intra_op_num_threads"] = 1  # the cores are used by pages and batches at once
        cfg["Det"].update(
            limit_side_len=settings.det_limit,
            limit_type=settings.det_limit_type,
            box_thresh=settings.box_thresh,
            unclip_ratio=settings.unclip_ratio,
        )
        self.settings = settings
        self.det = TextDetector(cfg["Det"])
        self.rec = TextRecognizer(cfg["Rec"])
        self.cls = TextClassifier(cfg["Cls"])
        self._pool = ThreadPoolExecutor(self.threads, "nianbao-ocr-rec") if self.threads > 1 else None
        #: whole pages at once (``ocr_reader.submit_page``); no page thread ever waits for a page
        self.pages = ThreadPoolExecutor(self.threads, "nianbao-ocr-page")
        self.page_slots = threading.BoundedSemaphore(self.threads)
        self.charset = self.rec.postprocess_op.character
        self._digit = np.array([k > 0 and self.charset[k] in "0123456789" for k in range(len(self.charset))])
        self._numeric = np.array([k == 0 or self.charset[k] in _NUMERIC for k in range(len(self.charset))])

    # ------------------------------------------------------------ detection

    def detect(self, img: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Axis-aligned boxes (x0, y0, x1, y1) of the text on a deskewed page, top to bottom.

        The detector's input is made here rather than by rapidocr: its "max" mode ignores the
        configured limit (it picks 960, 1500 or 2000 by the image's size), it normalises in
        float64, and it would run the network over the blank margins too."""
        st = self.settings
        grey = img if img.ndim == 2 else img[..., 0]
        x0, y0, x1, y1 = inked_area(grey) if st.crop_margins else (0, 0, grey.shape[1], grey.shape[0])
        if x1 <= x0 or y1 <= y0:
            return []
        region = grey[y0:y1, x0:x1]
        h, w = region.shape
        if st.det_limit_type == "max":
            f = min(1.0, st.det_limit / max(h, w))
        else:
            f = max(1.0, st.det_limit / min(h, w))
        size = (max(32, round(w * f / 32) * 32), max(32, round(h * f / 32) * 32))
        resized = cv2.resize(region, size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
        x = resized.astype(np.float32) / 127.5 - 1.0  # the detector's mean and std: 0.5, 0.5
        x = np.ascontiguousarray(np.broadcast_to(x, (1, 3, *x.shape)))
        preds = self.det.infer(x)[0]
        found, _ = self.det.postprocess_op(preds, (h, w))
        found = self.det.filter_tag_det_res(found, (h, w))
        out = []
        for q in found:
            bx0, by0 = float(q[:, 0].min()) + x0, float(q[:, 1].min()) + y0
            bx1, by1 = float(q[:, 0].max()) + x0, float(q[:, 1].max()) + y0
            if bx1 - bx0 >= 3 and by1 - by0 >= 4:
                out.append((bx0, by0, bx1, by1))
        out.sort(key=lambda b: (b[1], b[0]))
        return out

    def upside_down(self, img: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> bool:
        """The angle classifier's vote on the page's widest lines: is the page turned 180°?"""
        wide = sorted(boxes, key=lambda b: (b[2] - b[0]) / max(1.0, b[3] - b[1]), reverse=True)[:8]
        crops = [self._crop(img, b)[0] for b in wide if (b[2] - b[0]) > 2 * (b[3] - b[1])]
        if not crops:
            return False
        _, res, _ = self.cls(crops)
        flipped = sum(1 for label, score in res if "180" in label and score > 0.7)
        return flipped * 2 > len(crops)

    # ---------------------------------------------------------- recognition

    def _crop(self, img: np.ndarray, b: tuple[float, float, float, float]) -> tuple[np.ndarray, float]:
        """The box's pixels and the x of the crop's left edge in the page."""
        h_img, w_img = img.shape[:2]
        x0, y0 = max(0, int(b[0])), max(0, int(b[1]))
        x1, y1 = min(w_img, int(math.ceil(b[2]))), min(h_img, int(math.ceil(b[3])))
        return np.ascontiguousarray(img[y0:y1, x0:x1]), x0

    def recognise(self, img: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> list[OcrBox]:
        """Every box read, with each character's centre and probability: short boxes at the
        model's full height, long ones at ``line_height``."""
        crops = [self._crop(img, b) for b in boxes]
        st = self.settings
        ratio = [c.shape[1] / max(1, c.shape[0]) for c, _ in crops]
        jobs = []
        for height, wanted in ((st.rec_height, False), (st.line_height, True)):
            order = sorted((i for i in range(len(crops)) if (ratio[i] >= st.line_ratio) == wanted),
                           key=ratio.__getitem__)  # fmt: skip
            batch: list[int] = []
            for i in order:  # narrow to wide: a batch's width is its last box's
                if batch and (
                    len(batch) == st.rec_batch or (len(batch) + 1) * height * ratio[i] > st.rec_columns
                ):
                    jobs.append((height, batch))
                    batch = []
                batch.append(i)
            if batch:
                jobs.append((height, batch))
        jobs.sort(key=lambda j: -j[0] * max(ratio[i] for i in j[1]))  # the longest first: even finish

        def run(job: tuple[int, list[int]]) -> list[tuple[int, OcrBox]]:
            height, idx = job
            width = math.ceil(height * max([ratio[i] for i in idx] + [st.min_rec_ratio]))
            batch = np.zeros((len(idx), 3, height, width), dtype=np.float32)
            fitted = [_fit(crops[i][0], height, width, batch[k]) for k, i in enumerate(idx)]
            preds = self.rec.session(batch)[0]  # (batch, steps, classes)
            done = []
            for k, i in enumerate(idx):
                crop, offset = crops[i]
                per_step = width / preds.shape[1] * (crop.shape[1] / fitted[k])
                b = boxes[i]
                done.append((i, OcrBox(b[0], b[1], b[2], b[3], self._decode(preds[k], per_step, offset))))
            return done

        results = self._pool.map(run, jobs) if self._pool else map(run, jobs)
        out = dict(pair for done in results for pair in done)
        return [out[i] for i in range(len(crops)) if i in out]

    def _decode(self, pred: np.ndarray, per_step: float, offset: float) -> list[OcrChar]:
        """CTC greedy decoding that keeps every character's probability and step.

        A short reading without ideographs that is not a number ("o", "O", "l",
        "。") is a table cell's digit misread as a letter: it is decoded
        again with only digits allowed, and keeps the digit's (low) probability,
        so the cell ends up flagged uncertain rather than lost.  A box read as nothing at all
        (a lone "0" the recogniser half takes for a circle) gives its likeliest digit the same
        way, when that digit is the likeliest character at all.
        """
        chars = self._greedy(pred, per_step, offset)
        if not chars:
            return self._likeliest_digit(pred, per_step, offset)
        text = "".join(c.text for c in chars).strip()
        if 0 < len(text) <= 4 and not NUMBER.match(text) and not _IDEOGRAPH.search(text):
            masked = np.where(self._numeric, pred, 0.0)
            masked[pred.argmax(axis=1) != 0, 0] = 0.0  # where a letter was read, some digit was printed
            digits = self._greedy(masked, per_step, offset)
            if digits and NUMBER.match("".join(c.text for c in digits)):
                return digits
        return chars

    def _likeliest_digit(self, pred: np.ndarray, per_step: float, offset: float) -> list[OcrChar]:
        glyphs = pred[:, 1:]  # every class but the blank
        t, k = np.unravel_index(int(glyphs.argmax()), glyphs.shape)
        if glyphs[t, k] < 0.1 or self.charset[k + 1] not in _DIGIT_LIKE:
            return []
        digits = np.where(self._digit[1:], glyphs, 0.0)
        t, k = np.unravel_index(int(digits.argmax()), digits.shape)
        p = float(digits[t, k])
        return [OcrChar(self.charset[k + 1], offset + (t + 0.5) * per_step, p)] if p >= 0.1 else []

    def _greedy(self, pred: np.ndarray, per_step: float, offset: float) -> list[OcrChar]:
        idx = pred.argmax(axis=1)
        prob = pred.max(axis=1)
        chars: list[OcrChar] = []
        prev = 0
        for t, k in enumerate(idx):
            if k != 0 and k != prev:
                chars.append(OcrChar(self.charset[k], offset + (t + 0.5) * per_step, float(prob[t])))
            elif k != 0 and chars:
                # the same character held over several steps: its probability is its best step's
                chars[-1].confidence = max(chars[-1].confidence, float(prob[t]))
            prev = k
        return chars


def _fit(crop: np.ndarray, height: int, width: int, into: np.ndarray) -> int:
    """The crop scaled to ``height`` (keeping its proportions, at most ``width``) and normalised to
    [-1, 1] into the left of ``into`` (C, H, W), as PaddleOCR's recogniser was trained; the
    rest stays 0 (grey padding).  Returns the width the crop took."""
    w = max(1, min(width, math.ceil(height * crop.shape[1] / max(1, crop.shape[0]))))
    resized = cv2.resize(crop, (w, height)).astype(np.float32)
    into[:, :, :w] = resized.transpose(2, 0, 1) / 127.5 - 1.0
    return w


def inked_area(grey: np.ndarray, margin: int = 32) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the page's ink with a margin: rows and columns holding at least four
    dark pixels, so scanner specks do not count.  Counted at full size: a thin digit scaled
    down fades to light grey and would fall outside."""
    ink = grey < 160
    rows = np.flatnonzero(np.count_nonzero(ink, axis=1) >= 4)
    cols = np.flatnonzero(np.count_nonzero(ink, axis=0) >= 4)
    if not rows.size or not cols.size:
        return 0, 0, 0, 0
    h, w = grey.shape
    return (max(0, int(cols[0]) - margin), max(0, int(rows[0]) - margin),
            min(w, int(cols[-1]) + 1 + margin), min(h, int(rows[-1]) + 1 + margin))  # fmt: skip


def threads_available() -> int:
    """The cores this process may use, or the share the worker pool gave it."""
    with contextlib.suppress(ValueError):
        if n := int(os.environ.get("NIANBAO_OCR_THREADS", "0")):
            return max(1, n)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_LOCK = threading.Lock()


@cache
def _engine(settings: OcrSettings) -> Engine:
    return Engine(settings)


def engine(settings: OcrSettings = FAST) -> Engine:
    with _LOCK:
        return _engine(settings)
