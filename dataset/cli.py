"""``nianbao load | export | dictionary``: argument handling only; the work is in the modules."""

from __future__ import annotations

import sys
from pathlib import Path

from .archive import Archive
from .duck import DatasetError


def extract(data_dir: Path, full: bool = False, archive: Archive | None = None) -> int:
    """``nianbao extract --data-dir DIR``: extract the archive, then rewrite the Parquet files."""
    from .extract_archive import extract_archive
    from .parquet import write_dataset

    stats = extract_archive(data_dir, full=full, archive=archive)
    if stats.documents == 0:
        print(
            f"extract: no archived documents in {data_dir} ({_no_documents_why(data_dir)})", file=sys.stderr
        )
    written = write_dataset(data_dir, archive=archive)
    print(
        f"parquet: {written.reports} reports, {written.cells} cells -> {written.directory}", file=sys.stderr
    )
    return 0 if stats.documents == 0 or stats.failed < stats.documents else 1


def _no_documents_why(data_dir: Path) -> str:
    """After a crawl that archived nothing, "run crawl first" is the wrong advice: say what the ledger says."""
    import sqlite3

    from crawler.ledger import LEDGER_NAME

    path = Path(data_dir) / LEDGER_NAME
    if path.exists():
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                run = con.execute("SELECT id, started_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
                tried = con.execute("SELECT count(*) FROM fetches").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            run = None
        if run is not None:
            return (f"the crawl of {run[1]} (run {run[0]}) archived no report: {tried} address(es) tried, none "
                    "gave a report — see that crawl's summary and warnings")  # fmt: skip
    return f"run `nianbao crawl --data-dir {data_dir}` first"


def load(data_dir: Path) -> int:
    """Rewrite the Parquet tables from the extraction results, then rebuild the database."""
    from .duck import build_database
    from .parquet import write_dataset

    written = write_dataset(data_dir)
    print(
        f"parquet: {written.reports} reports, {written.cells} cells, {written.files} files", file=sys.stderr
    )
    res = build_database(data_dir)
    print(f"duckdb: {res.path} ({', '.join(f'{k} {v}' for k, v in res.tables.items())})", file=sys.stderr)
    return 0


def run(args) -> int:
    try:
        if args.command == "extract":
            return extract(args.data_dir, full=args.full)
        if args.command == "load":
            return load(args.data_dir)
        if args.command == "export":
            from .export import export

            paths = export(
                args.data_dir, fmt=args.format, district=args.district, year=args.year, out=args.out
            )
            for p in paths:
                print(p)
            return 0
        if args.command == "dictionary":
            from .dictionary import write_dictionary

            for p in write_dictionary(args.out):
                print(p)
            return 0
    except DatasetError as e:
        print(f"nianbao {args.command}: {e}", file=sys.stderr)
        return 2
    raise AssertionError(args.command)
