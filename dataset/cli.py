"""``nianbao load | export | dictionary``: argument handling only; the work is in the modules."""

from __future__ import annotations

import sys
from pathlib import Path

from .archive import Archive
from .duck import DatasetError


def extract(data_dir: Path, full: bool = False, archive: Archive | None = None, workers: int | None = None,
            ray: str | None = None, timeout: float | None = None) -> int:  # fmt: skip
    """``nianbao extract --data-dir DIR [--workers N | --ray ADDRESS]``: extract the archive (here,
    on a process pool or on a Ray cluster: the same results), then rewrite the Parquet files."""
    from .extract_archive import extract_archive
    from .parquet import write_dataset

    if workers is None and ray is None:
        stats = extract_archive(data_dir, full=full, archive=archive)
    else:
        from .parallel import DEFAULT_TIMEOUT, run_engine

        if ray is not None:
            from .ray_run import RayEngine

            engine = RayEngine(ray, cpus=workers)
        else:
            from .workers import ProcessPool

            engine = ProcessPool(workers)
        try:
            stats = run_engine(
                data_dir, engine, full=full, archive=archive, timeout=timeout or DEFAULT_TIMEOUT
            )
        finally:
            engine.close()
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


def merge(data_dir: Path, shards: list[Path]) -> int:
    """``nianbao merge --data-dir OUT SHARD...``: one data directory from a sharded crawl, then load it."""
    from .merge import merge as merge_dirs

    m = merge_dirs(data_dir, shards)
    print(f"merge: {m.shards} data directories -> {m.directory}: {m.fetches} addresses ({m.duplicates} held by "
          f"more than one, kept once), {m.documents} documents, {m.payloads} payloads in {m.warc_files} WARC "
          f"files, {m.results} extraction results copied", file=sys.stderr)  # fmt: skip
    if m.unextracted:
        print(f"merge: {m.unextracted} payloads have no extraction result yet: run "
              f"`nianbao extract --data-dir {data_dir}`", file=sys.stderr)  # fmt: skip
    return load(data_dir)


def run(args) -> int:
    try:
        if args.command == "extract":
            return extract(args.data_dir, full=args.full, workers=getattr(args, "workers", None),
                           ray=getattr(args, "ray", None), timeout=getattr(args, "timeout", None))  # fmt: skip
        if args.command == "merge":
            return merge(args.data_dir, args.shards)
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
