"""Extract every archived document once per extractor version, resumably.

Results are kept per document as ``DATA_DIR/extracted/<version>/<sha[:2]>/<sha>.json``
written atomically: a killed run loses at most the document in flight, a rerun
skips what is done, and a new ``EXTRACTOR_VERSION`` gets a fresh directory, so
bumping the version re-extracts everything without deleting the old results.
Keying by content hash means a payload served under several addresses (a page
and its ``_wap`` copy) is read once.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.discovery.images import IMAGE_EXTS
from crawler.discovery.links import extension
from extract.image_pages import IMAGE_PAGE, bundle, page_order, unbundle
from extract.model import STATUS_FAILED, STATUS_NO_TABLES, STATUS_NO_TEXT
from extract.pipeline import EXTRACTOR_VERSION, extract, sniff_media_type

from .archive import Archive
from .local import default_archive
from .results import load_result, result_path, write_atomic


@dataclass
class ExtractStats:
    documents: int = 0
    extracted: int = 0
    cached: int = 0
    failed: int = 0


def extract_one(data: bytes, media_type: str | None, url: str, ocr: bool = True) -> dict[str, Any]:
    """One document → a JSON-able record; any exception becomes a ``failed`` record.
    A page read with its images records the images' hashes (``inputs``): new images, new reading."""
    try:
        mt = sniff_media_type(data, url, declared=media_type)
        ex = extract(data, media_type=mt, url=url, ocr=ocr)
        rec = {"status": ex.report.status, "error": None, **ex.to_dict()}
        if mt == IMAGE_PAGE:
            rec["inputs"] = sorted(hashlib.sha256(b).hexdigest() for _, b in unbundle(data)[2])
        return rec
    except Exception as e:  # noqa: BLE001 - one bad document must never stop the run
        return failed_record(traceback.format_exception_only(type(e), e)[-1].strip())


def _is_image(doc: Any) -> bool:
    return (doc.media_type or "").startswith("image/") or extension(doc.url) in IMAGE_EXTS


def image_groups(docs: list[Any]) -> dict[str, list[Any]]:
    """The image attachments of each HTML report page (the crawler takes them from the page body)."""
    pages = {d.url for d in docs if d.role == "report" and "html" in (d.media_type or "")}
    out: dict[str, list[Any]] = {}
    for d in docs:
        if d.role == "attachment" and d.parent_url in pages and _is_image(d):
            out.setdefault(d.parent_url, []).append(d)
    return out


def inputs_of(doc: Any, groups: dict[str, list[Any]]) -> list[str]:
    return sorted({d.sha256 for d in groups.get(doc.url, ())})


def read_with_page(doc: Any, groups: dict[str, list[Any]]) -> bool:
    """An image read as part of its report page, not as a document of its own."""
    return doc.role == "attachment" and any(d is doc for d in groups.get(doc.parent_url, ()))


def with_page_record(doc: Any) -> dict[str, Any]:
    return {"status": STATUS_NO_TABLES, "error": None, "report": None, "cells": [], "checks": [],
            "read_with": doc.parent_url}  # fmt: skip


def read_task(
    archive: Archive, data_dir: Path, doc: Any, groups: dict[str, list[Any]]
) -> tuple[bytes, str | None]:
    """A document's payload and media type; a report page with body images: the page and its
    images, in page order, as one payload (``extract.image_pages.bundle``)."""
    page = archive.read_payload(data_dir, doc.sha256)
    images = groups.get(doc.url)
    if not images:
        return page, doc.media_type
    by_url = {d.url: d for d in images}
    base = getattr(doc, "final_url", None) or doc.url
    urls = page_order(page, base, list(by_url))
    return bundle(
        page, base, [(u, archive.read_payload(data_dir, by_url[u].sha256)) for u in urls]
    ), IMAGE_PAGE


def failed_record(error: str) -> dict[str, Any]:
    """The record of a document that gave no extraction (bad payload, crash, time-out)."""
    return {"status": STATUS_FAILED, "error": error, "report": None, "cells": [], "checks": []}


def save_result(data_dir: Path, sha256: str, rec: dict[str, Any]) -> dict[str, Any]:
    """Write one document's record to the results cache, the same bytes whoever extracted it."""
    rec = {"sha256": sha256, "extractor_version": EXTRACTOR_VERSION, **rec}
    write_atomic(
        result_path(data_dir, sha256),
        json.dumps(rec, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"),
    )
    return rec


def is_done(data_dir: Path, sha256: str, full: bool, ocr: bool, inputs: list[str] | None = None) -> bool:
    """A cached result stands, except a scan left unread by an earlier ``--no-ocr`` run
    when this run reads scans, and a page read with other images than it has now (``inputs``)."""
    done = None if full else load_result(data_dir, sha256)
    return (
        done is not None
        and not (ocr and done.get("status") == STATUS_NO_TEXT)
        and (inputs is None or done.get("inputs", []) == inputs)
    )


def _progress(stats: ExtractStats, total: int, final: bool = False) -> None:
    line = (f"extract: {stats.documents}/{total} documents, {stats.extracted} extracted, "
            f"{stats.cached} already done, {stats.failed} failed")  # fmt: skip
    if sys.stderr.isatty():
        print("\r" + line, end="\n" if final else "", file=sys.stderr, flush=True)
    elif final:
        print(line, file=sys.stderr)


def extract_archive(
    data_dir: Path, full: bool = False, archive: Archive | None = None, ocr: bool = True
) -> ExtractStats:
    """``ocr``: read scans; a scan left unread by an earlier ``--no-ocr`` run is read now."""
    archive = archive or default_archive()
    data_dir = Path(data_dir)
    docs = list(archive.iter_documents(data_dir))
    groups = image_groups(docs)
    stats = ExtractStats()
    seen: set[str] = set()
    last = 0.0
    for doc in docs:
        stats.documents += 1
        if doc.sha256 in seen:
            stats.cached += 1
            continue
        seen.add(doc.sha256)
        if read_with_page(doc, groups):
            if not is_done(data_dir, doc.sha256, full, ocr):
                save_result(data_dir, doc.sha256, with_page_record(doc))
            stats.cached += 1
        elif is_done(data_dir, doc.sha256, full, ocr, inputs_of(doc, groups)):
            stats.cached += 1
        else:
            try:
                data, media_type = read_task(archive, data_dir, doc, groups)
                rec = extract_one(data, media_type, doc.url, ocr)
            except Exception as e:  # noqa: BLE001 - unreadable payload: a failed report, not a crash
                rec = failed_record(f"payload: {e}")
            rec = save_result(data_dir, doc.sha256, rec)
            stats.extracted += 1
            stats.failed += rec["status"] == STATUS_FAILED
        now = time.monotonic()
        if now - last > 0.5:
            _progress(stats, len(docs))
            last = now
    _progress(stats, len(docs), final=True)
    return stats
