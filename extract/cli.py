"""``nianbao extract`` and ``nianbao check``: files in, JSON or a verdict out.

One bad file never stops the others: each failure is one line on stderr naming
the file and the reason, and the exit code says whether every file went through.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path

from .checks import failures
from .completeness import Completeness
from .model import FLAG_INFERRED, STATUS_FAILED, STATUS_NO_TABLES, STATUS_NO_TEXT, Extraction, ExtractionError
from .pipeline import extract

_SKIP_SUFFIXES = (".json",)
#: files the extractor is not asked about when a directory is given
_SKIP_NAMES = ("README.md",)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    f.is_file()
                    and not f.name.startswith(".")
                    and not f.name.endswith(_SKIP_SUFFIXES)
                    and f.name not in _SKIP_NAMES
                ):
                    yield f
        else:
            yield p


def empty_dirs(paths: list[Path]) -> list[Path]:
    """Directories given that hold no document: saying nothing and exiting 0 would read as success."""
    return [p for p in paths if p.is_dir() and next(iter_files([p]), None) is None]


def _refuse_empty(command: str, paths: list[Path]) -> bool:
    for d in empty_dirs(paths):
        print(f"nianbao {command}: no documents in {d}", file=sys.stderr)
    return bool(empty_dirs(paths))


def extract_file(path: Path, url: str | None = None, ocr: bool = True) -> Extraction:
    """Extract one file; raises ExtractionError with the reason when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"cannot read: {e.strerror or e}") from e
    if not data:
        raise ExtractionError("empty file")
    try:
        return extract(data, url=url, name=str(path), ocr=ocr)
    except ExtractionError:
        raise
    except Exception as e:  # noqa: BLE001 - a reader bug on one file must not stop the batch
        raise ExtractionError(f"{type(e).__name__}: {e}") from e


def _problem(ex: Extraction) -> str | None:
    if ex.report.status in (STATUS_NO_TEXT, STATUS_NO_TABLES, STATUS_FAILED):
        return ex.report.status
    return None


def run_extract(args: Namespace) -> int:
    if args.url and len(args.paths) != 1:
        print("nianbao extract: --url goes with exactly one file", file=sys.stderr)
        return 2
    if _refuse_empty("extract", args.paths):
        return 2
    failed = 0
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for f in iter_files(args.paths):
        try:
            ex = extract_file(f, args.url, getattr(args, "ocr", True))
        except ExtractionError as e:
            failed += 1
            print(f"{f}: {e}", file=sys.stderr)
            continue
        problem = _problem(ex)
        if problem:
            failed += 1
            print(f"{f}: {problem}", file=sys.stderr)
        doc = json.dumps(ex.to_dict(), ensure_ascii=False, indent=None if not args.out else 1)
        if args.out:
            (args.out / (f.name + ".json")).write_text(doc + "\n", encoding="utf-8")
        else:
            sys.stdout.write(doc + "\n")
    return 1 if failed else 0


def verdict(path: Path, ex: Extraction) -> str:
    r = ex.report
    head = f"{path}: {r.agency or '?'} {r.year or '?'} (format {r.format or '?'}, {len(ex.cells)} cells, {r.status})"
    fails = failures(ex.checks)
    lines = [head]
    if r.cells_expected and ex.cells:
        gaps = Completeness(r.cells_expected, r.cells_found or 0, r.missing_rows, r.incomplete_rows)
        lines.append(f"  {gaps.summary()}")
    if not ex.checks:
        lines.append("  no checks could run (tables missing)")
    elif not fails:
        lines.append(f"  all {len(ex.checks)} checks pass")
    else:
        lines.append(f"  {len(fails)} of {len(ex.checks)} checks fail:")
        for c in fails:
            blanks = " (blank cells counted as 0)" if c.blanks_involved else ""
            lines.append(f"    {c.detail}; off by {c.difference:+g}{blanks}")
    inferred = sum(1 for c in ex.cells if FLAG_INFERRED in c.flags)
    if inferred:
        lines.append(f"  {inferred} cells inferred (placed by the row order, their labels lost)")
    for w in r.warnings:
        lines.append(f"  note: {w}")
    return "\n".join(lines)


def verdict_dict(path: Path, ex: Extraction) -> dict:
    """``check --json``: the verdict for machines — the report's metadata, and every failing check."""
    from dataclasses import asdict

    fails = failures(ex.checks)
    return {
        "path": str(path),
        "report": asdict(ex.report),
        "cells": len(ex.cells),
        "checks": len(ex.checks),
        "checks_failed": len(fails),
        "failures": [asdict(c) for c in fails],
        "ok": not fails and bool(ex.checks) and _problem(ex) is None,
    }


def run_check(args: Namespace) -> int:
    if _refuse_empty("check", args.paths):
        return 2
    bad = 0
    for f in iter_files(args.paths):
        try:
            ex = extract_file(f)
        except ExtractionError as e:
            bad += 1
            print(f"{f}: {e}", file=sys.stderr)
            continue
        if getattr(args, "json", False):
            print(json.dumps(verdict_dict(f, ex), ensure_ascii=False))
        else:
            print(verdict(f, ex))
        if _problem(ex) or (getattr(args, "strict", False) and _doubtful(ex)):
            bad += 1
    return 1 if bad else 0


def _doubtful(ex: Extraction) -> bool:
    """What ``--strict`` also counts against the exit code: a report that was read but
    is not whole, or whose numbers do not add up, so a script can stop on it."""
    return ex.report.status != "ok" or bool(failures(ex.checks))


def run(args: Namespace) -> int:
    return run_extract(args) if args.command == "extract" else run_check(args)
