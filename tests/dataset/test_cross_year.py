"""The cross-year checks, idempotency and the atomic build, on a synthetic two-year body."""

from __future__ import annotations

import json

import duckdb
import pytest

from dataset import duck, parquet
from dataset.results import result_path, write_atomic
from extract.pipeline import EXTRACTOR_VERSION

from .conftest import FakeArchive

COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total")  # fmt: skip


def _cells(carried_over: int, carried_forward: int, in_force: int, issued: int, repealed: int) -> list[dict]:
    cells = []
    for col in COLS:
        v = 0 if col != "natural_person" and col != "total" else None
        co = carried_over if col in ("natural_person", "total") else v
        cf = carried_forward if col in ("natural_person", "total") else v
        cells += [
            {
                "table": "requests",
                "row": "carried_over",
                "col": col,
                "value": co,
                "raw": str(co),
                "location": {},
            },
            {
                "table": "requests",
                "row": "carried_forward",
                "col": col,
                "value": cf,
                "raw": str(cf),
                "location": {},
            },
        ]
    for col, v in (("issued", issued), ("repealed", repealed), ("in_force", in_force)):
        cells.append({"table": "active", "row": "normative_documents", "col": col, "value": v, "raw": str(v),
                      "location": {"line": 3}})  # fmt: skip
    return cells


def _record(agency: str, year: int, cells: list[dict]) -> dict:
    report = {"source": "", "media_type": "text/html", "status": "ok", "agency": agency, "year": year,
              "format": "2021", "title": f"{agency}{year}年政府信息公开工作年度报告", "published_on": None,
              "sections": {"overview": "一、总体情况"}, "warnings": []}  # fmt: skip
    return {"status": "ok", "error": None, "extractor_version": EXTRACTOR_VERSION, "report": report,
            "cells": cells, "checks": []}  # fmt: skip


@pytest.fixture
def two_years(tmp_path):
    arc = FakeArchive()
    spec = [
        ("重庆市巴南区人民政府南彭街道办事处", 2022, _cells(1, 3, 10, 2, 1)),
        (
            "巴南区南彭街道",
            2023,
            _cells(2, 0, 12, 3, 0),
        ),  # carried_over 2 != 3 carried forward; 10+3-0=13 != 12
        ("南彭街道办事处", 2024, _cells(0, 0, 12, 0, 0)),  # chains hold
    ]
    for i, (agency, year, cells) in enumerate(spec):
        doc = arc.add(f"doc {i}".encode(), f"http://www.cqbn.gov.cn/npjd/t{year + 1}0115_{i}.html", "巴南区",
                      "street")  # fmt: skip
        rec = {"sha256": doc.sha256, **_record(agency, year, cells)}
        write_atomic(result_path(tmp_path, doc.sha256), json.dumps(rec).encode())
    parquet.write_dataset(tmp_path, archive=arc)
    duck.build_database(tmp_path)
    return tmp_path, arc


def _q(data_dir, sql):
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_one_body_across_spellings(two_years):
    data_dir, _ = two_years
    assert _q(data_dir, "SELECT count(*), min(name) FROM bodies") == [(1, "南彭街道")]
    assert _q(data_dir, "SELECT count(*) FROM body_aliases") == [(3,)]


def test_carry_over_chain(two_years):
    data_dir, _ = two_years
    rows = _q(data_dir, "SELECT year, scope, expected, actual, difference, passed FROM carry_over_chain "
                        "WHERE scope IN ('natural_person', 'total') ORDER BY year, scope")  # fmt: skip
    assert rows == [
        (2023, "natural_person", 3.0, 2.0, 1.0, False),
        (2023, "total", 3.0, 2.0, 1.0, False),
        (2024, "natural_person", 0.0, 0.0, 0.0, True),
        (2024, "total", 0.0, 0.0, 0.0, True),
    ]


def test_active_in_force_chain_is_a_warning(two_years):
    data_dir, _ = two_years
    rows = _q(data_dir, "SELECT year, scope, expected, actual, passed, severity FROM active_in_force_chain "
                        "ORDER BY year")  # fmt: skip
    assert rows == [(2023, "normative_documents", 13.0, 12.0, False, "warning"),
                    (2024, "normative_documents", 12.0, 12.0, True, "warning")]  # fmt: skip
    fails = _q(data_dir, 'SELECT "check", severity, count(*) FROM check_failures GROUP BY ALL ORDER BY 1')
    assert fails == [("active_in_force_chain", "warning", 1), ("carry_over_chain", "error", 2)]


def test_rerun_is_byte_identical(two_years):
    data_dir, arc = two_years
    files = sorted((data_dir / "parquet").rglob("*.parquet"))
    before = {p: p.read_bytes() for p in files}
    parquet.write_dataset(data_dir, archive=arc)
    after = sorted((data_dir / "parquet").rglob("*.parquet"))
    assert after == files
    assert all(p.read_bytes() == before[p] for p in after)
    assert {p.parent.name for p in (data_dir / "parquet" / "cells").rglob("*.parquet")} == {
        "year=2022", "year=2023", "year=2024"}  # fmt: skip


def test_corrupt_parquet_keeps_previous_database(two_years):
    data_dir, _ = two_years
    db = data_dir / "nianbao.duckdb"
    before = db.read_bytes()
    victim = data_dir / "parquet" / "cells" / "year=2023" / "part-0.parquet"
    victim.write_bytes(victim.read_bytes()[:40] + b"garbage" * 20)
    with pytest.raises(duck.DatasetError, match="year=2023/part-0.parquet"):
        duck.build_database(data_dir)
    assert db.read_bytes() == before
    assert not list(data_dir.glob(".nianbao.duckdb.tmp-*"))
    assert _q(data_dir, "SELECT count(*) FROM reports") == [(3,)]


def test_chain_details_read_as_text(two_years):
    data_dir, _ = two_years
    detail = _q(data_dir, "SELECT detail FROM carry_over_chain WHERE year = 2023 AND scope = 'total'")
    assert detail == [("carry_over_chain total: carried_forward 2022 = 3, carried_over 2023 = 2",)]
    (d,) = _q(data_dir, "SELECT detail FROM active_in_force_chain WHERE year = 2023")[0]
    assert d.startswith("active_in_force_chain normative_documents: in_force 2022 ") and ".0" not in d
    assert _q(data_dir, "SELECT count(*) FROM check_failures WHERE detail IS NULL") == [(0,)]


def test_chunked_write_gives_the_same_database(two_years, monkeypatch):
    """write_dataset streams documents in chunks (memory holds one chunk): with one document per
    chunk the database answers exactly as with one chunk, and a rerun is byte-identical."""
    data_dir, arc = two_years
    query = "SELECT * FROM requests_wide ORDER BY report_id"
    whole = _q(data_dir, query)
    chains = _q(data_dir, "SELECT * FROM carry_over_chain ORDER BY year, scope")
    monkeypatch.setattr(parquet, "CHUNK_DOCS", 1)
    parquet.write_dataset(data_dir, archive=arc)
    parts = sorted(p.name for p in (data_dir / "parquet" / "cells").rglob("*.parquet"))
    assert len(parts) == 3 and len(set(parts)) == 3  # one part per document, each in its year
    files = {p: p.read_bytes() for p in (data_dir / "parquet").rglob("*.parquet")}
    duck.build_database(data_dir)
    assert _q(data_dir, query) == whole
    assert _q(data_dir, "SELECT * FROM carry_over_chain ORDER BY year, scope") == chains
    parquet.write_dataset(data_dir, archive=arc)
    assert {p: p.read_bytes() for p in (data_dir / "parquet").rglob("*.parquet")} == files
