"""Every table and view the README lists exists in a built database (issue 9, item 23)."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def test_readme_view_names_exist(corpus_db):
    import duckdb

    data_dir, _ = corpus_db
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    zh = README.split("主要视图：")[1].split("五个分析问题")[0]
    en = README.split("\nTables `reports`")[1].split("Five analyst questions")[0]
    listed = set(re.findall(r"`([a-z_][a-z_.]*)`", zh + en)) - {"processing_fee_yuan", "row", "col"}
    missing = sorted(n for n in listed if n not in names)
    assert not missing, missing
