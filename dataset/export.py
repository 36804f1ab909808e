"""``nianbao export``: the wide views and the failed checks for spreadsheet users.

CSV is written UTF-8 with a byte-order mark, because Excel otherwise opens
Chinese text as mojibake; the Excel workbook has one sheet per view and a sheet
mapping the Chinese labels to column names.  Headers are the English column
names (``labels="en"``, what SQL and code use) or the codebook's Chinese labels
(``"zh"``, what a reader of the reports knows); by default CSV gets the names and
Excel the labels.  A filter that matches nothing is refused with the known
values, never answered with header-only files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from .duck import DB_NAME
from .errors import DatasetError
from .labels import VIEW_TITLES, column_labels

EXPORT_VIEWS = ("requests_wide", "active_wide", "review_litigation_wide", "body_year", "check_failures")
LABELS = ("zh", "en")
DEFAULT_LABELS = {"csv": "en", "xlsx": "zh"}


def _known(con: duckdb.DuckDBPyConnection, col: str, where: str = "", params: tuple = ()) -> list:
    sql = f"SELECT DISTINCT {col} FROM reports WHERE {col} IS NOT NULL {where} ORDER BY 1"
    return [r[0] for r in con.execute(sql, list(params)).fetchall()]


def _listing(values: list) -> str:
    shown = ", ".join(str(v) for v in values[:30])
    return (shown + f", … ({len(values)} in all)" if len(values) > 30 else shown) or "none"


def zh_headers(view: str, columns: list[str]) -> dict[str, str]:
    """Column name → Chinese header, unique within the view (a repeated label gets its name beside it)."""
    names = column_labels(view)
    out: dict[str, str] = {}
    for c in columns:
        label = names.get(c, c)
        out[c] = f"{label}（{c}）" if label in out.values() else label
    return out


def check_filters(con: duckdb.DuckDBPyConnection, district: str | None, year: int | None) -> None:
    """DatasetError naming the known values when a filter matches no report."""
    if district is not None and district not in (known := _known(con, "district")):
        raise DatasetError(f"unknown district {district!r}; known districts: {_listing(known)}")
    if year is not None and year not in (known := _known(con, "year")):
        raise DatasetError(f"no reports for year {year}; known years: {_listing(known)}")
    if district is not None and year is not None:
        years = _known(con, "year", "AND district = ?", (district,))
        if year not in years:
            raise DatasetError(f"no reports of {district} for {year}; its years: {_listing(years)}")


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
    labels: str | None = None,
) -> list[Path]:
    data_dir = Path(data_dir)
    db = data_dir / DB_NAME
    if fmt not in DEFAULT_LABELS:
        raise ValueError(f"unknown export format {fmt!r}")
    labels = labels or DEFAULT_LABELS[fmt]
    if labels not in LABELS:
        raise ValueError(f"unknown labels {labels!r} (zh or en)")
    if not db.exists():
        raise DatasetError(f"{db} does not exist: run `nianbao load --data-dir {data_dir}` first")
    suffix = "".join(f"-{x}" for x in (district, year) if x)
    con = duckdb.connect(str(db), read_only=True)
    try:
        check_filters(con, district, year)
        frames = {v: _frame(con, v, district, year) for v in EXPORT_VIEWS}
    finally:
        con.close()
    out = Path(out) if out else data_dir / "export"
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        paths = []
        for view, df in frames.items():
            p = out / f"{view}{suffix}.csv"
            if labels == "zh":
                df = df.rename(zh_headers(view, df.columns))
            df.write_csv(p, include_bom=True)
            paths.append(p)
        return paths
    return [_write_xlsx(out / f"nianbao{suffix}.xlsx", frames, labels)]


def _write_xlsx(path: Path, frames: dict[str, pl.DataFrame], labels: str = "zh") -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    index: list[tuple[str, str, str]] = []
    for view, df in frames.items():
        zh = column_labels(view)
        sheet_name = VIEW_TITLES[view][:31]
        ws = wb.add_worksheet(sheet_name)
        for j, name in enumerate(df.columns):
            label = zh.get(name, name)
            ws.write(0, j, label if labels == "zh" else name, head)
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
