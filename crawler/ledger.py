"""The crawl ledger: one SQLite row per address, the memory that makes a crawl resumable.

The ledger says what was fetched, when, with what result, and where its bytes
sit in the WARC archive; the archive holds only bytes.  A row is written only
after the bytes it points to are on disk (flushed and fsynced), and the WARC
tail beyond the last committed row is cut off on open, so after ``kill -9``
the two always agree.  Etag / Last-Modified are kept for conditional
re-crawls.  ``versions`` keeps every body an address has served (its fetches
row holds only the newest), written in the same transaction as the fetch row, so
an edited report keeps its earlier version findable in the WARC.  SQLite in WAL mode with synchronous=FULL: a committed row survives
a crash.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

LEDGER_NAME = "ledger.sqlite3"

FETCH_COLUMNS = (
    "url", "final_url", "source_id", "district", "level", "role", "status", "http_status", "fetched_at",
    "checked_at", "sha256", "etag", "last_modified", "error", "parent_url", "title", "agency_hint", "year_hint",
    "published_hint", "media_type", "size", "warc_file", "warc_offset", "warc_length", "legacy_tls", "attempts",
    "run_id", "rendered",
)  # fmt: skip

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY, final_url TEXT, source_id TEXT NOT NULL, district TEXT, level TEXT,
    role TEXT NOT NULL, status TEXT NOT NULL, http_status INTEGER, fetched_at TEXT, checked_at TEXT,
    sha256 TEXT, etag TEXT, last_modified TEXT, error TEXT, parent_url TEXT, title TEXT,
    agency_hint TEXT, year_hint INTEGER, published_hint TEXT, media_type TEXT, size INTEGER,
    warc_file TEXT, warc_offset INTEGER, warc_length INTEGER, legacy_tls INTEGER, attempts INTEGER,
    run_id INTEGER, rendered INTEGER
);
CREATE INDEX IF NOT EXISTS fetches_source ON fetches(source_id);
CREATE TABLE IF NOT EXISTS payloads (
    sha256 TEXT PRIMARY KEY, warc_file TEXT NOT NULL, warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL, size INTEGER NOT NULL, media_type TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    url TEXT NOT NULL, sha256 TEXT NOT NULL, first_seen TEXT, last_seen TEXT, PRIMARY KEY (url, sha256)
);
CREATE TABLE IF NOT EXISTS warc_ends (warc_file TEXT PRIMARY KEY, committed_end INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, args TEXT);
CREATE TABLE IF NOT EXISTS columns (
    source_id TEXT NOT NULL, column_url TEXT NOT NULL, kind TEXT, expected INTEGER, found INTEGER,
    fetched_extra INTEGER, note TEXT, run_id INTEGER, PRIMARY KEY (source_id, column_url)
);
"""


