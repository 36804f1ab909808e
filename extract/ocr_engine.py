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

import math
import re
import threading
from dataclasses import dataclass, field
from functools import cache

import numpy as np

#: Recogniser input height (PP-OCRv4 rec)
_REC_H = 48
_NUMERIC = frozenset("0123456789.,-")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
_NUMBER = re.compile(r"^-?[\d.,]*\d[\d.,]*$")


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """Knobs measured in ``benchmarks/ocr_speed.py``; ``ENGINE_DEFAULTS`` is rapidocr's own."""

    det_limit: int = 1600  # longest side the detector sees
    det_limit_type: str = "max"
    box_thresh: float = 0.3  # thin "1"s on grey scans score below rapidocr's 0.5
    unclip_ratio: float = 1.6
    #: the narrowest batch the recogniser is given, in heights (PaddleOCR's is 320/48)
    min_rec_ratio: float = 2.0
    rec_batch: int = 8
    threads: int = 0  # 0: onnxruntime's choice (all cores)


FAST = OcrSettings()
#: rapidocr-onnxruntime's configuration: detection with its shortest side at least 736
ENGINE_DEFAULTS = OcrSettings(
    det_limit=736, det_limit_type="min", box_thresh=0.5, min_rec_ratio=320 / 48, rec_batch=6
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
        for part in ("Det", "Rec", "Cls"):
            cfg[part]["intra_op_num_threads"] = settings.threads or -1
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
        self.charset = self.rec.postprocess_op.character
        self._numeric = np.array([k == 0 or self.charset[k] in _NUMERIC for k in range(len(self.charset))])

    # ------------------------------------------------------------ detection

    def detect(self, img: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Axis-aligned boxes (x0, y0, x1, y1) of the text on a deskewed page, top to bottom."""
        boxes, _ = self.det(img)
        if boxes is None or len(boxes) == 0:
            return []
        out = []
        for q in boxes:
            x0, y0 = float(q[:, 0].min()), float(q[:, 1].min())
            x1, y1 = float(q[:, 0].max()), float(q[:, 1].max())
            if x1 - x0 >= 3 and y1 - y0 >= 4:
                out.append((x0, y0, x1, y1))
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
        """Every box read, with each character's centre and probability."""
        crops = [self._crop(img, b) for b in boxes]
        order = sorted(range(len(crops)), key=lambda i: crops[i][0].shape[1] / crops[i][0].shape[0])
        out: list[OcrBox | None] = [None] * len(crops)
        n = self.settings.rec_batch
        for start in range(0, len(order), n):
            idx = order[start : start + n]
            ratios = [crops[i][0].shape[1] / crops[i][0].shape[0] for i in idx]
            max_ratio = max(ratios + [self.settings.min_rec_ratio])
            batch = np.concatenate(
                [self.rec.resize_norm_img(crops[i][0], max_ratio)[np.newaxis] for i in idx]
            ).astype(np.float32)
            preds = self.rec.session(batch)[0]  # (batch, steps, classes)
            width = batch.shape[3]
            for k, i in enumerate(idx):
                crop, offset = crops[i]
                resized_w = min(width, math.ceil(_REC_H * ratios[k]))
                per_step = width / preds.shape[1] * (crop.shape[1] / resized_w)
                b = boxes[i]
                out[i] = OcrBox(b[0], b[1], b[2], b[3], self._decode(preds[k], per_step, offset))
        return [o for o in out if o is not None]

    def _decode(self, pred: np.ndarray, per_step: float, offset: float) -> list[OcrChar]:
        """CTC greedy decoding that keeps every character's probability and step.

        A short reading without ideographs that is not a number ("o", "O", "l",
        "。") is a table cell's digit misread as a letter: it is decoded
        again with only digits allowed, and keeps the digit's (low) probability,
        so the cell ends up flagged uncertain rather than lost.
        """
        chars = self._greedy(pred, per_step, offset)
        text = "".join(c.text for c in chars).strip()
        if 0 < len(text) <= 4 and not _NUMBER.match(text) and not _IDEOGRAPH.search(text):
            masked = np.where(self._numeric, pred, 0.0)
            masked[pred.argmax(axis=1) != 0, 0] = 0.0  # where a letter was read, some digit was printed
            digits = self._greedy(masked, per_step, offset)
            if digits and _NUMBER.match("".join(c.text for c in digits)):
                return digits
        return chars

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


_LOCK = threading.Lock()


@cache
def _engine(settings: OcrSettings) -> Engine:
    return Engine(settings)


def engine(settings: OcrSettings = FAST) -> Engine:
    with _LOCK:
        return _engine(settings)
