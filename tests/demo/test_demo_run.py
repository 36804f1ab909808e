"""`nianbao demo` end to end into a temporary directory, then the analyst notebook against its database."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import nbformat
import pytest
from nbclient import NotebookClient

from demo import figures
from nianbao.cli import main

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "analyst.ipynb"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-run")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(["demo", "--data-dir", str(data_dir)])
    return rc, out.getvalue(), data_dir


def test_demo_prints_the_comparison_and_the_failed_checks(demo_run):
    rc, out, data_dir = demo_run
    assert rc == 0, out
    assert "Bodies × key figures" in out
    assert "演示区白沙镇人民政府" in out and "requests_outcomes" in out
    assert "Failed checks (2)" in out
    assert "HTTP 412" in out
    assert str((data_dir / "nianbao.duckdb").resolve()) in out
    assert "analyst.ipynb" in out
    index = (data_dir / "audit" / "index.html").resolve()
    assert f"Audit:           {index}" in out and index.is_file()
    assert (data_dir / "audit" / "演示区" / "2024" / "index.html").is_file()


def test_database_holds_every_reachable_report_cell_for_cell(demo_run):
    _, _, data_dir = demo_run
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    got: dict[tuple, float | None] = {}
    for agency, year, t, r, c, v in con.execute(
        """SELECT r.agency, r.year, c."table", c."row", c.col, c.value
           FROM cells c JOIN reports r USING (report_id) WHERE r.is_canonical"""
    ).fetchall():
        got[(agency, year, t, r, c)] = v
    levels = dict(con.execute("SELECT DISTINCT agency, level FROM reports").fetchall())
    con.close()
    fig = figures.load()
    n = 0
    for body in fig["bodies"]:
        for rep in body["reports"]:
            if rep["layout"] == "blocked":
                assert not any(k[0] == body["name"] and k[1] == rep["year"] for k in got)
                continue
            assert levels.get(body["name"]) == body["level"]
            for (t, r, c), want in figures.expected_cells(rep).items():
                assert got.get((body["name"], rep["year"], t, r, c), "missing") == want, (
                    body["name"],
                    rep["year"],
                    t,
                    r,
                    c,
                )
                n += 1
    assert n > 3000


def test_the_scanned_report_is_read_by_ocr_and_its_doubtful_cells_listed(demo_run):
    _, _, data_dir = demo_run
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    methods = con.execute(
        """SELECT DISTINCT c.method FROM cells c JOIN reports r USING (report_id)
           WHERE r.agency = '演示区青石镇人民政府' AND r.year = 2024"""
    ).fetchall()
    review = con.execute(
        "SELECT page, bbox, unit, confidence, uncertain FROM ocr_review WHERE agency = '演示区青石镇人民政府'"
    ).fetchall()
    flagged = con.execute("SELECT count(*) FROM check_failures WHERE uncertain_involved").fetchone()
    con.close()
    assert methods == [("ocr",)]
    assert review and all(
        p >= 1 and len(b) == 4 and u == "pt" and c < 0.9 and unc for p, b, u, c, unc in review
    )
    assert flagged == (0,)  # the scan's doubtful zeros are right: no check fails on them


def test_demo_refuses_a_directory_it_did_not_make(tmp_path, capsys):
    (tmp_path / "precious.txt").write_text("keep me")
    assert main(["demo", "--data-dir", str(tmp_path)]) == 2
    assert (tmp_path / "precious.txt").exists()


def test_notebook_runs_top_to_bottom(demo_run, monkeypatch):
    _, _, data_dir = demo_run
    monkeypatch.setenv("NIANBAO_DB", str(data_dir / "nianbao.duckdb"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:  # committed stripped
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    images = sum(
        1 for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})
    )
    assert images >= 4
    assert os.environ["NIANBAO_DB"].endswith("nianbao.duckdb")


def test_no_sidecar_files_stay_behind(demo_run):
    """The ledger is checkpointed and closed, the database built and renamed: one file each."""
    _, _, data_dir = demo_run
    leftovers = [p.name for p in data_dir.iterdir() if p.name.endswith(("-shm", "-wal", ".wal", "-journal"))]
    assert leftovers == []
    assert main(["load", "--data-dir", str(data_dir)]) == 0  # a second load leaves none either
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(("-shm", "-wal", ".wal"))] == []


def test_every_demo_report_is_complete(demo_run):
    _, _, data_dir = demo_run
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    rows = con.execute("SELECT status, count(*) FROM reports WHERE n_cells > 0 GROUP BY ALL").fetchall()
    con.close()
    assert dict(rows).keys() == {"ok"}, rows


def _run_notebook(db: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("NIANBAO_DB", str(db))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    return nb


def test_notebook_on_an_empty_database_says_so(tmp_path, monkeypatch):
    from dataset.duck import build_database

    db = build_database(tmp_path).path  # what a crawl that reached nothing gives
    nb = _run_notebook(db, monkeypatch)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "database is empty — run make demo or make all" in text
    assert not any(
        o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
