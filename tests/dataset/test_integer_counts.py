"""Counts are integers (BIGINT) in the wide tables, body_year, the chains and the exports;
money (万元) keeps its decimals; the long cells table says each value's unit (issue 9, item 12)."""

from __future__ import annotations

import duckdb

from extract.pipeline import extract
from nianbao.cli import main
from tests.extract import builders as b


def _types(data_dir, view: str) -> dict[str, str]:
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    try:
        return {name: str(t) for name, t, *_ in con.execute(f"DESCRIBE {view}").fetchall()}
    finally:
        con.close()


def test_count_columns_are_bigint_money_double(corpus_db):
    data_dir, _ = corpus_db
    req = _types(data_dir, "requests_wide")
    assert req["new_received__total"] == "BIGINT"
    act = _types(data_dir, "active_wide")
    assert act["administrative_fees__amount_10k_yuan"] == "DOUBLE"
    assert act["administrative_licensing__decisions"] == "BIGINT"
    by = _types(data_dir, "body_year")
    for col in ("received", "processed", "denied", "reviews", "lawsuits", "licensing_decisions"):
        assert by[col] == "BIGINT", col
    assert by["fees_10k_yuan"] == "DOUBLE" and by["share_granted"] == "DOUBLE"
    for view in ("carry_over_chain", "active_in_force_chain", "check_failures"):
        t = _types(data_dir, view)
        assert t["expected"] == t["actual"] == t["difference"] == "BIGINT", view
    cells = _types(data_dir, "cells")
    assert cells["unit"] == "VARCHAR"


def test_cells_carry_their_unit(corpus_db):
    data_dir, _ = corpus_db
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    units = dict(con.execute("SELECT col, any_value(unit) FROM cells GROUP BY col").fetchall())
    con.close()
    assert units["amount_10k_yuan"] == "万元" and units["total"] == "件"


def test_csv_export_prints_counts_without_decimals(corpus_db, tmp_path):
    data_dir, _ = corpus_db
    assert main(["export", "--data-dir", str(data_dir), "--out", str(tmp_path)]) == 0
    text = (tmp_path / "body_year.csv").read_text("utf-8-sig")
    header, *rows = text.splitlines()
    cols = header.split(",")
    pingtan = next(r.split(",") for r in rows if "平潭综合实验区" in r and ",2022," in r)
    assert pingtan[cols.index("received")] == "74"
    for col in ("received", "processed", "granted", "reviews", "lawsuits", "licensing_decisions"):
        values = [r.split(",")[cols.index(col)] for r in rows]
        assert values and not any("." in v for v in values), (col, values)  # never 13.0


def test_a_count_with_a_fraction_is_not_a_count():
    t = b.text_rows_report().decode().replace("（七）总计 | 44 |", "（七）总计 | 44.5 |")
    ex = extract(t.encode(), name="r.txt")
    cell = next(c for c in ex.cells if (c.row, c.col) == ("total_processed", "natural_person"))
    assert cell.value is None and cell.raw == "44.5"
    assert any("count with a fraction '44.5'" in w for w in ex.report.warnings)
    assert all(isinstance(c.value, int) for c in ex.cells if c.value is not None and c.table == "requests")
