"""What reading damaged text costs on undamaged text (prints figures; not a test).

    python benchmarks/damaged_speed.py [--seconds 10] [--rounds 5] [--baseline REV]

The text reader now looks for lost line breaks and fused rows, and the tables
re-cut rows and screen rows placed by order.  Undamaged text must not pay for
that: the same text and markdown reports (the corpus's .txt and .md, and the
synthetic markdown, row-per-line and cell-per-line reports) are extracted by
this checkout and by the extractor as it was at ``--baseline`` (default: where
this branch left main), each in its own process pinned to the same core,
rounds interleaved, best round kept, rates per second of CPU time.  It prints both rates and their ratio, then
the rate on the damaged forms of the corpus (new path only: the old one reads
them as "no tables found" or wrong).  A third figure runs this checkout with the
damaged-text steps switched off, which isolates their cost from everything else
that differs between the two commits.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def documents() -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(REPO))
    from tests.extract import builders

    docs = [
        ("synthetic.md", builders.markdown_report()),
        ("synthetic-rows.txt", builders.text_rows_report()),
        ("synthetic-cells.txt", builders.cell_per_line_report()),
        ("synthetic-2019.md", builders.markdown_report("2019")),
    ]
    if CORPUS.is_dir():
        docs += [(p.name, p.read_bytes()) for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".md")]
    return [d for d in docs if d[0] != "README.md"]


def damaged_documents() -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(REPO))
    from tests.extract.damaged_forms import FORMS, form

    if not CORPUS.is_dir():
        return []
    out = []
    for truth in sorted(CORPUS.glob("*.truth.json")):
        path = next(p for p in CORPUS.glob(truth.name.removesuffix(".truth.json") + ".*") if p != truth)
        out += [(f"{path.stem}.{name}.{'md' if name == 'converter_markdown' else 'txt'}", form(path, name))
                for name in FORMS]  # fmt: skip
    return out


def _switch_off() -> None:
    """This checkout with the damaged-text steps replaced by no-ops: what they cost, measured
    without the other differences between two commits."""
    import extract.tables as tables
    import extract.text_tables as text_tables
    from extract.digit_runs import Fit

    text_tables.repair = lambda lines: None
    tables.recut = lambda cands, width, rule: cands
    tables.screen = lambda cands, matches, rows: (matches, set(), [])
    tables.confirm = lambda table, cells, inferred, outcome: (cells, [])
    tables.fit_row = lambda values, columns, rule, group: Fit(values)


def time_round(docs_file: str, seconds: float, off: bool = False) -> float:
    """One round in this process: reports per second."""
    from extract.pipeline import extract

    if off:
        _switch_off()

    docs = pickle.loads(Path(docs_file).read_bytes())
    for name, data in docs:  # warm-up
        extract(data, name=name)
    # CPU time of this process: on a shared machine, wall time mostly measures the neighbours
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for name, data in docs:
            extract(data, name=name)
        done += len(docs)
    return done / (time.process_time() - start)


def _round(code_dir: Path, docs_file: Path, seconds: float, core: int | None, off: bool = False) -> float:
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    cmd = [sys.executable, __file__, "--round", str(docs_file), "--seconds", str(seconds)]
    cmd += ["--core", str(core)] if core is not None else []
    cmd += ["--off"] if off else []
    out = subprocess.run(cmd, env=env, cwd=code_dir, check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def _baseline(rev: str, into: Path) -> Path:
    """The extractor package as it was at ``rev``, unpacked beside nothing else."""
    blob = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "extract"], check=True, capture_output=True
    )
    with tarfile.open(fileobj=BytesIO(blob.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="time per path, split over the rounds")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--baseline", default=None, help="git revision of the old text reader (default: merge-base main)"
    )
    ap.add_argument("--round", help=argparse.SUPPRESS)
    ap.add_argument("--core", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--off", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.round:
        if args.core is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {args.core})
        print(time_round(args.round, args.seconds, args.off))
        return
    core = sorted(os.sched_getaffinity(0))[0] if hasattr(os, "sched_getaffinity") else None
    rev = (
        args.baseline
        or subprocess.run(
            ["git", "-C", str(REPO), "merge-base", "HEAD", "main"], check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        old_dir = _baseline(rev, tmpdir / "old")
        docs, damaged = documents(), damaged_documents()
        plain = tmpdir / "plain.pickle"
        plain.write_bytes(pickle.dumps(docs))
        per = args.seconds / args.rounds
        old = new = off = 0.0
        for _ in range(args.rounds):  # interleaved: a slow spell of the shared machine hits all three
            old = max(old, _round(old_dir, plain, per, core))
            new = max(new, _round(REPO, plain, per, core))
            off = max(off, _round(REPO, plain, per, core, off=True))
        size = sum(len(d) for _, d in docs) / len(docs) / 1024
        print(f"Undamaged text/markdown reports: {len(docs)} documents, {size:.0f} KiB on average, one core")
        print(f"  old text reader ({rev[:10]}): {old:8.1f} reports/s")
        print(f"  this checkout:               {new:8.1f} reports/s")
        print(f"  ratio new / old:             {new / old:8.3f}  (target >= 0.80)")
        print(
            f"  this checkout, damaged-text steps off: {off:8.1f} reports/s; ratio on / off {new / off:.3f}"
        )
        if damaged:
            bad = tmpdir / "damaged.pickle"
            bad.write_bytes(pickle.dumps(damaged))
            rate = max(_round(REPO, bad, per, core) for _ in range(args.rounds))
            print(
                f"Damaged forms of the corpus: {len(damaged)} documents: {rate:8.1f} reports/s (this checkout)"
            )


if __name__ == "__main__":
    main()
