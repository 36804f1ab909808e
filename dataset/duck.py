"""Build ``DATA_DIR/nianbao.duckdb`` from the Parquet tables, atomically.

The database is built under a temporary name next to the target and renamed
over it only when every table and view is in place, so a failed build (a
corrupt Parquet file, a full disk) leaves the previous database usable.  Base
tables are copied into DuckDB rather than read through ``read_parquet`` views,
and the three wide tables are materialised at load time: analysts' queries
then never pay for parsing Parquet or pivoting 60 million cells.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from . import schema as sc
from .errors import DatasetError
from .parquet import PARQUET_DIR, remove_stale_temps
from .pivot import wide_frame
from .wide import WIDE_VIEWS, render

DB_NAME = "nianbao.duckdb"
_DUCK_TYPES = {pl.String: "VARCHAR", pl.Int32: "INTEGER", pl.Int64: "BIGINT", pl.Float64: "DOUBLE",
               pl.Boolean: "BOOLEAN", pl.Date: "DATE"}  # fmt: skip


@dataclass
class BuildResult:
    path: Path
    tables: dict[str, int]
    views: list[str]


def duck_type(dtype: pl.DataType) -> str:
    return _DUCK_TYPES[dtype.base_type()]


def view_sql() -> list[tuple[str, str]]:
    """(file name, rendered SQL) of every view file, in name order."""
    files = sorted(p for p in resources.files("dataset").joinpath("sql").iterdir() if p.name.endswith(".sql"))
    return [(p.name, render(p.read_text("utf-8"))) for p in files]


def parquet_files(parquet_dir: Path, table: str) -> list[Path]:
    return sorted((parquet_dir / table).rglob("*.parquet"))


#: columns left in Parquet only (read through a view): unique per row, so costly to copy
PARQUET_ONLY = {"cells": ("location",)}


def _load_table(con: duckdb.DuckDBPyConnection, spec: sc.TableSpec, files: list[Path]) -> None:
    skip = PARQUET_ONLY.get(spec.name, ())
    fields = [f for f in spec.fields if f.name not in skip]
    cols = ", ".join(f'"{f.name}" {duck_type(f.dtype)}' for f in fields)
    names = "* EXCLUDE (" + ", ".join(f'"{n}"' for n in skip) + ")" if skip else "*"
    con.execute(f'CREATE TABLE "{spec.name}" ({cols})')
    for f in files:
        try:
            con.execute(
                f"INSERT INTO \"{spec.name}\" BY NAME SELECT {names} FROM read_parquet('{_lit(f)}', hive_partitioning = false)"
            )
        except duckdb.Error as e:
            raise DatasetError(f"cannot load {f} into table {spec.name}: {e}") from e


def _load_wide(con: duckdb.DuckDBPyConnection, parquet_dir: Path, table: str, view: str, tmp: Path) -> None:
    part = tmp.with_name(f"{tmp.name}.{view}.parquet")
    try:
        wide_frame(parquet_dir, table).write_parquet(part, compression="uncompressed")
        con.execute(f"CREATE TABLE {view} AS SELECT * FROM read_parquet('{_lit(part)}') ORDER BY report_id")
    finally:
        part.unlink(missing_ok=True)


def _cell_locations_view(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """Where each cell was printed, read from the Parquet files when asked for (absolute paths)."""
    if files:
        src = (
            "read_parquet(["
            + ", ".join(f"'{_lit(f.resolve())}'" for f in files)
            + "], hive_partitioning = false)"
        )
        con.execute(
            f'CREATE VIEW cell_locations AS SELECT report_id, "table", "row", col, location FROM {src}'
        )
    else:
        con.execute('CREATE VIEW cell_locations AS SELECT report_id, "table", "row", col, '
                    "NULL::VARCHAR AS location FROM cells WHERE false")  # fmt: skip


def _lit(p: Path) -> str:
    return str(p).replace("'", "''")


def build_database(data_dir: Path, db_path: Path | None = None, threads: int | None = None) -> BuildResult:
    """Parquet under DATA_DIR/parquet → DATA_DIR/nianbao.duckdb with every view; returns row counts."""
    data_dir = Path(data_dir)
    parquet_dir = data_dir / PARQUET_DIR
    target = Path(db_path) if db_path else data_dir / DB_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    remove_stale_temps(target.parent.glob(f".{target.name}.tmp-*"))
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("SET preserve_insertion_order = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for spec in sc.TABLES:
            _load_table(con, spec, parquet_files(parquet_dir, spec.name))
        for table, view in WIDE_VIEWS.items():
            _load_wide(con, parquet_dir, table, view, tmp)
        _cell_locations_view(con, parquet_files(parquet_dir, "cells"))
        views = []
        for name, sql in view_sql():
            try:
                con.execute(sql)
            except duckdb.Error as e:
                raise DatasetError(f"view file {name}: {e}") from e
            views.append(name)
        tables = {
            t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # type: ignore[index]
            for t in [s.name for s in sc.TABLES] + list(WIDE_VIEWS.values())
        }
        con.execute("CHECKPOINT")
        con.close()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    return BuildResult(target, tables, views)


def connect(data_dir: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Path(data_dir) / DB_NAME), read_only=read_only)
