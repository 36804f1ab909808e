"""Export files and the generated data dictionary."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from dataset.dictionary import datapackage, markdown
from dataset.export import EXPORT_VIEWS, export
from extract import codebook as cb

REPO = Path(__file__).resolve().parents[2]


def test_csv_has_bom_and_filters(corpus_db, tmp_path):
    data_dir, _ = corpus_db
    paths = export(data_dir, fmt="csv", district="平潭综合实验区", year=2022, out=tmp_path)
    assert [p.name for p in paths] == [f"{v}-平潭综合实验区-2022.csv" for v in EXPORT_VIEWS]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("report_id,body_id,agency")
    assert len(lines) == 3  # header + two readable documents of 2022 (page + mobile copy); the PDF failed
    assert "new_received__total" in lines[0]


def test_xlsx_has_chinese_headers(corpus_db, tmp_path):
    data_dir, _ = corpus_db
    (path,) = export(data_dir, fmt="xlsx", out=tmp_path)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames[0] == "收到和处理政府信息公开申请情况"
    header = [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
    row = cb.REQUESTS_2021.row("new_received")
    assert f"{row.label}｜总计（件）" in header
    assert "字段说明" in wb.sheetnames


def test_dictionary_covers_codebook():
    pkg = datapackage()
    res = {r["name"]: r for r in pkg["resources"]}
    wide = {f["name"] for f in res["requests_wide"]["schema"]["fields"]}
    assert {f"{r}__{c}" for t, r, c, *_ in cb.all_cells() if t == "requests"} <= wide
    enum = next(f for f in res["cells"]["schema"]["fields"] if f["name"] == "row")["constraints"]["enum"]
    assert "carried_forward" in enum and res["cells"]["schema"]["primaryKey"] == [
        "report_id",
        "table",
        "row",
        "col",
    ]


def test_committed_dictionary_is_fresh():
    committed_json = json.loads((REPO / "data" / "datapackage.json").read_text("utf-8"))
    assert committed_json == datapackage(), "run `nianbao dictionary --out data`"
    assert (REPO / "data" / "dictionary.md").read_text("utf-8") == markdown(datapackage())
