"""``nianbao demo``: the whole job, offline, in one command.

Generates the demo portal from ``data/demo/figures.json``, serves it on
127.0.0.1, writes a registry for it and runs crawl → extract → load → audit through the
ordinary command line (same code and settings as a real crawl; the registry
rows differ only in ``allow_private=true``, which lets the crawler reach the
loopback address, and in the per-host ``delay``/``per_host`` columns any
registry row may set).  Then prints bodies × key figures and the failed checks.
"""

from __future__ import annotations

import csv
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from . import figures as figures_mod
from .portal import build_site, start_urls
from .server import DemoServer

MARKER = ".nianbao-demo"
REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "analyst.ipynb"
#: politeness for the loopback demo server, as registry columns (a real portal keeps the 1 s default)
DEMO_DELAY = "0.01"
DEMO_PER_HOST = "4"
_LEVEL_ORDER = {"district": 0, "department": 1, "street": 2, "township": 3}


class DemoError(RuntimeError):
    pass


def prepare_dir(data_dir: Path) -> None:
    """An empty data directory for this run: a previous demo run is cleared, anything else refused."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise DemoError(f"{data_dir} exists and is not a demo run directory; choose another --data-dir")
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text(
        "written by `nianbao demo`; the directory is cleared on the next demo run\n"
    )


def write_registry(path: Path, figures: dict, base_url: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "district", "agency", "level", "start_url", "cms", "allow_private", "delay", "per_host",
                    "max_depth", "note"])  # fmt: skip
        for sid, agency, level, url, depth in start_urls(figures, base_url):
            w.writerow([sid, figures["district"], agency, level, url, "trs", "true", DEMO_DELAY, DEMO_PER_HOST,
                        depth, "demo portal on loopback"])  # fmt: skip
    return path


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def table(head: list[str], rows: list[list], right: set[int] | None = None) -> str:
    """A plain text table that lines up Chinese text (two columns per wide character)."""
    right = right or set()
    cells = [[("" if v is None else str(v)) for v in r] for r in [head, *rows]]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(head))]

    def fmt_row(r: list[str]) -> str:
        out = []
        for i, v in enumerate(r):
            pad = " " * (widths[i] - _width(v))
            out.append(pad + v if i in right else v + pad)
        return "  ".join(out).rstrip()

    lines = [fmt_row(cells[0]), "  ".join("-" * w for w in widths)]
    return "\n".join([*lines, *(fmt_row(r) for r in cells[1:])])


def _pct(v) -> str:
    return "" if v is None else f"{100 * v:.0f}%"


def _num(v) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def summary(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """SELECT agency, level, year, received, processed, share_granted, denied,
                      unavailable, not_processed, reviews, lawsuits, licensing_decisions
               FROM body_year"""
        ).fetchall()
        rows.sort(key=lambda r: (_LEVEL_ORDER.get(r[1], 9), r[0], r[2]))
        out = ["Bodies × key figures (canonical report per body and year):", ""]
        out.append(table(
            ["body", "year", "received", "processed", "granted", "denied", "unavailable", "not processed",
             "reviews", "lawsuits", "licensing"],
            [[r[0], r[2], _num(r[3]), _num(r[4]), _pct(r[5]), _num(r[6]), _num(r[7]), _num(r[8]), _num(r[9]),
              _num(r[10]), _num(r[11])] for r in rows],
            right=set(range(1, 11)),
        ))  # fmt: skip
        fails = con.execute(
            """SELECT agency, year, "check", scope, expected, actual, difference, blanks_involved
               FROM check_failures ORDER BY agency, year, "check", scope"""
        ).fetchall()
        out += ["", f"Failed checks ({len(fails)}):", ""]
        if fails:
            out.append(table(
                ["report", "year", "check", "scope", "expected", "actual", "difference"],
                [[f[0], f[1], f[2], f[3], _num(f[4]), _num(f[5]), _num(f[6])] for f in fails],
                right={1, 4, 5, 6},
            ))  # fmt: skip
        else:
            out.append("  none")
        try:
            blocked = con.execute(
                "SELECT url, error FROM fetches WHERE status = 'blocked' ORDER BY url"
            ).fetchall()
        except duckdb.Error:
            blocked = []
        if blocked:
            out += ["", f"Blocked pages ({len(blocked)}), recorded in the crawl ledger, not archived:"]
            out += [f"  {e or u}" for u, e in blocked]
    finally:
        con.close()
    return "\n".join(out)


def command(args, nianbao: Callable[[list[str]], int]) -> int:
    """Run the demo; ``nianbao`` is the command line's own entry point, so each
    step runs exactly as a user's command would (the command line sits above
    this module and hands itself down, rather than being imported from below)."""
    started = time.monotonic()
    data_dir = Path(args.data_dir)
    try:
        prepare_dir(data_dir)
    except DemoError as e:
        print(f"nianbao demo: {e}", file=sys.stderr)
        return 2
    figures = figures_mod.load()
    site, docs = build_site(figures)
    server = DemoServer(site).start()
    try:
        registry = write_registry(data_dir / "demo-sources.csv", figures, server.base_url)
        print(f"demo portal ({len(site)} pages and files, {len(docs)} reports of {figures['district']}) "
              f"serving at {server.base_url}/")  # fmt: skip
        print(f"registry: {registry}\n")
        steps = [
            ["crawl", "--sources", str(registry), "--data-dir", str(data_dir), "--no-progress"],
            ["extract", "--data-dir", str(data_dir)],
            ["load", "--data-dir", str(data_dir)],
            [
                "audit",
                "--data-dir",
                str(data_dir),
                "--district",
                figures["district"],
                "--out",
                str(data_dir / "audit"),
            ],
        ]
        for argv in steps:
            print(f"$ nianbao {' '.join(argv)}", flush=True)
            rc = nianbao(argv)
            sys.stdout.flush()
            if rc:
                print(f"nianbao demo: step `{argv[0]}` failed (exit {rc})", file=sys.stderr)
                return rc
            print()
        db = data_dir / "nianbao.duckdb"
        print(summary(db))
        print()
        print(f"DuckDB database: {db.resolve()}")
        print(f"Notebook:        {NOTEBOOK}  (set NIANBAO_DB={db.resolve()} to read this run)")
        print(f"Query it:        nianbao sql --db {db.resolve()}   (make notebook opens the notebook)")
        print(
            f"Audit:           {(data_dir / 'audit' / 'index.html').resolve()}  (opens from disk in a browser)"
        )
        print(f"demo finished in {time.monotonic() - started:.1f} s")
        if getattr(args, "keep_serving", False):
            print(f"\ndemo portal still serving at {server.base_url}/ — press Ctrl-C to stop", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
        return 0
    finally:
        server.stop()
