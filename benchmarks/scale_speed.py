"""Extraction on several processes and on Ray: speed-up and overhead (prints figures; not a test).

    python benchmarks/scale_speed.py [--docs 240] [--no-ray]

Builds in-memory archives of distinct documents (each payload made unique by a
trailing comment or blank lines, so the results cache cannot short-cut them):

* **HTML mix**: the nine-document mix of ``extract_speed.py`` (corpus portal pages,
  text and markdown reports, synthetic grids), repeated;
* **PDF mix**: the corpus's 5-page text-layer PDF, repeated (the heaviest document
  type the extractor has today; a CPU-bound stand-in for OCR, which is not on main).

and extracts each through ``dataset.parallel.run_engine`` on a process pool of 1
and of 2 workers and on a local Ray cluster of 2 CPUs, next to the single-process
``extract_archive``.  Then the engines' own cost: the same documents through an
extract function that does nothing, so what is left is reading the payload,
shipping it, the round trip and writing the result.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dataset.extract_archive import extract_archive, save_result  # noqa: E402
from dataset.parallel import run_engine  # noqa: E402
from tests.dataset.conftest import FakeArchive  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def nothing(data: bytes, media_type: str | None, url: str) -> dict:
    return {"status": "ok", "error": None, "report": None, "cells": [], "checks": []}


def html_mix(n: int) -> FakeArchive:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from extract_speed import web_documents

    base = web_documents()
    arc = FakeArchive()
    for i in range(n):
        name, data = base[i % len(base)]
        tail = f"\n<!-- copy {i} -->".encode() if name.endswith(".html") else b"\n" * (i + 1)
        mt = (
            "text/html"
            if name.endswith(".html")
            else "text/markdown"
            if name.endswith(".md")
            else "text/plain"
        )
        arc.add(data + tail, f"https://bench.example/{i}/{name}", "区", "district", media_type=mt)
    return arc


def pdf_mix(n: int) -> FakeArchive | None:
    pdf = CORPUS / "js-huaian-hongze-2024.pdf"
    if not pdf.exists():
        return None
    data = pdf.read_bytes()
    arc = FakeArchive()
    for i in range(n):
        arc.add(data + f"\n% copy {i}\n".encode(), f"https://bench.example/{i}.pdf", "区", "district",
                media_type="application/pdf")  # fmt: skip
    return arc


CPU: dict[str, float] = {}  # the last timed call's CPU seconds in this process (the driver)


def timed(fn) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    CPU["last"] = time.process_time() - cpu
    return time.perf_counter() - start


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=240, help="documents per mix (default 240)")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray runs")
    args = ap.parse_args()

    from dataset.workers import ProcessPool

    engines = {
        "pool, 1 worker": lambda fn: ProcessPool(1, fn=fn),
        "pool, 2 workers": lambda fn: ProcessPool(2, fn=fn),
    }
    ray_engine = None
    if not args.no_ray:
        from dataset.ray_run import RayEngine

        t = time.perf_counter()
        ray_engine = RayEngine("local", cpus=2)  # started once; later engines reuse the connection
        print(f"Ray local cluster (2 CPUs) up in {time.perf_counter() - t:.1f} s")
        engines["Ray, 2 CPUs"] = lambda fn: RayEngine("local", fn=fn)

    tmp = Path(tempfile.mkdtemp(prefix="nianbao-scale-bench-"))
    k = 0

    def fresh() -> Path:
        nonlocal k
        k += 1
        return tmp / str(k)

    startup: dict[str, float] = {}

    def on(label, arc, fn=None) -> float:
        """Seconds for ``arc`` on a warmed-up engine (its start-up, processes spawned and
        modules imported, is timed apart: it is paid once per run, not per document)."""
        from dataset.extract_archive import extract_one

        t = time.perf_counter()
        eng = engines[label](fn or extract_one)
        warm = FakeArchive()
        for i in range(eng.slots):
            warm.add(f"<html>warm-up {i}</html>".encode(), f"https://bench.example/warm{i}", "区", "district")
        try:
            run_engine(fresh(), eng, archive=warm)
            startup[label] = max(startup.get(label, 0.0), time.perf_counter() - t)
            return timed(lambda: run_engine(fresh(), eng, archive=arc))
        finally:
            eng.close()

    print(f"{os.cpu_count()} cores; {args.docs} documents per mix; {load()} at the start\n")
    mixes = {"HTML mix": html_mix(args.docs), "PDF mix (5 pages each)": pdf_mix(args.docs // 5)}
    rows = []
    cpu_per_doc: dict[str, float] = {}
    for name, arc in mixes.items():
        if arc is None:
            print(f"{name}: skipped (corpus not found at {CORPUS})")
            continue
        n = len(arc.docs)
        single = timed(lambda arc=arc: extract_archive(fresh(), archive=arc))
        cpu_per_doc[name] = CPU["last"] / n
        times = {"one process (extract_archive)": single}
        for label in engines:
            times[label] = on(label, arc)
        for label, t in times.items():
            rows.append((name, label, n, t, n / t))
        one, two = times["pool, 1 worker"], times["pool, 2 workers"]
        speedup = f"2 workers over 1: {one / two:.2f}x"
        if "Ray, 2 CPUs" in times:
            speedup += f"; Ray 2 CPUs over pool 1 worker: {one / times['Ray, 2 CPUs']:.2f}x"
        rows.append((name, speedup, None, None, None))
    print(f"{'mix':<24} {'engine':<32} {'docs':>5} {'seconds':>8} {'docs/s':>8}")
    for mix, label, n, t, rate in rows:
        if n is None:
            print(f"{mix:<24} {label}")
        else:
            print(f"{mix:<24} {label:<32} {n:>5} {t:>8.2f} {rate:>8.1f}")

    arc = html_mix(args.docs)
    n = len(arc.docs)

    def plain():
        d = fresh()
        for doc in arc.docs:
            save_result(d, doc.sha256, nothing(arc.read_payload(d, doc.sha256), doc.media_type, doc.url))

    base = timed(plain)
    base_cpu = CPU["last"] / n
    print(f"\nengine overhead, {n} documents through an extract function that does nothing "
          "(wall time per document; the driver's CPU per document):")  # fmt: skip
    print(f"  {'one process (read payload, write result)':<44} {1000 * base / n:7.2f} ms  cpu {1000 * base_cpu:.2f} ms")  # fmt: skip
    driver_cpu = {}
    for label in engines:
        t = on(label, arc, nothing)
        driver_cpu[label] = CPU["last"] / n
        print(f"  {label:<44} {1000 * t / n:7.2f} ms  cpu {1000 * driver_cpu[label]:.2f} ms "
              f"({1000 * (t - base) / n:+.2f} ms wall over one process)")  # fmt: skip
    print("\nCPU per document in one process, less reading and writing (what a worker spends):")
    d = driver_cpu["pool, 2 workers"]
    for name, c in cpu_per_doc.items():
        work = max(c - base_cpu, 1e-6)
        # two workers and the driver share the two cores: at best 2 / (work + driver) documents a second,
        # against 1 / work for one worker (its driver then has the other core)
        print(f"  {name:<24} {1000 * work:7.2f} ms; on an idle 2-core machine 2 workers over 1 could reach "
              f"{2 * work / (work + d):.2f}x (driver {1000 * d:.2f} ms/document)")  # fmt: skip
    print(f"\n{load()} at the end")
    print("start-up (spawn and import, or join the cluster; once per run): "
          + ", ".join(f"{label} {t:.1f} s" for label, t in startup.items()))  # fmt: skip
    if ray_engine is not None:
        ray_engine.close()


if __name__ == "__main__":
    main()
