"""Parquet writing at growing archive sizes: time and peak memory (prints figures; not a test).

    python benchmarks/write_memory.py [--docs 2000 8000 16000]

Each size runs in its own child process over a synthetic archive: every document
has a cached extraction result with all 200 canonical cells of the 2021 format,
42 checks and six sections, the shape real reports give.  ``write_dataset``
streams documents CHUNK_DOCS at a time, so peak memory should stay flat while
the archive grows; the figures show whether it does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.archive import ArchivedDocument as Doc  # noqa: E402


class SyntheticArchive:
    def __init__(self, docs: list[Doc]):
        self.docs = docs

    def iter_documents(self, data_dir: Path):
        yield from self.docs

    def read_payload(self, data_dir: Path, sha256: str) -> bytes:
        raise KeyError(sha256)

    def ledger_rows(self, data_dir: Path) -> list[dict]:
        return [
            {"url": d.url, "source_id": d.source_id, "status": "ok", "sha256": d.sha256} for d in self.docs
        ]


def build(data_dir: Path, n: int) -> list[Doc]:
    from dataset.results import result_path, write_atomic
    from extract import codebook as cb
    from extract.pipeline import EXTRACTOR_VERSION

    keys = [(t.key, r.key, c) for t in cb.tables_for("2021") for r in t.rows for c in r.columns]
    docs = []
    for i in range(n):
        district = f"区{i % 40:02d}"
        agency = f"重庆市{district}测试{i // 40:04d}街道办事处"
        sha = hashlib.sha256(f"doc{i}".encode()).hexdigest()
        cells = [
            {"table": t, "row": r, "col": c, "value": (i + j) % 17, "raw": str((i + j) % 17),
             "location": {"kind": "html", "table": 1, "row": j // 7, "col": j % 7}}
            for j, (t, r, c) in enumerate(keys)
        ]  # fmt: skip
        checks = [
            {"check": "requests_row_total", "scope": f"row{j}", "expected": 1, "actual": 1, "difference": 0,
             "blanks_involved": False, "passed": True, "detail": "ok"}
            for j in range(42)
        ]  # fmt: skip
        report = {"source": "", "media_type": "text/html", "status": "ok", "agency": agency, "year": 2024,
                  "format": "2021", "title": f"{agency}2024年政府信息公开工作年度报告", "published_on": "2025-01-20",
                  "sections": {k: "正文" * 200 for k in cb.SECTION_KEYS}, "warnings": []}  # fmt: skip
        rec = {"status": "ok", "error": None, "extractor_version": EXTRACTOR_VERSION, "report": report,
               "cells": cells, "checks": checks}  # fmt: skip
        write_atomic(result_path(data_dir, sha), json.dumps(rec, ensure_ascii=False).encode())
        url = f"http://www.example.gov.cn/{district}/202501/t20250120_{i}.html"
        docs.append(Doc(url, url, f"s{i % 40}", district, "street", agency, 2024, None, None, "report", None, sha,
                        "text/html", "2025-01-20T00:00:00Z"))  # fmt: skip
    return docs


def child(n: int, data_dir: Path) -> None:
    from dataset.parquet import CHUNK_DOCS, write_dataset

    docs = build(data_dir, n)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    stats = write_dataset(data_dir, archive=SyntheticArchive(docs))
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"docs": n, "cells": stats.cells, "seconds": took, "peak_mib": peak, "before_mib": base,
                      "chunk": CHUNK_DOCS}))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[2000, 8000, 16000])
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.dir)
        return
    print(f"{'documents':>10} {'cells':>12} {'write s':>9} {'docs/s':>8} {'peak RSS MiB':>13}")
    for n in a.docs:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, __file__, "--child", str(n), "--dir", tmp], capture_output=True,
                                 text=True, check=True)  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{r['docs']:>10,} {r['cells']:>12,} {r['seconds']:>9.1f} {r['docs'] / r['seconds']:>8.0f} "
                  f"{r['peak_mib']:>13.0f}")  # fmt: skip
    print(f"(chunk of {r['chunk']} documents; the synthetic archive is generated before the timer starts)")


if __name__ == "__main__":
    main()
