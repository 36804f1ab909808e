"""The audit's findings and its workbook, without a browser: what each body is found to have, and the xlsx cells."""

from __future__ import annotations

import openpyxl
import pytest

from audit.build import write_audit
from audit.findings import audit, open_database
from dataset.errors import DatasetError
from extract.codebook import check_label
from nianbao.cli import main


def test_every_known_body_is_listed_with_its_failed_checks(audit_data):
    con = open_database(audit_data)
    try:
        a = audit(con, "演示区", 2024)
    finally:
        con.close()
    names = {b.name: b for b in a.bodies}
    assert set(names) == {"演示区人民政府", "演示区白沙镇人民政府"}
    town = names["演示区白沙镇人民政府"]
    assert town.found and town.status == "ok" and town.on_time is True
    assert {f.check for f in town.failures} == {"requests_outcomes"}
    assert all(f.expected != f.actual and f.difference == f.expected - f.actual for f in town.failures)
    assert names["演示区人民政府"].failures == []
    t = a.totals()
    assert (t["bodies"], t["found"], t["missing"], t["with_failed_checks"]) == (2, 2, 0, 1)


def test_a_check_without_a_codebook_label_shows_its_id():
    assert check_label("some_check_added_later") == "some_check_added_later"
    assert check_label("text_vs_table") != "text_vs_table"  # the codebook names the checks it knows


def test_workbook_has_a_sheet_per_kind_with_chinese_headers(audit_data, tmp_path):
    write_audit(audit_data, tmp_path / "site", district="演示区", year=2024)
    wb = openpyxl.load_workbook(tmp_path / "site" / "演示区" / "2024" / "audit.xlsx")
    assert wb.sheetnames == ["机关", "未通过的校验", "正文与表格不符", "与上年结转不符", "发布后修改"]
    bodies = wb["机关"]
    assert [c.value for c in bodies[1]][:5] == ["区县", "年度", "机关", "层级", "报告"]
    assert bodies.freeze_panes == "A2" and bodies.auto_filter.ref.startswith("A1:")
    assert sorted(r[2].value for r in bodies.iter_rows(min_row=2)) == [
        "演示区人民政府",
        "演示区白沙镇人民政府",
    ]
    failed = wb["未通过的校验"]
    head = [c.value for c in failed[1]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in failed.iter_rows(min_row=2)]
    assert rows and {r["机关"] for r in rows} == {"演示区白沙镇人民政府"}
    assert all(r["差额"] == r["应为"] - r["实为"] for r in rows)


def test_bad_input_is_refused_with_the_known_values_and_nothing_is_written(audit_data, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["audit", "--data-dir", str(audit_data), "--district", "无此区", "--out", str(out)]) == 2
    assert "unknown district '无此区'; known districts: 演示区" in capsys.readouterr().err
    assert main(["audit", "--data-dir", str(audit_data), "--year", "1999", "--out", str(out)]) == 2
    assert "known years: 2023, 2024" in capsys.readouterr().err
    assert main(["audit", "--data-dir", str(tmp_path), "--out", str(out)]) == 2
    assert "run `nianbao load" in capsys.readouterr().err
    assert not out.exists()


def test_a_failed_run_leaves_the_previous_site_whole(audit_data, tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_audit(audit_data, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(*_a, **_k):
        raise DatasetError("disk trouble")

    monkeypatch.setattr("audit.site.top_index", broken)
    with pytest.raises(DatasetError):
        write_audit(audit_data, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_a_directory_that_is_not_an_audit_is_never_replaced(audit_data, tmp_path, capsys):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"mine")
    assert main(["audit", "--data-dir", str(audit_data), "--out", str(out)]) == 2
    assert "is not an audit written by nianbao" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]
    site = tmp_path / "site"
    write_audit(audit_data, site)
    write_audit(audit_data, site)  # an earlier audit is replaced
    assert (site / "index.html").exists()
