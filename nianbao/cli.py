"""The ``nianbao`` command: one entry point, one subcommand per stage.

Each subcommand parses its arguments here and hands them to the library
module that does the work, so every stage is usable from Python as well.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="directory holding the raw archive, the crawl ledger and the outputs (default: data/)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Crawl, extract and load China's government information disclosure annual reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract reports into canonical cells (JSON)")
    p.add_argument("paths", nargs="*", type=Path, metavar="FILE_OR_DIR")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON document per report (default)")
    out.add_argument("--out", type=Path, metavar="DIR", help="write NAME.json per report into DIR")
    p.add_argument("--url", help="the address the file was fetched from (one file only)")
    p.add_argument("--full", action="store_true", help="re-extract every archived document (with --data-dir)")
    p.add_argument("--no-ocr", dest="ocr", action="store_false", help="leave scanned PDFs and images unread")
    _add_data_dir(p)

    p = sub.add_parser("check", help="a readable verdict per report: which checks fail, where, by how much")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE")

    p = sub.add_parser("crawl", help="find and fetch the reports of the registry's portals")
    p.add_argument("--sources", type=Path, help="a registry CSV file (default: data/sources/*.csv)")
    p.add_argument("--source", action="append", default=[], metavar="ID", help="crawl only this source id")
    p.add_argument("--district", help="crawl only this district (e.g. 巴南区)")
    p.add_argument("--since", type=int, metavar="YEAR", help="skip reports for statistics years before YEAR")
    p.add_argument("--no-progress", action="store_true", help="no live progress bar")
    p.add_argument("--delay", type=float, metavar="SECONDS", help="min gap per host (default 1)")
    p.add_argument("--per-host", type=int, metavar="N", help="concurrent requests per host (default 2)")
    p.add_argument("--global-limit", type=int, metavar="N", help="concurrent requests in total (default 16)")
    p.add_argument("--user-agent", help="User-Agent header (default names nianbao and its contact URL)")
    p.add_argument("--max-pages", type=int, metavar="N", help="list pages per column (default 100)")
    p.add_argument("--max-depth", type=int, metavar="N", help="sub-column depth (default 3)")
    p.add_argument("--retry-base", type=float, metavar="SECONDS", help="first retry backoff (default 1)")
    _add_data_dir(p)

    p = sub.add_parser("load", help="write Parquet and build the DuckDB database with its views")
    _add_data_dir(p)

    p = sub.add_parser("export", help="export the wide views and failed checks as CSV or Excel")
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    p.add_argument("--district")
    p.add_argument("--year", type=int)
    p.add_argument("--out", type=Path, help="output directory (default: DATA_DIR/export)")
    _add_data_dir(p)

    p = sub.add_parser(
        "demo", help="serve the offline demo portal and run crawl, extract and load against it"
    )
    p.add_argument("--keep-serving", action="store_true", help="keep the demo portal up after the run")
    p.add_argument("--data-dir", type=Path, default=Path("data/demo-run"))

    p = sub.add_parser("dictionary", help="write the data dictionary (datapackage.json and a markdown page)")
    p.add_argument("--out", type=Path, default=Path("data"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract" and not args.paths or args.command in ("load", "export", "dictionary"):
        from dataset import cli as dataset_cli

        return dataset_cli.run(args)
    if args.command in ("extract", "check"):
        from extract import cli as extract_cli

        return extract_cli.run(args)
    if args.command == "crawl":
        from crawler import run as crawl_run

        return crawl_run.command(args)
    if args.command == "demo":
        from demo import run as demo_run

        return demo_run.command(args, nianbao=main)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
