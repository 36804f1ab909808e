"""Refuse a load that would leave the user with less than they had.

A database is rebuilt from scratch on every load, so a mistyped ``--data-dir``
or a missing extraction would silently swap a good database for an empty one.
The check runs before anything is written: the Parquet files and the database
stay as they were when it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .archive import Archive
from .duck import DB_NAME
from .errors import DatasetError
from .results import result_path


@dataclass(frozen=True)
class LoadPlan:
    documents: int  # archived documents
    extracted: int  # of which the current extractor has a result
    previous: int | None  # extracted reports in the database being replaced (None: no database)


def previous_reports(db: Path) -> int | None:
    """Extracted reports in an existing database; None when there is none or it cannot be read."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT count(*) FROM reports WHERE status <> 'not extracted'").fetchone()
        return int(row[0]) if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def plan_load(data_dir: Path, archive: Archive, force: bool = False) -> LoadPlan:
    """What a load would build, or DatasetError saying why it must not."""
    data_dir = Path(data_dir)
    hint = f"run `nianbao extract --data-dir {data_dir}` first"
    if not data_dir.is_dir():
        raise DatasetError(f"no extracted documents in {data_dir} (no such directory) — {hint}")
    docs = list(archive.iter_documents(data_dir))
    extracted = sum(1 for d in docs if result_path(data_dir, d.sha256).exists())
    if not extracted:
        raise DatasetError(f"no extracted documents in {data_dir} — {hint}")
    db = data_dir / DB_NAME
    previous = previous_reports(db)
    if previous is not None and extracted < previous and not force:
        raise DatasetError(
            f"{db} holds {previous} extracted reports and the rebuild would hold {extracted}: refusing to "
            f"replace it (check --data-dir, run `nianbao extract --data-dir {data_dir}`, or pass --force)"
        )
    return LoadPlan(len(docs), extracted, previous)
