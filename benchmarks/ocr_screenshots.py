"""The corpus's HTML reports as full-page screenshots, degraded, read by OCR (prints figures; not a test).

    python benchmarks/ocr_screenshots.py [names…]

Each ``../shared/corpus/*.html`` report is shot whole in headless Chromium
(``tests/extract/screenshots.py``: no network, 900 CSS px at 1.5 device pixels),
cut into A4-proportioned pages at blank rows, degraded as the scan tests do
(``tests/extract/scans.py``), read as a multi-page TIFF by the extractor and
compared with its truth file cell by cell.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.browser import find_browser, unavailable_reason  # noqa: E402
from extract.model import FLAG_UNCERTAIN  # noqa: E402
from extract.pipeline import extract  # noqa: E402
from tests.conftest import CORPUS, load_truth  # noqa: E402
from tests.extract.scans import Degradation, degrade, multipage_tiff  # noqa: E402
from tests.extract.screenshots import cut_pages, screenshot  # noqa: E402


def one(name: str, seed: int = 20) -> str:
    shot = screenshot((CORPUS / f"{name}.html").read_bytes(), find_browser())
    rng = np.random.default_rng(seed)
    pages = [Image.fromarray(degrade(p, Degradation.draw(rng, grey=bool(i % 2)), rng))
             for i, p in enumerate(cut_pages(shot))]  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    ex = extract(multipage_tiff(pages), name=f"{name}.tif")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    truth = load_truth(CORPUS / f"{name}.truth.json")
    want = {
        (t, r, c): v
        for t, rows in truth["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
    }
    got = {(c.table, c.row, c.col): c for c in ex.cells}
    right = sum(1 for k, v in want.items() if k in got and got[k].value == v)
    missing = sum(1 for k in want if k not in got)
    silent = sum(
        1 for k, v in want.items() if k in got and got[k].value != v and FLAG_UNCERTAIN not in got[k].flags
    )
    return (f"| {name} | {len(pages)} | {right}/{len(want)} | {missing} | {silent} | {wall:.1f} | {cpu:.1f} | "
            f"{len(pages) / wall:.2f} |")  # fmt: skip


def main(names: list[str]) -> None:
    why = unavailable_reason()
    if why or not CORPUS.is_dir():
        sys.exit(f"cannot run: {why or f'no corpus at {CORPUS}'}")
    names = names or sorted(p.stem for p in CORPUS.glob("*.html"))
    print("| report | pages | cells right | missing | wrong, not flagged | wall s | CPU s | pages/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        print(one(name), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
