"""Revisions: which cells a body changed after publishing, read from the archive's version history.

The ledger keeps every body an address served (``versions``); the WARC keeps
every payload.  Each pair of consecutive versions is extracted with the same
function as the current one (results cached by sha256, so a version is read
once) and compared cell by cell.  An archive without history gives no rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .archive import Archive
from .extract_archive import extract_one, failed_record, save_result
from .results import load_result

_KEY = ("table", "row", "col")


def _cells(rec: dict[str, Any]) -> dict[tuple[str, str, str], float | None]:
    return {
        tuple(c[k] for k in _KEY): (None if c.get("value") is None else float(c["value"]))
        for c in rec.get("cells") or []
    }


def changed_cells(
    old: dict[str, Any], new: dict[str, Any]
) -> list[tuple[tuple[str, str, str], float | None, float | None]]:
    """(cell, old value, new value) for every cell whose value differs, appears or disappears."""
    a, b = _cells(old), _cells(new)
    return [(k, a.get(k), b.get(k)) for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]


def _result(
    data_dir: Path, archive: Archive, sha256: str, media_type: str | None, url: str
) -> dict[str, Any]:
    rec = load_result(data_dir, sha256)
    if rec is None:
        try:
            rec = extract_one(archive.read_payload(data_dir, sha256), media_type, url)
        except Exception as e:  # noqa: BLE001 - an unreadable old version is no revision, not a crash
            rec = failed_record(f"payload: {e}")
        rec = save_result(data_dir, sha256, rec)
    return rec


def revision_rows(data_dir: Path, archive: Archive, docs: list, report_id) -> list[dict]:
    """Rows of the ``revisions`` table for the current documents ``docs`` (``report_id(url, sha)`` names them)."""
    versions = getattr(archive, "versions", None)
    history: dict[str, list[dict]] = {}
    for v in versions(data_dir) if versions else []:
        history.setdefault(v["url"], []).append(v)
    out = []
    for doc in docs:
        chain = sorted(history.get(doc.url, []), key=lambda v: (v["first_seen"] or "", v["sha256"]))
        if len(chain) < 2:
            continue
        rid = report_id(doc.url, doc.sha256)
        for old, new in zip(chain, chain[1:], strict=False):
            a = _result(data_dir, archive, old["sha256"], doc.media_type, doc.url)
            b = _result(data_dir, archive, new["sha256"], doc.media_type, doc.url)
            for (t, r, c), was, now in changed_cells(a, b):
                out.append({"report_id": rid, "url": doc.url, "table": t, "row": r, "col": c, "old_value": was,
                            "new_value": now, "old_sha256": old["sha256"], "new_sha256": new["sha256"],
                            "old_seen": old["first_seen"], "new_seen": new["first_seen"]})  # fmt: skip
    return out
