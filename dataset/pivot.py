"""The wide tables (one row per report, one column per canonical cell), built with polars.

Each column is typed by its codebook unit: counts (件) are Int64, money (万元) Float64.

A SQL PIVOT of 60 million cells takes minutes on two cores because every output
column filters every input row.  Here each cell goes straight to its slot in
one flat column-major array (index = key position × reports + report position),
which is a single scatter: the national year pivots in seconds.  Only the
Parquet files are read, so the result is the same whatever database gets it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .wide import REPORT_COLUMNS, wide_columns


def _scan(parquet_dir: Path, table: str) -> pl.LazyFrame:
    files = sorted(str(p) for p in (parquet_dir / table).rglob("*.parquet"))
    if not files:
        from . import schema as sc

        return pl.DataFrame(schema=sc.BY_NAME[table].schema).lazy()
    return pl.scan_parquet(files, hive_partitioning=False)


def _typed(values: pl.Series, unit: str) -> pl.Series:
    """A count column as Int64 (the extractor keeps counts whole; anything else would be no count)."""
    if unit != "件":
        return values
    return values.set(values != values.floor(), None).cast(pl.Int64)


def wide_frame(parquet_dir: Path, table: str) -> pl.DataFrame:
    cols = wide_columns(table)
    k = len(cols)
    keys = pl.DataFrame(
        {"row": [c.row for c in cols], "col": [c.col for c in cols], "ki": list(range(k))},
        schema={"row": pl.String, "col": pl.String, "ki": pl.Int64},
    )
    reports = _scan(parquet_dir, "reports").select(REPORT_COLUMNS).collect().sort("report_id")
    n = reports.height
    ids = reports.select("report_id").with_row_index("ri").with_columns(pl.col("ri").cast(pl.Int64))
    cells = (
        _scan(parquet_dir, "cells")
        .filter(pl.col("table") == table)
        .select("report_id", "row", "col", "value")
        .join(keys.lazy(), on=["row", "col"])
        .join(ids.lazy(), on="report_id")
        .select((pl.col("ki") * n + pl.col("ri")).alias("i"), "ri", "value")
        .collect()
    )
    flat = pl.repeat(None, n * k, dtype=pl.Float64, eager=True)
    if cells.height:
        flat = flat.scatter(cells["i"], cells["value"])
    present = pl.Series("p", [False] * n, dtype=pl.Boolean)
    if cells.height:
        present = present.scatter(cells["ri"].unique(), True)
    wide = reports.with_columns(
        [_typed(flat.slice(j * n, n), c.unit).alias(c.name) for j, c in enumerate(cols)]
    )
    return wide.filter(present)
