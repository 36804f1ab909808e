"""``nianbao export``: the wide views and the failed checks for spreadsheet users.

CSV is written UTF-8 with a byte-order mark, because Excel otherwise opens
Chinese text as mojibake; the Excel workbook has one sheet per view with the
codebook's Chinese labels as headers and a sheet mapping them to column names.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from .duck import DB_NAME, DatasetError
from .labels import VIEW_TITLES, column_labels

EXPORT_VIEWS = ("requests_wide", "active_wide", "review_litigation_wide", "body_year", "check_failures")


def _frame(con: duckdb.DuckDBPyConnection, view: str, district: str | None, year: int | None) -> pl.DataFrame:
    where, params = [], []
    if district:
        where.append("district = ?")
        params.append(district)
    if year:
        where.append("year = ?")
        params.append(year)
    sql = f"SELECT * FROM {view}" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY ALL"
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def export(
    data_dir: Path,
    fmt: str = "csv",
    district: str | None = None,
    year: int | None = None,
    out: Path | None = None,
) -> list[Path]:
    data_dir = Path(data_dir)
    db = data_dir / DB_NAME
    if not db.exists():
        raise DatasetError(f"{db} does not exist: run `nianbao load --data-dir {data_dir}` first")
    out = Path(out) if out else data_dir / "export"
    out.mkdir(parents=True, exist_ok=True)
    suffix = "".join(f"-{x}" for x in (district, year) if x)
    con = duckdb.connect(str(db), read_only=True)
    try:
        frames = {v: _frame(con, v, district, year) for v in EXPORT_VIEWS}
    finally:
        con.close()
    if fmt == "csv":
        paths = []
        for view, df in frames.items():
            p = out / f"{view}{suffix}.csv"
            df.write_csv(p, include_bom=True)
            paths.append(p)
        return paths
    if fmt == "xlsx":
        return [_write_xlsx(out / f"nianbao{suffix}.xlsx", frames)]
    raise ValueError(f"unknown export format {fmt!r}")


def _write_xlsx(path: Path, frames: dict[str, pl.DataFrame]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    index: list[tuple[str, str, str]] = []
    for view, df in frames.items():
        labels = column_labels(view)
        sheet_name = VIEW_TITLES[view][:31]
        ws = wb.add_worksheet(sheet_name)
        for j, name in enumerate(df.columns):
            label = labels.get(name, name)
            ws.write(0, j, label, head)
            index.append((sheet_name, label, name))
        for i, row in enumerate(df.iter_rows(), start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                ws.write(i, j, v if isinstance(v, int | float | str | bool) else str(v))
        ws.freeze_panes(1, 1)
    ws = wb.add_worksheet("字段说明")
    for j, h in enumerate(("工作表", "中文名称", "字段名")):
        ws.write(0, j, h, head)
    for i, row in enumerate(index, start=1):
        ws.write_row(i, 0, row)
    wb.close()
    return path
