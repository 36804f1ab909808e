"""``nianbao export``: a filter that matches nothing is refused with the known values, and both
header styles are offered in both formats (issue 9, item 13)."""

from __future__ import annotations

import openpyxl

from nianbao.cli import main


def test_unknown_district_is_refused_with_the_known_ones(corpus_db, tmp_path, capsys):
    data_dir, _ = corpus_db
    out = tmp_path / "out"
    rc = main(["export", "--data-dir", str(data_dir), "--district", "巴难区", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert (
        "unknown district '巴难区'; known districts:" in err and "巴南区" in err and "平潭综合实验区" in err
    )
    assert not out.exists()


def test_unknown_year_is_refused_with_the_known_ones(corpus_db, tmp_path, capsys):
    data_dir, _ = corpus_db
    rc = main(["export", "--data-dir", str(data_dir), "--year", "1999", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "no reports for year 1999; known years: 2020, 2022, 2023, 2024" in err
    rc = main(["export", "--data-dir", str(data_dir), "--district", "巴南区", "--year", "2020",
               "--out", str(tmp_path / "o")])  # fmt: skip
    assert rc == 2 and "no reports of 巴南区 for 2020; its years: 2024" in capsys.readouterr().err


def test_csv_with_chinese_headers_and_xlsx_with_column_names(corpus_db, tmp_path):
    data_dir, _ = corpus_db
    zh, en = tmp_path / "zh", tmp_path / "en"
    assert main(["export", "--data-dir", str(data_dir), "--labels", "zh", "--out", str(zh)]) == 0
    header = (zh / "body_year.csv").read_text("utf-8-sig").splitlines()[0].split(",")
    assert "本年新收申请（总计）" in header and "received" not in header
    assert len(set(header)) == len(header)
    args = ["export", "--data-dir", str(data_dir), "--format", "xlsx", "--labels", "en", "--out", str(en)]
    assert main(args) == 0
    wb = openpyxl.load_workbook(en / "nianbao.xlsx", read_only=True)
    first = [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
    assert first[:3] == ["report_id", "body_id", "agency"] and "new_received__total" in first
