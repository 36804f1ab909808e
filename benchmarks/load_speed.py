"""Load benchmark: a synthetic national year → DuckDB, and two analyst queries.

Generates the Parquet layout ``dataset.parquet`` writes (straight from DuckDB, so
the generator is not what is measured): 200,000 canonical reports of the 2021
format with every canonical cell, plus one attachment copy for half of them, as
crawls of HTML pages with a PDF attachment produce — 300,000 documents and
60 million cells.  Then, in a child process so its peak memory is its own, it
times ``dataset.duck.build_database`` (the ``nianbao load`` database step), a
full ``body_year`` read, and a cross-district ranking.

    .venv/bin/python benchmarks/load_speed.py [--reports 200000] [--dir /tmp/nianbao-bench]

Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RANKING = """
SELECT district, sum(received) AS received, sum(denied) / nullif(sum(processed), 0) AS share_denied,
       sum(lawsuits) AS lawsuits,
       rank() OVER (ORDER BY sum(denied) / nullif(sum(processed), 0) DESC) AS rank_denied
FROM body_year WHERE year = 2024 GROUP BY district ORDER BY rank_denied LIMIT 20
"""


def generate(data_dir: Path, n_reports: int) -> None:
    import duckdb

    from dataset import schema as sc
    from dataset.wide import wide_columns
    from extract import codebook as cb

    pq = data_dir / "parquet"
    keys = [(t.key, r.key, c) for t in cb.tables_for("2021") for r in t.rows for c in r.columns]
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE TABLE keys (k INTEGER, t VARCHAR, r VARCHAR, c VARCHAR)")
    con.executemany("INSERT INTO keys VALUES (?, ?, ?, ?)", [(i, *k) for i, k in enumerate(keys)])
    n_docs = n_reports + n_reports // 2
    # document d: body d % n_reports, canonical when d < n_reports; 2,800 districts
    con.execute(f"""
        CREATE TABLE docs AS SELECT d::INTEGER AS d, (d % {n_reports})::INTEGER AS b FROM range({n_docs}) t(d)""")
    for name in ("reports", "cells", "sections", "checks"):
        (pq / name / "year=2024").mkdir(parents=True, exist_ok=True)
    for name in ("fetches", "bodies", "body_aliases"):
        (pq / name).mkdir(parents=True, exist_ok=True)
    levels = "['district', 'department', 'street', 'township']"
    con.execute(f"""COPY (
        SELECT 'r' || lpad(d::VARCHAR, 15, '0') AS report_id, 'b' || lpad(b::VARCHAR, 12, '0') AS body_id,
               'body ' || b AS agency, 'district ' || (b % 2800) AS district, {levels}[b % 4 + 1] AS level,
               2024::INTEGER AS year, '2021' AS format, DATE '2025-01-20' + (b % 60)::INTEGER AS published_on,
               'https://example.gov.cn/' || d || '.html' AS source_url, '2025-06-01T00:00:00Z' AS fetched_at,
               md5(d::VARCHAR) AS sha256, '1.0.0' AS extractor_version, 'ok' AS status, NULL::VARCHAR AS error,
               'report' AS title, 'text/html' AS media_type,
               CASE WHEN d < {n_reports} THEN 'report' ELSE 'attachment' END AS role, NULL::VARCHAR AS parent_url,
               'src' || (b % 2800) AS source_id, {len(keys)}::INTEGER AS n_cells, 0::INTEGER AS n_failed_checks,
               NULL::VARCHAR AS warnings, d < {n_reports} AS is_canonical
        FROM docs ORDER BY report_id) TO '{pq}/reports/year=2024/part-0.parquet' (FORMAT parquet, COMPRESSION zstd)""")
    con.execute(f"""COPY (
        SELECT 'r' || lpad(d::VARCHAR, 15, '0') AS report_id, t AS "table", r AS "row", c AS col,
               ((hash(d, k) % 50)::DOUBLE) AS value, ((hash(d, k) % 50)::VARCHAR) AS raw,
               '{{"line": ' || k || '}}' AS location
        FROM docs, keys) TO '{pq}/cells/year=2024/part-0.parquet' (FORMAT parquet, COMPRESSION zstd)""")
    con.execute(f"""COPY (SELECT 'r' || lpad(d::VARCHAR, 15, '0') AS report_id, 'overview' AS section,
                           '一、总体情况 …' AS text FROM docs) TO '{pq}/sections/year=2024/part-0.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'r' || lpad(d::VARCHAR, 15, '0') AS report_id, 'requests_balance' AS "check",
                           'total' AS scope, 1.0 AS expected, 1.0 AS actual, 0.0 AS difference,
                           false AS blanks_involved, true AS passed, '' AS detail FROM docs)
                    TO '{pq}/checks/year=2024/part-0.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'https://example.gov.cn/' || d || '.html' AS url, NULL AS final_url,
                           'src' || (b % 2800) AS source_id, 'district ' || (b % 2800) AS district,
                           {levels}[b % 4 + 1] AS level, 'report' AS role, 'ok' AS status, 200 AS http_status
                           FROM docs) TO '{pq}/fetches/fetches.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'b' || lpad(b::VARCHAR, 12, '0') AS body_id, 'district ' || (b % 2800) AS district,
                           'body ' || b AS name, 'body ' || b AS display_name, {levels}[b % 4 + 1] AS level,
                           b % 4 = 0 AS is_government, 2024 AS first_year, 2024 AS last_year, 1 AS n_reports
                           FROM docs WHERE d < {n_reports}) TO '{pq}/bodies/bodies.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'b' || lpad(b::VARCHAR, 12, '0') AS body_id, 'body ' || b AS alias, 1 AS n_reports,
                           2024 AS first_year, 2024 AS last_year FROM docs WHERE d < {n_reports})
                    TO '{pq}/body_aliases/body_aliases.parquet' (FORMAT parquet)""")
    con.close()
    assert sc.CELLS.name == "cells" and wide_columns("requests")


def measure(data_dir: Path) -> None:
    """Runs in the child process."""
    import duckdb

    from dataset.duck import build_database

    t0 = time.perf_counter()
    res = build_database(data_dir)
    load = time.perf_counter() - t0
    con = duckdb.connect(str(res.path), read_only=True)
    t0 = time.perf_counter()
    con.execute("CREATE TEMP TABLE by_all AS SELECT * FROM body_year")
    t_by_query = time.perf_counter() - t0  # the view computed in full, inside DuckDB
    t0 = time.perf_counter()
    n = con.sql("SELECT * FROM body_year").pl().height
    t_by = time.perf_counter() - t0  # computed again and handed to polars, as a notebook reads it
    t0 = time.perf_counter()
    con.execute("SELECT * FROM body_year").fetchall()
    t_by_tuples = time.perf_counter() - t0
    t0 = time.perf_counter()
    con.execute(RANKING).fetchall()
    t_rank = time.perf_counter() - t0
    con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents            {res.tables['reports']:>12,}")
    print(f"cells                {res.tables['cells']:>12,}")
    print(f"load (Parquet→DuckDB, wide tables, views)  {load:8.1f} s")
    print(f"body_year computed in full (temp table)      {t_by_query:8.2f} s")
    print(f"body_year, all {n:,} rows into polars        {t_by:8.2f} s")
    print(f"body_year, all rows as Python tuples         {t_by_tuples:8.2f} s")
    print(f"cross-district ranking                      {t_rank:8.2f} s")
    print(f"peak memory (load + queries)                {peak:8.0f} MiB")
    print(f"database size                               {res.path.stat().st_size / 2**20:8.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=200_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench"))
    ap.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure_only:
        measure(a.dir)
        return
    import shutil

    shutil.rmtree(a.dir, ignore_errors=True)
    a.dir.mkdir(parents=True)
    t0 = time.perf_counter()
    generate(a.dir, a.reports)
    print(f"generated synthetic Parquet in {time.perf_counter() - t0:.1f} s (not part of the load)")
    subprocess.run([sys.executable, __file__, "--measure-only", "--dir", str(a.dir)], check=True)


if __name__ == "__main__":
    main()
