"""``nianbao load`` never swaps a good database for an empty or smaller one (issue 9, item 11),
and the reports table carries each report's completeness (item 9)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from dataset import cli as dataset_cli
from dataset.results import EXTRACTED_DIR
from nianbao.cli import main
from tests.dataset.conftest import CORPUS, corpus_archive


def _reports(data_dir) -> int:
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()


def test_mistyped_data_dir_is_refused_and_not_created(tmp_path, capsys):
    missing = tmp_path / "dta"
    rc = main(["load", "--data-dir", str(missing)])
    err = capsys.readouterr().err
    assert rc != 0
    assert f"no extracted documents in {missing}" in err and "run `nianbao extract" in err
    assert not missing.exists()


def test_empty_data_dir_is_refused(tmp_path, capsys):
    assert main(["load", "--data-dir", str(tmp_path)]) != 0
    assert "no extracted documents in" in capsys.readouterr().err
    assert not (tmp_path / "nianbao.duckdb").exists()


@pytest.fixture
def built(tmp_path):
    arc = corpus_archive()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    assert dataset_cli.extract(data_dir, archive=arc) == 0
    assert dataset_cli.load(data_dir, archive=arc) == 0
    return data_dir, arc


def test_missing_extraction_results_keep_the_database(built, capsys):
    data_dir, arc = built
    before = _reports(data_dir)
    shutil.rmtree(data_dir / EXTRACTED_DIR)
    with pytest.raises(dataset_cli.DatasetError, match="no extracted documents"):
        dataset_cli.load(data_dir, archive=arc)
    assert _reports(data_dir) == before


def test_fewer_reports_need_force(built):
    data_dir, arc = built
    before = _reports(data_dir)
    arc.docs = arc.docs[:3]
    with pytest.raises(dataset_cli.DatasetError, match="--force"):
        dataset_cli.load(data_dir, archive=arc)
    assert _reports(data_dir) == before
    assert dataset_cli.load(data_dir, force=True, archive=arc) == 0
    assert _reports(data_dir) == 3


def test_reports_table_carries_completeness(tmp_path):
    page = CORPUS / "fj-pingtan-2022.html"
    arc = corpus_archive()
    html = page.read_text("utf-8")
    i = html.index("4.保护第三方合法权益")
    html = html[: html.rfind("<tr", 0, i)] + html[html.index("</tr>", i) + 5 :]
    arc.add(html.encode(), "https://example.gov.cn/nb/removed.htm", "平潭综合实验区", "district")
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    assert dataset_cli.extract(data_dir, archive=arc) == 0
    assert dataset_cli.load(data_dir, archive=arc) == 0
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT source_url, status, n_cells, cells_expected, missing_rows FROM reports WHERE n_cells > 0"
    ).fetchall()
    con.close()
    by_url = {r[0]: r[1:] for r in rows}
    assert by_url["https://example.gov.cn/nb/removed.htm"] == (
        "partial",
        193,
        200,
        "requests.denied_third_party_rights",
    )
    assert by_url["https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm"] == (
        "ok",
        200,
        200,
        None,
    )
