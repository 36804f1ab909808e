"""One canonical report per body and year, when several documents exist.

A body's year often comes as several documents: the HTML page and its PDF
attachment, a corrected re-publication, a mobile copy.  All are kept; exactly
one per (body_id, year) gets ``is_canonical = true``, chosen by, in order:

1. extraction status: ok, then partial, then no tables found, no text layer,
   failed, not extracted;
2. most canonical cells (the most complete reading);
3. fewest failed consistency checks (a corrected re-publication usually wins here);
4. the report page over an attachment (the HTML text is the one the body edits);
5. the latest publication date, then the latest fetch;
6. the smallest report_id (only to make ties deterministic).

Documents without a known year are never canonical.
"""

from __future__ import annotations

from collections import defaultdict

STATUS_RANK = {
    "ok": 0,
    "partial": 1,
    "no tables found": 2,
    "no text layer": 3,
    "failed": 4,
    "not extracted": 5,
}


def _desc(s: str | None) -> tuple[int, tuple[int, ...]]:
    """Sort key putting later ISO strings first and missing ones last."""
    if not s:
        return (1, ())
    return (0, tuple(-ord(ch) for ch in s))


def rank_key(r: dict) -> tuple:
    return (
        STATUS_RANK.get(r["status"], 9),
        -(r.get("n_cells") or 0),
        r.get("n_failed_checks") or 0,
        0 if r.get("role") != "attachment" else 1,
        _desc(r.get("published_on")),
        _desc(r.get("fetched_at")),
        r["report_id"],
    )


def mark_canonical(reports: list[dict]) -> list[dict]:
    """Set ``is_canonical`` on every row (in place) and return the rows."""
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in reports:
        r["is_canonical"] = False
        if r.get("year"):
            groups[(r["body_id"], r["year"])].append(r)
    for rs in groups.values():
        min(rs, key=rank_key)["is_canonical"] = True
    return reports
