"""``nianbao load | export | dictionary``: argument handling only; the work is in the modules."""

from __future__ import annotations

import sys
from pathlib import Path

from .archive import Archive
from .errors import DatasetError


def extract(data_dir: Path, full: bool = False, archive: Archive | None = None, workers: int | None = None,
            ray: str | None = None, timeout: float | None = None, ocr: bool = True) -> int:  # fmt: skip
    """``nianbao extract --data-dir DIR [--workers N | --ray ADDRESS] [--no-ocr]``: extract the archive
    (here, on a process pool or on a Ray cluster: the same results), then rewrite the Parquet files."""
    from .extract_archive import extract_archive, extract_one
    from .parquet import write_dataset

    if workers is None and ray is None:
        stats = extract_archive(data_dir, full=full, archive=archive, ocr=ocr)
    else:
        from functools import partial

        from .parallel import DEFAULT_TIMEOUT, run_engine

        fn = extract_one if ocr else partial(extract_one, ocr=False)
        if ray is not None:
            from .ray_run import RayEngine

            engine = RayEngine(ray, cpus=workers, fn=fn)
        else:
            from .workers import ProcessPool

            engine = ProcessPool(workers, fn=fn)
        try:
            stats = run_engine(
                data_dir, engine, full=full, archive=archive, timeout=timeout or DEFAULT_TIMEOUT, ocr=ocr
            )
        finally:
            engine.close()
    if stats.documents == 0:
        print(
            f"extract: no archived documents in {data_dir} ({_no_documents_why(data_dir)})", file=sys.stderr
        )
        return 1
    written = write_dataset(data_dir, archive=archive)
    print(
        f"parquet: {written.reports} reports, {written.cells} cells -> {written.directory}", file=sys.stderr
    )
    return 0 if stats.failed < stats.documents else 1


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


def load(data_dir: Path, force: bool = False, archive: Archive | None = None) -> int:
    """Rewrite the Parquet tables from the extraction results, then rebuild the database.

    Refuses (DatasetError) when there is nothing extracted, or when the new database
    would hold fewer reports than the one it replaces and ``force`` is not given.
    """
    from .duck import build_database
    from .guard import plan_load
    from .local import default_archive
    from .parquet import write_dataset

    archive = archive or default_archive()
    plan_load(data_dir, archive, force)
    written = write_dataset(data_dir, archive=archive)
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
        print(f"merge: {m.unextracted} of {m.payloads_of_documents} documents' payloads have no extraction "
              f"result yet: run `nianbao extract --data-dir {data_dir}`", file=sys.stderr)  # fmt: skip
        if m.unextracted == m.payloads_of_documents:
            return 0  # nothing to load until then
    return load(data_dir)


def add(data_dir: Path, paths: list[Path], url: str | None = None, district: str = "", level: str = "",
        agency: str | None = None, manifest: Path | None = None) -> int:  # fmt: skip
    """``nianbao add``: files a user has become documents of DATA_DIR, extracted and loaded."""
    from extract.cli import iter_files

    from .extract_archive import extract_archive
    from .local import add_files, read_manifest_csv

    data_dir = Path(data_dir)
    if manifest is None and not paths:
        raise DatasetError("give files or folders of documents, or --manifest FILE.csv")
    added = []
    if manifest is not None:
        for row in read_manifest_csv(Path(manifest)):
            f = Path(row["path"])
            if not f.is_file():
                raise DatasetError(f"{manifest}:{row['line']}: no such file {f}")
            added += add_files(data_dir, [f], row["url"] or None, row["district"], row["level"],
                               row["agency"] or None)  # fmt: skip
    files = []
    for p in paths:
        found = list(iter_files([p]))
        if not found or not p.exists():
            raise DatasetError(f"no documents in {p}" if p.is_dir() else f"{p}: no such file")
        files += found
    if url and len(files) != 1:
        raise DatasetError("--url goes with exactly one file")
    if files:
        added += add_files(data_dir, files, url, district, level, agency)
    print(f"add: {len(added)} documents recorded in {data_dir}", file=sys.stderr)
    extract_archive(data_dir)
    return load(data_dir)


def run(args) -> int:
    try:
        if args.command == "add":
            return add(args.data_dir, args.paths, args.url, args.district or "", args.level or "", args.agency,
                       args.manifest)  # fmt: skip
        if args.command == "extract":
            return extract(args.data_dir, full=args.full, workers=getattr(args, "workers", None),
                           ray=getattr(args, "ray", None), timeout=getattr(args, "timeout", None),
                           ocr=getattr(args, "ocr", True))  # fmt: skip
        if args.command == "merge":
            return merge(args.data_dir, args.shards)
        if args.command == "load":
            return load(args.data_dir, force=getattr(args, "force", False))
        if args.command == "export":
            from .export import export

            paths = export(args.data_dir, fmt=args.format, district=args.district, year=args.year,
                           out=args.out, labels=getattr(args, "labels", None))  # fmt: skip
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
