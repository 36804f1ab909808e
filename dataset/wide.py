"""SQL generated from the codebook: the wide tables' columns and the group sums.

Nothing here names a row or column by hand except the codebook's group labels,
so a codebook change flows into the views, the export and the dictionary alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from extract import codebook as cb

WIDE_VIEWS = {
    "requests": "requests_wide",
    "active": "active_wide",
    "review_litigation": "review_litigation_wide",
}
#: report columns repeated at the front of each wide table
REPORT_COLUMNS = (
    "report_id",
    "body_id",
    "agency",
    "district",
    "level",
    "year",
    "format",
    "status",
    "is_canonical",
)


@dataclass(frozen=True)
class WideColumn:
    name: str  # row__col
    table: str
    row: str
    col: str
    row_label: str
    col_label: str
    unit: str

    @property
    def label(self) -> str:
        """The Chinese header: row label ｜ column label (unit)."""
        return f"{self.row_label}｜{self.col_label}（{self.unit}）"


def column_name(row: str, col: str) -> str:
    return f"{row}__{col}"


def wide_columns(table: str) -> list[WideColumn]:
    """Every canonical cell of ``table`` over both formats, in codebook order."""
    return [
        WideColumn(column_name(r, c), t, r, c, rl, cl, u)
        for t, r, c, rl, cl, u in cb.all_cells()
        if t == table
    ]


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def wide_table_sql(table: str, cells_from: str = "cells") -> str:
    """CREATE TABLE <table>_wide: one row per report, one column per canonical cell (PIVOT)."""
    cols = wide_columns(table)
    keys = ", ".join(_q(c.name) for c in cols)
    select = ", ".join(f'p."{c.name}"' for c in cols)
    head = ", ".join(f"r.{c}" for c in REPORT_COLUMNS)
    return f"""
CREATE TABLE {WIDE_VIEWS[table]} AS
WITH p AS (
    PIVOT (SELECT report_id, "row" || '__' || col AS k, value FROM {cells_from} WHERE "table" = {_q(table)})
    ON k IN ({keys}) USING max(value) GROUP BY report_id
)
SELECT {head}, {select}
FROM reports r JOIN p USING (report_id)
ORDER BY r.report_id
"""


def _rows_in_group(table: str, group_prefix: str) -> list[str]:
    seen: list[str] = []
    for fmt in ("2021", "2019"):
        for r in cb.table(table, fmt).rows:
            if r.group.startswith(group_prefix) and r.key not in seen:
                seen.append(r.key)
    return seen


def group_sum(table: str, group_prefix: str, col: str, alias: str = "q") -> str:
    """Sum (blanks as 0) of the rows printed under a group label, e.g. （三）不予公开."""
    rows = _rows_in_group(table, group_prefix)
    if group_prefix == "（六）":  # the 2019 format prints （六）其他处理 as one row under 三、
        rows += [r.key for r in cb.REQUESTS_2019.rows if r.label.startswith(group_prefix)]
    return "(" + " + ".join(f'coalesce({alias}."{column_name(r, col)}", 0)' for r in rows) + ")"


def fragments() -> dict[str, str]:
    """Named SQL fragments the hand-written view files use as {{name}}."""
    return {
        "denied_total": group_sum("requests", "（三）", "total"),
        "unavailable_total": group_sum("requests", "（四）", "total"),
        "rejected_total": group_sum("requests", "（五）", "total"),
        "other_total": group_sum("requests", "（六）", "total"),
        "lawsuits_total": group_sum("review_litigation", "行政诉讼", "total", "l"),
        "lawsuits_corrected": group_sum("review_litigation", "行政诉讼", "corrected", "l"),
    }


def render(sql: str) -> str:
    for name, frag in fragments().items():
        sql = sql.replace("{{" + name + "}}", frag)
    if "{{" in sql:
        raise ValueError(f"unknown placeholder in view SQL: {sql[sql.index('{{') :][:40]}")
    return sql
