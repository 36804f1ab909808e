"""``nianbao sql``: query the database without a DuckDB shell installed.

The Python package ships no ``duckdb`` command, so the README's questions need a
way that works right after ``make demo``: one query printed as a table (or CSV),
a packaged question by number, or an interactive prompt when no query is given.
The database is opened read-only, so a query can never change the dataset.
"""

from __future__ import annotations

import contextlib
import csv
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import duckdb

from .errors import DatasetError

PROMPT, MORE = "nianbao> ", "     ...> "
HELP = (
    "End a query with ';'.  .tables lists tables and views, .schema NAME its columns, "
    ".questions the README's five questions (.question N runs one), .quit or Ctrl-D leaves."
)


@dataclass(frozen=True)
class Question:
    number: int
    title: str
    sql: str


def questions() -> list[Question]:
    """The README's analyst questions, shipped as SQL files (dataset/questions/N_*.sql)."""
    out = []
    for p in sorted(resources.files("dataset").joinpath("questions").iterdir(), key=lambda p: p.name):
        if p.name.endswith(".sql"):
            text = p.read_text("utf-8")
            first = text.splitlines()[0].removeprefix("--").strip()
            out.append(Question(int(p.name.split("_", 1)[0]), first, text))
    return out


def question(number: int) -> Question:
    for q in questions():
        if q.number == number:
            return q
    known = ", ".join(str(q.number) for q in questions())
    raise DatasetError(f"no question {number} (there are {known})")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _text(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return f"{v:.10g}"
    return str(v)


def text_table(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table that lines up Chinese text; numbers right-aligned."""
    cells = [list(names)] + [[_text(v) for v in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(names))]
    numeric = [bool(rows) and all(isinstance(r[i], int | float) or r[i] is None for r in rows)
               for i in range(len(names))]  # fmt: skip

    def line(r: list[str]) -> str:
        return "  ".join(
            " " * (w - _width(v)) + v if num else v + " " * (w - _width(v))
            for v, w, num in zip(r, widths, numeric, strict=True)
        ).rstrip()

    body = [line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])]
    n = len(rows)
    return "\n".join(body) + f"\n({n} row{'s' if n != 1 else ''})"


def open_db(db: Path) -> duckdb.DuckDBPyConnection:
    if not db.exists():
        raise DatasetError(
            f"no database at {db} — run `nianbao load --data-dir {db.parent}` "
            "(`make demo` writes data/demo-run/nianbao.duckdb)"
        )
    try:
        return duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise DatasetError(f"cannot open {db}: {e}") from e


def run_query(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO, as_csv: bool = False) -> None:
    """Execute one query and print its result; duckdb.Error propagates to the caller."""
    cur = con.execute(sql)
    if cur.description is None:
        return
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if as_csv:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
    else:
        out.write(text_table(names, rows) + "\n")


def _dot_command(con: duckdb.DuckDBPyConnection, cmd: str, out: TextIO) -> bool:
    """Handle a .command; False means leave."""
    word, _, arg = cmd.strip().partition(" ")
    if word in (".quit", ".exit", "\\q"):
        return False
    if word == ".tables":
        run_query(con, "SELECT table_name AS name, table_type AS kind FROM information_schema.tables "
                       "ORDER BY table_type, table_name", out)  # fmt: skip
    elif word == ".schema" and arg:
        run_query(con, f"DESCRIBE {arg.strip()}", out)
    elif word == ".questions":
        for q in questions():
            out.write(f"{q.title}\n")
    elif word == ".question" and arg.strip().isdigit():
        run_query(con, question(int(arg)).sql, out)
    else:
        out.write(HELP + "\n")
    return True


def interactive(
    con: duckdb.DuckDBPyConnection, out: TextIO = sys.stdout, read: Callable[[str], str] = input
) -> int:
    """A prompt: statements end with ';', dot-commands stand alone; errors are printed, not fatal."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - line editing and history where the platform has it
    out.write(f"nianbao sql — {HELP}\n")
    buf: list[str] = []
    while True:
        try:
            line = read(MORE if buf else PROMPT)
        except EOFError:
            out.write("\n")
            if "".join(buf).strip():  # a last statement without its ';' (piped input)
                try:
                    run_query(con, "\n".join(buf), out)
                except duckdb.Error as e:
                    out.write(f"error: {e}\n")
            break
        except KeyboardInterrupt:
            out.write("\n")
            buf.clear()
            continue
        if not buf and line.strip().startswith((".", "\\")):
            try:
                if not _dot_command(con, line, out):
                    break
            except (duckdb.Error, DatasetError) as e:
                out.write(f"error: {e}\n")
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            try:
                run_query(con, "\n".join(buf), out)
            except duckdb.Error as e:
                out.write(f"error: {e}\n")
            buf.clear()
    return 0


def command(args) -> int:
    """``nianbao sql [QUERY] [-f FILE] [--question N] [--csv]``."""
    db = Path(args.db) if args.db else Path(args.data_dir) / "nianbao.duckdb"
    sources = [x for x in (args.query, args.file, args.question) if x is not None]
    if len(sources) > 1:
        print("nianbao sql: give one of QUERY, --file or --question", file=sys.stderr)
        return 2
    try:
        if args.file is not None:
            try:
                sql = Path(args.file).read_text("utf-8")
            except OSError as e:
                raise DatasetError(f"cannot read {args.file}: {e.strerror or e}") from e
        elif args.question is not None:
            sql = question(args.question).sql
        else:
            sql = args.query
        con = open_db(db)
    except DatasetError as e:
        print(f"nianbao sql: {e}", file=sys.stderr)
        return 2
    try:
        if sql is None:
            return interactive(con)
        try:
            run_query(con, sql, sys.stdout, as_csv=args.csv)
        except duckdb.Error as e:
            print(f"nianbao sql: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        return 0
    finally:
        con.close()
