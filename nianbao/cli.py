"""The ``nianbao`` command: one entry point, one subcommand per stage.

Each subcommand parses its arguments here and hands them to the library
module that does the work, so every stage is usable from Python as well.

Paths: a path you type is taken relative to the current directory, as every
command-line tool does; a path you leave out defaults to the checkout's own
``data/`` folder (where the shipped registry lives), whatever the current
directory — so ``nianbao crawl`` reads and writes one place from anywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao import __version__
from nianbao.console import guarded, set_verbosity
from nianbao.options import nonnegative_float, nonnegative_int, positive_int, year

#: defaults live in the checkout, not the current directory (see the module docstring)
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PATHS_NOTE = (
    f"Paths you give are relative to the current directory; defaults are in the checkout: {DEFAULT_DATA_DIR}"
)
CRAWL_EXIT_CODES = (
    "exit codes: 0 every source reached; 1 some sources reached nothing (the closing line names them); "
    "2 usage or input error (a bad option or registry file); 130 interrupted (rerun to resume)"
)


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"directory holding the raw archive, the crawl ledger and the outputs (default: {DEFAULT_DATA_DIR})",
    )


def _add_verbosity(p: argparse.ArgumentParser, default) -> None:
    # on the main parser and on every subcommand (``nianbao crawl -v`` as well as ``nianbao -v crawl``)
    p.add_argument("-v", "--verbose", action="count", default=default,
                   help="say more: -v each request, -vv debugging detail")  # fmt: skip
    p.add_argument("-q", "--quiet", action="count", default=default,
                   help="quieter: no warnings; crawl prints no progress bar or table, only a failure")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Crawl, extract and load China's government information disclosure annual reports.",
        epilog=PATHS_NOTE,
    )
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    _add_verbosity(parser, 0)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = sub.add_parser

    def sub_parser(name: str, **kw) -> argparse.ArgumentParser:
        p = add_parser(name, epilog=kw.pop("epilog", PATHS_NOTE), **kw)
        _add_verbosity(p, argparse.SUPPRESS)
        return p

    sub.add_parser = sub_parser  # type: ignore[method-assign]

    p = sub.add_parser("extract", help="extract reports into canonical cells (JSON)")
    p.add_argument("paths", nargs="*", type=Path, metavar="FILE_OR_DIR",
                   help="report files or folders of them (none: the archive in --data-dir)")  # fmt: skip
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON document per report (default)")
    out.add_argument("--out", type=Path, metavar="DIR", help="write NAME.json per report into DIR")
    p.add_argument("--url", help="the address the file was fetched from (one file only)")
    p.add_argument("--full", action="store_true", help="re-extract every archived document (with --data-dir)")
    p.add_argument("--workers", type=int, nargs="?", const=0, metavar="N",
                   help="with --data-dir: extract on N local processes (no N: one per core; with --ray local: "
                        "the cluster's CPUs)")  # fmt: skip
    p.add_argument("--ray", metavar="ADDRESS",
                   help="with --data-dir: extract on a Ray cluster (local, auto or ray://host:10001)")  # fmt: skip
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="with --workers/--ray: give up a document after this long (default 600)")  # fmt: skip
    p.add_argument("--no-ocr", dest="ocr", action="store_false", help="leave scanned PDFs and images unread")
    _add_data_dir(p)

    p = sub.add_parser("check", help="a readable verdict per report: which checks fail, where, by how much")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="report files or folders of them")
    p.add_argument(
        "--json", action="store_true", help="one JSON object per report instead of the text verdict"
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when a report is partial or a check fails (default: only when a file cannot be read)",
    )

    p = sub.add_parser("crawl", help="find and fetch the reports of the registry's portals",
                       epilog=f"{CRAWL_EXIT_CODES}. {PATHS_NOTE}")  # fmt: skip
    p.add_argument("--sources", type=Path, metavar="CSV_OR_DIR",
                   help=f"a registry CSV file, or a directory of them (default: {DEFAULT_DATA_DIR / 'sources'})")  # fmt: skip
    p.add_argument("--summary", type=Path, metavar="FILE.json",
                   help="also write the run's summary as JSON (per source, totals, exit code) to this file")  # fmt: skip
    p.add_argument("--source", action="append", default=[], metavar="ID", help="crawl only this source id")
    p.add_argument("--district", help="crawl only this district (e.g. 巴南区)")
    p.add_argument("--since", type=year, metavar="YEAR", help="skip reports for statistics years before YEAR")
    p.add_argument("--shard", metavar="K/N",
                   help="crawl only the hosts of shard K of N (stable hash of the host; merge with `nianbao merge`)")  # fmt: skip
    p.add_argument("--no-progress", action="store_true", help="no live progress bar")
    p.add_argument("--delay", type=nonnegative_float, metavar="SECONDS", help="min gap per host (default 1)")
    p.add_argument(
        "--per-host", type=positive_int, metavar="N", help="concurrent requests per host (default 2)"
    )
    p.add_argument("--global-limit", type=positive_int, metavar="N",
                   help="concurrent requests in total (default 16)")  # fmt: skip
    p.add_argument("--user-agent", help="User-Agent header (default names nianbao and its contact URL)")
    p.add_argument("--max-pages", type=positive_int, metavar="N", help="list pages per column (default 100)")
    p.add_argument("--max-depth", type=nonnegative_int, metavar="N", help="sub-column depth (default 3)")
    p.add_argument("--retry-base", type=nonnegative_float, metavar="SECONDS",
                   help="first retry backoff (default 1)")  # fmt: skip
    p.add_argument("--no-browser", action="store_true", help="never render a page in headless Chromium")
    _add_data_dir(p)

    p = sub.add_parser("sources", help="the source registry: check what each row gives before a crawl")
    sources_sub = p.add_subparsers(dest="sources_command", required=True, metavar="ACTION", help="check")
    c = sources_sub.add_parser(
        "check", help="per row: reachable, robots, CMS, list items, browser, newest year"
    )
    c.add_argument(
        "--sources", type=Path, metavar="FILE|DIR", help="registry CSV or folder (default: data/sources/)"
    )
    c.add_argument("--source", action="append", default=[], metavar="ID", help="check only this source id")
    c.add_argument("--district", help="check only this district")
    c.add_argument("--out", type=Path, metavar="FILE", help="write the table here (.csv: CSV, else markdown)")
    c.add_argument(
        "--format", choices=("csv", "markdown"), help="table format (default: from --out, else markdown)"
    )
    c.add_argument("--render", action="store_true", help="render rows that need a browser, as a crawl would")
    _add_verbosity(c, argparse.SUPPRESS)
    c.add_argument(
        "--mark-verified", action="store_true", help="write the verdicts into the registry's verified column"
    )

    p = sub.add_parser("load", help="write Parquet and build the DuckDB database with its views")
    _add_data_dir(p)
    p.add_argument("--force", action="store_true", help="replace the database even by one with fewer reports")

    p = sub.add_parser(
        "add", help="make files or folders of reports you already have part of the dataset (extract and load)"
    )
    p.add_argument(
        "paths", nargs="*", type=Path, metavar="FILE_OR_DIR", help="report files, or folders of them"
    )
    p.add_argument(
        "--manifest", type=Path, metavar="CSV", help="a CSV of path,url,district,level,agency rows"
    )
    p.add_argument("--url", help="the address the file was published at (one file only)")
    p.add_argument("--district", help="the district (区/县) the documents belong to")
    p.add_argument(
        "--level", choices=("district", "department", "street", "township"), help="the bodies' level"
    )
    p.add_argument("--agency", help="the agency, where the documents do not name it")
    _add_data_dir(p)

    p = sub.add_parser("merge", help="combine the data directories of a sharded crawl into one, then load it")
    p.add_argument("shards", nargs="+", type=Path, metavar="SHARD_DIR",
                   help="data directories of `nianbao crawl --shard K/N` (one per shard)")  # fmt: skip
    _add_data_dir(p)

    p = sub.add_parser("export", help="export the wide views and failed checks as CSV or Excel")
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="file format (default: csv)")
    p.add_argument("--district", help="only this district's reports (e.g. 巴南区)")
    p.add_argument(
        "--year",
        type=positive_int,
        metavar="YEAR",
        help="only reports for this statistics year (refused, with the known years, when none match)",
    )
    p.add_argument("--out", type=Path, help="output directory (default: DATA_DIR/export)")
    p.add_argument(
        "--labels",
        choices=("zh", "en"),
        help="headers: zh = the codebook's Chinese labels, en = column names (default: en for csv, zh for xlsx)",
    )
    _add_data_dir(p)

    p = sub.add_parser("audit", help="write the audit of a district and year as a static site and an xlsx")
    p.add_argument("--district", help="only this district (refused, with the known ones, when unknown)")
    p.add_argument("--year", type=positive_int, metavar="YEAR", help="only this statistics year")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory the site is written to")
    _add_data_dir(p)

    p = sub.add_parser(
        "demo", help="serve the offline demo portal and run crawl, extract and load against it"
    )
    p.add_argument("--keep-serving", action="store_true", help="keep the demo portal up after the run")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR / "demo-run",
                   help=f"where the demo run writes (cleared first; default: {DEFAULT_DATA_DIR / 'demo-run'})")  # fmt: skip

    p = sub.add_parser(
        "sql", help="query the database: print a table, or an interactive prompt without QUERY"
    )
    p.add_argument("query", nargs="?", metavar="QUERY", help="one SQL statement (omit for a prompt)")
    p.add_argument("-f", "--file", type=Path, help="run the SQL in FILE")
    p.add_argument("--question", type=int, metavar="N", help="run the README's question N (1-5)")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.add_argument("--db", type=Path, help="the DuckDB file (default: DATA_DIR/nianbao.duckdb)")
    _add_data_dir(p)

    p = sub.add_parser("dictionary", help="write the data dictionary (datapackage.json and a markdown page)")
    p.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR,
                   help=f"directory to write into (default: {DEFAULT_DATA_DIR})")  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.verbosity = args.verbose - args.quiet
    set_verbosity(args.verbosity)
    return guarded(lambda: _dispatch(args))


def _dispatch(args: argparse.Namespace) -> int:
    if (
        args.command == "extract"
        and not args.paths
        or args.command in ("load", "merge", "export", "dictionary", "add")
    ):
        from dataset import cli as dataset_cli

        return dataset_cli.run(args)
    if args.command in ("extract", "check"):
        from extract import cli as extract_cli

        return extract_cli.run(args)
    if args.command == "crawl":
        from crawler import run as crawl_run

        return crawl_run.command(args)
    if args.command == "sql":
        from dataset import sql_shell

        return sql_shell.command(args)
    if args.command == "sources":
        from crawler import sources_check

        return sources_check.command(args)
    if args.command == "audit":
        from audit import build as audit_build

        return audit_build.command(args)
    if args.command == "demo":
        from demo import run as demo_run

        return demo_run.command(args, nianbao=main)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
