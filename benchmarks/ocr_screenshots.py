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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.browser import find_browser, unavailable_reason  # noqa: E402
from extract.pipeline import extract  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.extract.scans import multipage_tiff  # noqa: E402
from tests.extract.screenshots import scanned_screenshot  # noqa: E402
from tests.extract.truth_cells import score, truth_cells  # noqa: E402


def one(name: str, seed: int = 20) -> str:
    pages = scanned_screenshot((CORPUS / f"{name}.html").read_bytes(), find_browser(), seed)
    t0, c0 = time.perf_counter(), time.process_time()
    ex = extract(multipage_tiff(pages), name=f"{name}.tif")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    want = truth_cells(name)
    sc = score(ex, want)
    right, missing, silent = sc.right, len(sc.missing), len(sc.silent)
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
