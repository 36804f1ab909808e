"""OCR accuracy, speed and memory on degraded scans of the corpus PDF (prints figures; not a test).

    python benchmarks/ocr_speed.py [--variants 2] [--long-pages 40]

Every page of ``../shared/corpus/js-huaian-hongze-2024.pdf`` is rendered and
degraded as the tests do (150–200 dpi, grey or faint, skew up to ±1.5°, JPEG
40–60, noise, blur, red seal), ``--variants`` times with different draws, and
each variant is wrapped in an image-only PDF.  For each engine configuration,
in the same run on the same files:

* truth cells right (%), wrong values outside cells flagged uncertain, cells
  flagged uncertain;
* scanned pages per second through the whole extractor (``extract.pipeline.extract``),
  wall clock and CPU seconds (the machine is shared: CPU time is the steadier figure);
* peak memory (RSS) of a fresh process reading the files.

Then a long scanned PDF (``--long-pages``) is read page by page in a fresh
process, printing its RSS as the pages go by: flat means page by page.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
NAME = "js-huaian-hongze-2024"
CONFIGS = ("FAST", "ENGINE_DEFAULTS")


def build_scans(variants: int, out: Path) -> list[Path]:
    from tests.extract.scans import Degradation, image_pdf, scan_page

    data = (CORPUS / f"{NAME}.pdf").read_bytes()
    paths = []
    for v in range(variants):
        rng = np.random.default_rng(100 + v)
        pages = []
        for p in range(1, 6):
            kind = {1: {"seal": True}, 2: {"faint": True, "seal": True}, 3: {"grey": True}}.get(
                (p + v) % 4, {}
            )
            pages.append(scan_page(data, p, Degradation.draw(rng, **kind), rng))
        path = out / f"scan-{v}.pdf"
        path.write_bytes(image_pdf(pages))
        paths.append(path)
    return paths


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_measure(config: str, files: list[str]) -> dict:
    """In a fresh process: read every file through the whole extractor with one configuration."""
    from extract import ocr_engine, ocr_reader
    from extract.model import FLAG_UNCERTAIN
    from extract.pipeline import extract

    ocr_reader.SETTINGS = getattr(ocr_engine, config)
    ocr_engine.engine(ocr_reader.SETTINGS)  # load the models before the clock starts
    truth = json.loads((CORPUS / f"{NAME}.truth.json").read_text(encoding="utf-8"))
    want = {
        (t, r, c): v
        for t, rows in truth["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
    }
    right = silent = uncertain = total = pages = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for f in files:
        ex = extract(Path(f).read_bytes(), name=f)
        pages += ex.report.pages or 0
        got = {(c.table, c.row, c.col): c for c in ex.cells}
        uncertain += sum(FLAG_UNCERTAIN in c.flags for c in ex.cells)
        for k, v in want.items():
            total += 1
            c = got.get(k)
            if c is not None and c.value == v:
                right += 1
            elif c is None or FLAG_UNCERTAIN not in c.flags:
                silent += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"config": config, "pages": pages, "wall": wall, "cpu": cpu, "right": right, "total": total,
            "silent": silent, "uncertain": uncertain, "peak_mib": peak}  # fmt: skip


def child_engine_alone(files: list[str]) -> dict:
    """In a fresh process: rapidocr's own pipeline with its defaults (angle classifier on every
    box) on the same pages rendered as the extractor renders them: the engine alone, no extractor."""
    import pypdfium2 as pdfium
    from rapidocr_onnxruntime import RapidOCR

    from extract.ocr_reader import RENDER_WIDTH

    ocr = RapidOCR()
    pages = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for f in files:
        pdf = pdfium.PdfDocument(f)
        for page in pdf:
            img = page.render(scale=RENDER_WIDTH / page.get_width()).to_numpy()[..., :3]
            ocr(np.ascontiguousarray(img))
            pages += 1
        pdf.close()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"config": "rapidocr alone", "pages": pages, "wall": wall, "cpu": cpu,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def child_long(path: str) -> dict:
    """In a fresh process: read a long scanned PDF page by page, noting RSS as it goes."""
    from extract.ocr_reader import ocr_pdf_page
    from extract.pdf_text import read_pdf

    marks: list[tuple[int, float]] = []

    def page(pg, n):
        lines = ocr_pdf_page(pg, n).result()  # one page at a time: the memory of one page
        marks.append((n, _rss_mib()))
        return lines

    t = time.perf_counter()
    doc = read_pdf(Path(path).read_bytes(), scanned_page=page)
    return {"pages": doc.pages, "wall": time.perf_counter() - t, "marks": marks,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def _child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=2, help="degraded copies of the 5-page corpus PDF")
    ap.add_argument("--long-pages", type=int, default=40, help="pages of the long scanned PDF (0: skip)")
    ap.add_argument(
        "--engine-alone", action="store_true", help="also time rapidocr's own pipeline (no extractor)"
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        if a.child[0] == "long":
            res = child_long(a.child[1])
        elif a.child[0] == "alone":
            res = child_engine_alone(a.child[1:])
        else:
            res = child_measure(a.child[0], a.child[1:])
        print(json.dumps(res))
        return 0
    if not (CORPUS / f"{NAME}.pdf").exists():
        print(f"corpus PDF not found at {CORPUS}", file=sys.stderr)
        return 2
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        files = [str(p) for p in build_scans(a.variants, Path(tmp))]
        print(
            f"{len(files)} scanned PDFs of {NAME} ({len(files) * 5} pages); load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'config':<16} {'pages':>5} {'pages/s':>8} {'CPU s/page':>10} {'right':>8} {'wrong*':>6} "
              f"{'uncertain':>9} {'peak MiB':>8}")  # fmt: skip
        rate = {}
        for config in CONFIGS:
            r = _child([config, *files])
            rate[config] = r["pages"] / r["wall"], r["cpu"] / r["pages"]
            print(f"{r['config']:<16} {r['pages']:>5} {r['pages'] / r['wall']:>8.2f} {r['cpu'] / r['pages']:>10.2f} "
                  f"{100 * r['right'] / r['total']:>7.2f}% {r['silent']:>6} {r['uncertain']:>9} {r['peak_mib']:>8.0f}")  # fmt: skip
        if a.engine_alone:
            r = _child(["alone", *files])
            print(f"{r['config']:<16} {r['pages']:>5} {r['pages'] / r['wall']:>8.2f} {r['cpu'] / r['pages']:>10.2f} "
                  f"{'-':>8} {'-':>6} {'-':>9} {r['peak_mib']:>8.0f}")  # fmt: skip
            rate["alone"] = r["pages"] / r["wall"], r["cpu"] / r["pages"]
        print("wrong*: truth cells wrong or missing and not flagged uncertain")
        for base in ("ENGINE_DEFAULTS", "alone"):
            if base in rate:
                print(f"FAST over {base}: {rate['FAST'][0] / rate[base][0]:.2f}x pages/s, "
                      f"{rate[base][1] / rate['FAST'][1]:.2f}x less CPU a page")  # fmt: skip
        if a.long_pages:
            from pypdf import PdfReader, PdfWriter

            writer = PdfWriter()
            readers = [PdfReader(f) for f in files]
            for i in range(a.long_pages):
                r = readers[(i // 5) % len(readers)]
                writer.add_page(r.pages[i % 5])
            long_pdf = Path(tmp) / "long.pdf"
            with long_pdf.open("wb") as f:
                writer.write(f)
            r = _child(["long", str(long_pdf)])
            marks = r["marks"]
            picks = [m for m in marks if m[0] in (1, 5, len(marks) // 2, len(marks))]
            print(f"long scan: {r['pages']} pages in {r['wall']:.0f} s; RSS by page: "
                  + ", ".join(f"p{n} {mib:.0f} MiB" for n, mib in picks) + f"; peak {r['peak_mib']:.0f} MiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
