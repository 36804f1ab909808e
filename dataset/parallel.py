"""The driver of a parallel extraction: the same results as ``extract_archive``, computed elsewhere.

Only the driver touches the data directory.  It reads each payload from the
archive, hands the bytes to an engine (a process pool here, a Ray cluster) that
runs ``extract_one`` — the very function the single-process run calls — and
writes each record back through ``save_result``.  So the results cache, and the
Parquet written from it, are byte for byte those of a single-process run, and a
cluster needs no shared file system.

Faults are pinned to one document, because an engine runs one document per
worker at a time: a worker that dies (a crash, the OOM killer, ``kill -9``) is
replaced and its document tried once more on a fresh worker — a second death
records the error for that document; a document past the time limit has its
worker stopped and a time-out recorded.  Either way the run goes on.  A driver
killed mid-run loses only the documents in flight: every finished one is
already on disk (atomically), and a rerun extracts exactly the rest.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from extract.model import STATUS_FAILED

from .archive import Archive
from .extract_archive import (
    ExtractStats,
    _progress,
    failed_record,
    image_groups,
    inputs_of,
    is_done,
    read_task,
    read_with_page,
    save_result,
    with_page_record,
)
from .local import default_archive
from .parquet import remove_stale_temps
from .results import EXTRACTED_DIR

#: a document whose extraction takes longer than this is given up (seconds); a 30-page
#: scan through OCR at ~2.5 s a page stays well inside it
DEFAULT_TIMEOUT = 600.0
#: a worker death on one document is retried this many times in all before it is recorded
MAX_ATTEMPTS = 2

ExtractFn = Callable[[bytes, str | None, str], dict[str, Any]]


@dataclass(frozen=True)
class Task:
    key: str  # the payload's sha256: one task per distinct payload
    data: bytes
    media_type: str | None
    url: str


@dataclass(frozen=True)
class Finished:
    key: str
    record: dict[str, Any] | None  # extract_one's record, or None when the worker was lost
    lost: str | None = None  # why the worker holding the document is gone


class Engine(Protocol):
    """Runs tasks somewhere; one task per worker at a time, so a fault names its document."""

    slots: int  # tasks it runs at once

    def submit(self, task: Task) -> None: ...

    def poll(self, timeout: float) -> list[Finished]: ...

    def cancel(self, key: str) -> None:
        """Stop the worker holding ``key`` (a time-out); ``key`` is never reported after this."""
        ...

    def close(self) -> None: ...


def pending(
    data_dir: Path, docs, full: bool, stats: ExtractStats, ocr: bool = True, groups=None
) -> list[Any]:
    """The documents still to extract, one per payload, counting the rest as already done
    (an image read with its report page is recorded as such here)."""
    todo, seen = [], set()
    groups = image_groups(docs) if groups is None else groups
    for doc in docs:
        stats.documents += 1
        if doc.sha256 not in seen and read_with_page(doc, groups):
            if not is_done(data_dir, doc.sha256, full, ocr):
                save_result(data_dir, doc.sha256, with_page_record(doc))
            stats.cached += 1
        elif doc.sha256 in seen or is_done(data_dir, doc.sha256, full, ocr, inputs_of(doc, groups)):
            stats.cached += 1
        else:
            todo.append(doc)
        seen.add(doc.sha256)
    return todo


def run_engine(
    data_dir: Path,
    engine: Engine,
    full: bool = False,
    archive: Archive | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ocr: bool = True,
) -> ExtractStats:
    """``ocr`` decides which cached results stand; the engine's function decides how scans are read."""
    archive = archive or default_archive()
    data_dir = Path(data_dir)
    remove_stale_temps((data_dir / EXTRACTED_DIR).rglob(".*.tmp-*"))  # left by a killed driver
    stats = ExtractStats()
    docs = list(archive.iter_documents(data_dir))
    groups = image_groups(docs)
    queue = deque(pending(data_dir, docs, full, stats, ocr, groups))
    retry: deque[Task] = deque()
    inflight: dict[str, tuple[Task, float]] = {}
    attempts: dict[str, int] = {}
    last = 0.0

    def record(key: str, rec: dict[str, Any]) -> None:
        save_result(data_dir, key, rec)
        stats.extracted += 1
        stats.failed += rec["status"] == STATUS_FAILED

    while queue or retry or inflight:
        while (queue or retry) and len(inflight) < engine.slots:
            if retry:
                task = retry.popleft()
            else:
                doc = queue.popleft()
                try:
                    data, media_type = read_task(archive, data_dir, doc, groups)
                except Exception as e:  # noqa: BLE001 - unreadable payload: a failed report, not a crash
                    record(doc.sha256, failed_record(f"payload: {e}"))
                    continue
                task = Task(doc.sha256, data, media_type, doc.url)
            attempts[task.key] = attempts.get(task.key, 0) + 1
            engine.submit(task)
            inflight[task.key] = (task, time.monotonic())
        for done in engine.poll(0.2):
            if done.key not in inflight:
                continue  # cancelled after a time-out; its answer came too late
            task, _ = inflight.pop(done.key)
            if done.record is not None:
                record(done.key, done.record)
            elif attempts[done.key] < MAX_ATTEMPTS:
                retry.append(task)
            else:
                record(done.key, failed_record(
                    f"worker lost {attempts[done.key]} times on this document: {done.lost}"
                ))  # fmt: skip
        now = time.monotonic()
        for key, (_task, started) in list(inflight.items()):
            if now - started > timeout:
                engine.cancel(key)
                del inflight[key]
                record(key, failed_record(f"timed out after {timeout:g} s (worker stopped)"))
        if now - last > 0.5:
            _progress(stats, len(docs))
            last = now
    _progress(stats, len(docs), final=True)
    return stats
