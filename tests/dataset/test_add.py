"""``nianbao add``: reports a user already has become the same Parquet and DuckDB dataset (issue 9, item 15)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dataset.local import CombinedArchive, LocalArchive, add_files
from nianbao.cli import main
from tests.dataset.conftest import CORPUS, FakeArchive
from tests.extract import builders as b

REPO = Path(__file__).resolve().parents[2]


def _q(data_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_folder_of_reports_becomes_a_dataset(tmp_path, capsys):
    folder = tmp_path / "downloaded"
    folder.mkdir()
    (folder / "a.html").write_bytes(b.html_report())
    (folder / "b.md").write_bytes(b.markdown_report())
    data_dir = tmp_path / "data"
    args = ["add", str(folder), "--district", "巴南区", "--level", "street", "--data-dir", str(data_dir)]
    assert main(args) == 0
    rows = _q(
        data_dir, "SELECT source_url, district, level, status, n_cells FROM reports ORDER BY source_url"
    )
    assert [r[0] for r in rows] == [
        (folder / "a.html").resolve().as_uri(),
        (folder / "b.md").resolve().as_uri(),
    ]
    assert all(r[1:] == ("巴南区", "street", "ok", 200) for r in rows)
    (n,) = _q(data_dir, "SELECT count(*) FROM body_year WHERE district = '巴南区'")[0]
    assert n == 1  # the same body and year twice: one canonical report
    assert main(args) == 0  # adding again replaces, never duplicates
    assert _q(data_dir, "SELECT count(*) FROM reports") == [(2,)]
    capsys.readouterr()


def test_url_is_provenance_and_gives_the_publication_date(tmp_path):
    f = tmp_path / "r.txt"
    f.write_bytes(b.text_rows_report())
    url = "http://www.cqbn.gov.cn/bmjz/jz/npjd/zwgk_1/zfxxgknb_1/202401/t20240118_1.html"
    data_dir = tmp_path / "d"
    assert main(["add", str(f), "--url", url, "--data-dir", str(data_dir)]) == 0
    assert _q(data_dir, "SELECT source_url, published_on::VARCHAR FROM reports") == [(url, "2024-01-18")]


def test_bad_input_is_a_one_line_error(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["add", str(empty), "--data-dir", str(tmp_path / "d")]) == 2
    assert capsys.readouterr().err.strip() == f"nianbao add: no documents in {empty}"
    (tmp_path / "x.html").write_bytes(b.html_report())
    (tmp_path / "y.html").write_bytes(b.html_report())
    rc = main(["add", str(tmp_path / "x.html"), str(tmp_path / "y.html"), "--url", "https://a.gov.cn/1.html",
               "--data-dir", str(tmp_path / "d")])  # fmt: skip
    assert rc == 2 and "--url goes with exactly one file" in capsys.readouterr().err


def test_crawled_and_added_documents_load_together(tmp_path):
    crawl = FakeArchive()
    crawl.add(b.html_report(), "https://www.cqbn.gov.cn/nb/t20240110_1.html", "巴南区", "street")
    f = tmp_path / "own.md"
    f.write_bytes(b.markdown_report("2019"))
    add_files(tmp_path, [f], district="巴南区", level="street")
    both = CombinedArchive(crawl, LocalArchive())
    urls = sorted(d.url for d in both.iter_documents(tmp_path))
    assert urls == sorted(["https://www.cqbn.gov.cn/nb/t20240110_1.html", f.resolve().as_uri()])
    for d in both.iter_documents(tmp_path):
        assert both.read_payload(tmp_path, d.sha256)


def test_readme_answers_reproduce_from_the_corpus_folder(tmp_path, capsys):
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (tests read it from ../shared beside the repo)")
    manifest = REPO / "docs" / "corpus-manifest.csv"
    assert main(["add", "--manifest", str(manifest), "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    out = {}
    for n in range(1, 6):
        assert main(["sql", "--data-dir", str(tmp_path), "--question", str(n)]) == 0
        out[n] = capsys.readouterr().out
    assert "重庆市巴南区人民政府南彭街道办事处  2024         0" in out[1]
    assert out[2].count("平潭综合实验区  2020  requests_outcomes") == 2
    assert out[3].splitlines()[2].split()[:4] == ["淮安市洪泽区人民政府", "洪泽区", "2024", "4"]
    assert "2022        74           2020      53       252.4                -0.053" in out[4]
    days = [ln.split()[-1] for ln in out[5].splitlines()[2:-1]]
    assert days == ["-11", "-14", "-26", "-39"]