class Ledger:
    """Thread-safe wrapper; the archive writer thread and the event loop both use it."""

    def __init__(self, data_dir: Path, readonly: bool = False):
        self.path = Path(data_dir) / LEDGER_NAME
        if readonly:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            fresh = not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'versions'").fetchone()
            self.db.executescript(_SCHEMA)
            if fresh:  # a ledger from before version history: each address has the one version it holds
                self.db.execute(
                    "INSERT OR IGNORE INTO versions SELECT url, sha256, fetched_at, coalesce(checked_at, fetched_at)"
                    " FROM fetches WHERE sha256 IS NOT NULL"
                )
            have = {r[1] for r in self.db.execute("PRAGMA table_info(fetches)")}
            if (
                "rendered" not in have
            ):  # a ledger from before the browser: 1 = the stored body is a rendered DOM
                self.db.execute("ALTER TABLE fetches ADD COLUMN rendered INTEGER")
        self.db.row_factory = sqlite3.Row
        self.lock = threading.Lock()
        self.readonly = readonly

    def close(self) -> None:
        """Checkpoint and leave WAL mode on the way out: a closed ledger is one file, and the
        read-only openings of extract and load then leave no -wal/-shm files beside it."""
        with self.lock:
            if not self.readonly:
                try:
                    self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    self.db.execute("PRAGMA journal_mode=DELETE")  # a no-op while another connection is open
                except sqlite3.Error:
                    pass  # still consistent: the next opening replays the WAL
            self.db.close()

    # reads -----------------------------------------------------------------
    def get(self, url: str) -> dict | None:
        with self.lock:
            row = self.db.execute("SELECT * FROM fetches WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def payload(self, sha256: str) -> dict | None:
        with self.lock:
            row = self.db.execute("SELECT * FROM payloads WHERE sha256 = ?", (sha256,)).fetchone()
        return dict(row) if row else None

    def versions(self) -> list[dict]:
        """Every (url, sha256) served, oldest first; a ledger without history gives its fetch rows."""
        with self.lock:
            has = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'versions'").fetchone()
            sql = (
                "SELECT url, sha256, first_seen, last_seen FROM versions"
                if has
                else "SELECT url, sha256, fetched_at AS first_seen, coalesce(checked_at, fetched_at) AS last_seen"
                " FROM fetches WHERE sha256 IS NOT NULL"
            )
            return [dict(r) for r in self.db.execute(sql + " ORDER BY url, first_seen, sha256")]

    def committed_ends(self) -> dict[str, int]:
        with self.lock:
            return {r[0]: r[1] for r in self.db.execute("SELECT warc_file, committed_end FROM warc_ends")}

    def rows(self, where: str = "", params: tuple = ()) -> list[dict]:
        with self.lock:
            cur = self.db.execute(f"SELECT * FROM fetches {where} ORDER BY url", params)
            return [dict(r) for r in cur]

    def column_rows(self) -> list[dict]:
        with self.lock:
            return [dict(r) for r in self.db.execute("SELECT * FROM columns ORDER BY source_id, column_url")]

    # runs ------------------------------------------------------------------
    def start_run(self, started_at: str, args: str) -> tuple[int, bool]:
        """(run id, resumed): an unfinished last run is resumed rather than restarted."""
        with self.lock:
            last = self.db.execute("SELECT id, finished_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            if last is not None and last["finished_at"] is None:
                return last["id"], True
            cur = self.db.execute("INSERT INTO runs(started_at, args) VALUES (?, ?)", (started_at, args))
            return cur.lastrowid, False

    def finish_run(self, run_id: int, finished_at: str) -> None:
        with self.lock:
            self.db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (finished_at, run_id))

    # writes (called with the WARC bytes already fsynced) ---------------------
    def commit(
        self, fetch_rows: list[dict], payload_rows: list[dict], warc_end: tuple[str, int] | None
    ) -> None:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for p in payload_rows:
                    self.db.execute(
                        "INSERT OR IGNORE INTO payloads VALUES (:sha256, :warc_file, :warc_offset, :warc_length,"
                        " :size, :media_type)",
                        p,
                    )
                for r in fetch_rows:
                    row = {c: r.get(c) for c in FETCH_COLUMNS}
                    cols = ", ".join(FETCH_COLUMNS)
                    marks = ", ".join(f":{c}" for c in FETCH_COLUMNS)
                    self.db.execute(f"INSERT OR REPLACE INTO fetches ({cols}) VALUES ({marks})", row)
                    if row["sha256"]:
                        seen = row["checked_at"] or row["fetched_at"]
                        self.db.execute(
                            "INSERT INTO versions VALUES (?, ?, ?, ?) ON CONFLICT(url, sha256) DO UPDATE SET"
                            " last_seen = max(coalesce(last_seen, ''), coalesce(excluded.last_seen, ''))",
                            (row["url"], row["sha256"], row["fetched_at"] or seen, seen),
                        )
                if warc_end is not None:
                    self.db.execute(
                        "INSERT INTO warc_ends VALUES (?, ?) ON CONFLICT(warc_file) DO UPDATE SET"
                        " committed_end = MAX(committed_end, excluded.committed_end)",
                        warc_end,
                    )
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def record_column(self, row: dict) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO columns VALUES (:source_id, :column_url, :kind, :expected, :found,"
                " :fetched_extra, :note, :run_id)",
                row,
            )
