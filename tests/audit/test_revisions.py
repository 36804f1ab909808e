"""A report edited after publication: crawl, change a figure, re-crawl, load — the revisions rows and the audit line."""

from __future__ import annotations

import copy
import sqlite3

import duckdb

from audit.build import write_audit
from crawler.ledger import Ledger

from .conftest import Portal, small_figures


def test_a_changed_figure_is_listed_with_both_values_and_when_it_was_seen(tmp_path):
    fig = small_figures()
    portal = Portal(fig, tmp_path)
    try:
        portal.crawl_and_load()
        edited = copy.deepcopy(fig)
        town = next(b for b in edited["bodies"] if b["name"] == "演示区人民政府")
        rep = next(r for r in town["reports"] if r["year"] == 2024)
        was = rep["tables"]["active"]["normative_documents"]["issued"]
        rep["tables"]["active"]["normative_documents"]["issued"] = was + 7
        portal.publish(edited)
        portal.crawl_and_load()
    finally:
        portal.stop()
    con = duckdb.connect(str(tmp_path / "nianbao.duckdb"), read_only=True)
    rows = con.execute(
        """SELECT agency, year, "table", "row", col, old_value, new_value, old_seen <= new_seen
           FROM revisions_by_body"""
    ).fetchall()
    fetched = con.execute(
        "SELECT fetched_at FROM reports WHERE agency = '演示区人民政府' AND year = 2024"
    ).fetchone()[0]
    con.close()
    assert rows == [("演示区人民政府", 2024, "active", "normative_documents", "issued", was, was + 7, True)]
    index = write_audit(tmp_path, tmp_path / "site", year=2024)
    body_id = next(
        p for p in index.parent.glob("演示区/2024/*.html") if "演示区人民政府 2024" in p.read_text("utf-8")
    )
    page = body_id.read_text("utf-8")
    assert f'<li class="revision">{fetched}' in page
    assert f"由 {was} 改为 {was + 7}" in page


def test_a_ledger_from_before_version_history_gets_one_version_per_address(tmp_path):
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    db.execute("CREATE TABLE fetches (url TEXT PRIMARY KEY, final_url TEXT, source_id TEXT NOT NULL, district TEXT,"
               " level TEXT, role TEXT NOT NULL, status TEXT NOT NULL, http_status INTEGER, fetched_at TEXT,"
               " checked_at TEXT, sha256 TEXT, etag TEXT, last_modified TEXT, error TEXT, parent_url TEXT,"
               " title TEXT, agency_hint TEXT, year_hint INTEGER, published_hint TEXT, media_type TEXT,"
               " size INTEGER, warc_file TEXT, warc_offset INTEGER, warc_length INTEGER, legacy_tls INTEGER,"
               " attempts INTEGER, run_id INTEGER)")  # fmt: skip
    db.execute("INSERT INTO fetches (url, source_id, role, status, fetched_at, sha256) VALUES"
               " ('http://a/1', 's', 'report', 'ok', '2025-01-01T00:00:00Z', 'aa'),"
               " ('http://a/list', 's', 'list', 'error', '2025-01-01T00:00:00Z', NULL)")  # fmt: skip
    db.commit()
    db.close()
    led = Ledger(tmp_path)
    try:
        assert led.versions() == [{"url": "http://a/1", "sha256": "aa", "first_seen": "2025-01-01T00:00:00Z",
                                   "last_seen": "2025-01-01T00:00:00Z"}]  # fmt: skip
        row = {"url": "http://a/1", "source_id": "s", "role": "report", "status": "ok",
               "fetched_at": "2025-02-01T00:00:00Z", "checked_at": "2025-02-01T00:00:00Z", "sha256": "bb"}  # fmt: skip
        led.commit([row], [], None)
        assert [(v["sha256"], v["first_seen"]) for v in led.versions()] == [
            ("aa", "2025-01-01T00:00:00Z"),
            ("bb", "2025-02-01T00:00:00Z"),
        ]
    finally:
        led.close()
