"""Extract every archived document once per extractor version, resumably.

Results are kept per document as ``DATA_DIR/extracted/<version>/<sha[:2]>/<sha>.json``
written atomically: a killed run loses at most the document in flight, a rerun
skips what is done, and a new ``EXTRACTOR_VERSION`` gets a fresh directory, so
bumping the version re-extracts everything without deleting the old results.
Keying by content hash means a payload served under several addresses (a page
and its ``_wap`` copy) is read once.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.model import STATUS_FAILED
from extract.pipeline import EXTRACTOR_VERSION, extract, sniff_media_type

from .archive import Archive, default_archive

EXTRACTED_DIR = "extracted"


@dataclass
class ExtractStats:
    documents: int = 0
    extracted: int = 0
    cached: int = 0
    failed: int = 0


def result_path(data_dir: Path, sha256: str, version: str = EXTRACTOR_VERSION) -> Path:
    return Path(data_dir) / EXTRACTED_DIR / version / sha256[:2] / f"{sha256}.json"


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_result(data_dir: Path, sha256: str, version: str = EXTRACTOR_VERSION) -> dict[str, Any] | None:
    p = result_path(data_dir, sha256, version)
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # a damaged cache entry is simply extracted again


def extract_one(data: bytes, media_type: str | None, url: str) -> dict[str, Any]:
    """One document → a JSON-able record; any exception becomes a ``failed`` record."""
    try:
        mt = sniff_media_type(data, url, declared=media_type)
        ex = extract(data, media_type=mt, url=url)
        return {"status": ex.report.status, "error": None, **ex.to_dict()}
    except Exception as e:  # noqa: BLE001 - one bad document must never stop the run
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        return {"status": STATUS_FAILED, "error": tb, "report": None, "cells": [], "checks": []}


def _progress(stats: ExtractStats, total: int, final: bool = False) -> None:
    line = (f"extract: {stats.documents}/{total} documents, {stats.extracted} extracted, "
            f"{stats.cached} already done, {stats.failed} failed")  # fmt: skip
    if sys.stderr.isatty():
        print("\r" + line, end="\n" if final else "", file=sys.stderr, flush=True)
    elif final:
        print(line, file=sys.stderr)


def extract_archive(data_dir: Path, full: bool = False, archive: Archive | None = None) -> ExtractStats:
    archive = archive or default_archive()
    data_dir = Path(data_dir)
    docs = list(archive.iter_documents(data_dir))
    stats = ExtractStats()
    seen: set[str] = set()
    last = 0.0
    for doc in docs:
        stats.documents += 1
        if doc.sha256 in seen:
            stats.cached += 1
            continue
        seen.add(doc.sha256)
        path = result_path(data_dir, doc.sha256)
        if not full and load_result(data_dir, doc.sha256) is not None:
            stats.cached += 1
        else:
            try:
                data = archive.read_payload(data_dir, doc.sha256)
                rec = extract_one(data, doc.media_type, doc.url)
            except Exception as e:  # noqa: BLE001 - unreadable payload: a failed report, not a crash
                rec = {
                    "status": STATUS_FAILED,
                    "error": f"payload: {e}",
                    "report": None,
                    "cells": [],
                    "checks": [],
                }
            rec = {"sha256": doc.sha256, "extractor_version": EXTRACTOR_VERSION, **rec}
            write_atomic(
                path, json.dumps(rec, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
            )
            stats.extracted += 1
            stats.failed += rec["status"] == STATUS_FAILED
        now = time.monotonic()
        if now - last > 0.5:
            _progress(stats, len(docs))
            last = now
    _progress(stats, len(docs), final=True)
    return stats


def run(data_dir: Path, full: bool = False, archive: Archive | None = None) -> int:
    """``nianbao extract --data-dir DIR``: extract the archive, then rewrite the Parquet files."""
    from .parquet import write_dataset

    stats = extract_archive(data_dir, full=full, archive=archive)
    if stats.documents == 0:
        print(f"extract: no archived documents in {data_dir} (run `nianbao crawl --data-dir {data_dir}` first)",
              file=sys.stderr)  # fmt: skip
    written = write_dataset(data_dir, archive=archive)
    print(
        f"parquet: {written.reports} reports, {written.cells} cells -> {written.directory}", file=sys.stderr
    )
    return 0 if stats.documents == 0 or stats.failed < stats.documents else 1
