"""``nianbao load | export | dictionary``: argument handling only; the work is in the modules."""

from __future__ import annotations

import sys
from pathlib import Path

from .archive import Archive
from .duck import DatasetError


def extract(data_dir: Path, full: bool = False, archive: Archive | None = None, ocr: bool = True) -> int:
    """``nianbao extract --data-dir DIR``: extract the archive, then rewrite the Parquet files."""
    from .extract_archive import extract_archive
    from .parquet import write_dataset

    stats = extract_archive(data_dir, full=full, archive=archive, ocr=ocr)
    if stats.documents == 0:
        print(f"extract: no archived documents in {data_dir} (run `nianbao crawl --data-dir {data_dir}` first)",
              file=sys.stderr)  # fmt: skip
    written = write_dataset(data_dir, archive=archive)
    print(
        f"parquet: {written.reports} reports, {written.cells} cells -> {written.directory}", file=sys.stderr
    )
    return 0 if stats.documents == 0 or stats.failed < stats.documents else 1


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
            return extract(args.data_dir, full=args.full, ocr=getattr(args, "ocr", True))
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
