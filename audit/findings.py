"""What the audit says about each body, read once from the database into plain records.

The site and the workbook both render these records, so the two can never
disagree; nothing here writes files.  Checks are shown generically: any row of
``checks`` that failed is a finding, labelled from the codebook when it knows
the check and by its id otherwise, so checks added later need no change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dataset.duck import DB_NAME
from dataset.errors import DatasetError
from dataset.export import check_filters
from extract import codebook as cb

TEXT_VS_TABLE = "text_vs_table"


def cell_labels() -> dict[tuple[str, str, str], str]:
    """(table, row, col) → "row label ｜ column label", from the codebook."""
    return {(t, r, c): f"{rl}｜{cl}" for t, r, c, rl, cl, _unit in cb.all_cells()}


@dataclass
class Failure:
    report_id: str
    check: str
    label: str
    scope: str
    expected: int | None
    actual: int | None
    difference: int | None
    detail: str
    evidence: str


@dataclass
class CarryBreak:
    report_id: str
    prev_report_id: str
    scope: str
    carried_forward_last_year: int | None
    carried_over_this_year: int | None
    difference: int | None


@dataclass
class Revision:
    url: str
    table: str
    row: str
    col: str
    label: str
    old_value: float | None
    new_value: float | None
    old_seen: str
    new_seen: str


@dataclass
class BodyYear:
    body_id: str
    name: str
    level: str
    district: str
    year: int
    report_id: str | None = None
    status: str | None = None
    format: str | None = None
    title: str | None = None
    media_type: str | None = None
    source_url: str | None = None
    sha256: str | None = None
    published_on: str | None = None
    deadline: str | None = None
    days_after_deadline: int | None = None
    on_time: bool | None = None
    n_cells: int | None = None
    cells_expected: int | None = None
    missing_rows: str | None = None
    failures: list[Failure] = field(default_factory=list)
    carry_breaks: list[CarryBreak] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.report_id is not None

    @property
    def text_vs_table(self) -> list[Failure]:
        return [f for f in self.failures if f.check == TEXT_VS_TABLE]

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.body_id}"


@dataclass
class Audit:
    district: str
    year: int
    bodies: list[BodyYear]

    def totals(self) -> dict[str, int]:
        found = [b for b in self.bodies if b.found]
        return {
            "bodies": len(self.bodies),
            "found": len(found),
            "missing": len(self.bodies) - len(found),
            "on_time": sum(1 for b in found if b.on_time),
            "partial": sum(1 for b in found if b.status == "partial"),
            "with_failed_checks": sum(1 for b in found if b.failures or b.carry_breaks),
            "revised": sum(1 for b in found if b.revisions),
        }


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _has(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()[0]
                or con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0])  # fmt: skip


def open_database(data_dir: Path) -> duckdb.DuckDBPyConnection:
    db = Path(data_dir) / DB_NAME
    if not Path(data_dir).is_dir():
        raise DatasetError(f"{data_dir} is not a directory")
    if not db.exists():
        raise DatasetError(f"{db} does not exist: run `nianbao load --data-dir {data_dir}` first")
    return duckdb.connect(str(db), read_only=True)


def district_years(
    con: duckdb.DuckDBPyConnection, district: str | None, year: int | None
) -> list[tuple[str, int]]:
    """Every (district, year) the filters select; unknown values are refused with the known ones."""
    check_filters(con, district, year)
    sql = "SELECT DISTINCT district, year FROM reports WHERE district IS NOT NULL AND year IS NOT NULL"
    params: list = []
    if district is not None:
        sql += " AND district = ?"
        params.append(district)
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    return [(d, y) for d, y in con.execute(sql + " ORDER BY 1, 2", params).fetchall()]


def audit(con: duckdb.DuckDBPyConnection, district: str, year: int) -> Audit:
    """One district and year: every known body, found or missing, with its findings."""
    bodies = _rows(
        con,
        """SELECT b.body_id, coalesce(b.display_name, b.name) AS name, b.level, b.district,
                  r.report_id, r.status, r.format, r.title, r.media_type, r.source_url, r.sha256,
                  CAST(t.published_on AS VARCHAR) AS published_on, CAST(t.deadline AS VARCHAR) AS deadline,
                  t.days_after_deadline, t.on_time, r.n_cells, r.cells_expected, r.missing_rows
           FROM bodies b
           LEFT JOIN reports r ON r.body_id = b.body_id AND r.year = ? AND r.is_canonical
           LEFT JOIN timeliness t ON t.report_id = r.report_id
           WHERE b.district = ?
           ORDER BY b.level, name""",
        [year, district],
    )
    out = {b["body_id"]: BodyYear(year=year, **b) for b in bodies}
    by_report = {b.report_id: b for b in out.values() if b.report_id}
    if not by_report:
        return Audit(district, year, list(out.values()))
    ids = list(by_report)
    for f in _rows(
        con,
        """SELECT report_id, "check", scope, expected, actual, difference, coalesce(detail, '') AS detail,
                  coalesce(evidence, '') AS evidence
           FROM checks WHERE NOT passed AND list_contains(?, report_id) ORDER BY "check", scope""",
        [ids],
    ):
        by_report[f["report_id"]].failures.append(Failure(label=cb.check_label(f["check"]), **f))
    for k in _rows(
        con,
        """SELECT report_id, prev_report_id, scope, expected AS carried_forward_last_year,
                  actual AS carried_over_this_year, difference
           FROM carry_over_chain WHERE NOT passed AND list_contains(?, report_id) ORDER BY scope""",
        [ids],
    ):
        by_report[k["report_id"]].carry_breaks.append(CarryBreak(**k))
    if _has(con, "revisions"):
        labels = cell_labels()
        for v in _rows(
            con,
            """SELECT report_id, url, "table", "row", col, old_value, new_value, old_seen, new_seen
               FROM revisions WHERE list_contains(?, report_id) ORDER BY new_seen, "table", "row", col""",
            [ids],
        ):
            rid = v.pop("report_id")
            key = (v["table"], v["row"], v["col"])
            by_report[rid].revisions.append(Revision(label=labels.get(key, ".".join(key)), **v))
    return Audit(district, year, list(out.values()))


def behind(failure: Failure, cells: list[dict]) -> list[dict]:
    """The cells a failed check stands on: its scope is a column or a row of the report's tables."""
    return [c for c in cells if failure.scope in (c["col"], c["row"])][:16]


def cells_for(con: duckdb.DuckDBPyConnection, report_id: str) -> list[dict]:
    """Every cell of a report with its label and printed text: the table behind the failed checks."""
    labels = cell_labels()
    rows = _rows(
        con,
        """SELECT "table", "row", col, value, raw, method, uncertain FROM cells WHERE report_id = ?
           ORDER BY "table", "row", col""",
        [report_id],
    )
    for r in rows:
        r["label"] = labels.get((r["table"], r["row"], r["col"]), f"{r['table']}.{r['row']}.{r['col']}")
    return rows
