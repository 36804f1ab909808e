"""Each input layout, from small documents with known figures, to every canonical cell."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extract import codebook as cb
from extract.checks import table_failures
from extract.model import ExtractionError
from extract.pipeline import extract
from tests.extract import builders as b


def _assert_all_cells(ex, want):
    got = {(c.table, c.row, c.col): c.value for c in ex.cells}
    wrong = {k: (v, got.get(k, "MISSING")) for k, v in want.items() if got.get(k, "MISSING") != v}
    assert not wrong, wrong
    assert set(got) == set(want), set(got) ^ set(want)
    assert not table_failures(ex.checks)


@pytest.mark.parametrize("word", [False, True], ids=["plain-grid", "word-export"])
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_html_grid(word, fmt):
    ex = extract(b.html_report(fmt, word=word), "text/html", url="http://x.gov.cn/a/202401/t20240120_1.html")
    _assert_all_cells(ex, b.figures(fmt))
    r = ex.report
    assert (r.agency, r.year, r.format, r.published_on) == (b.AGENCY, 2023, fmt, "2024-01-20")


def test_html_collapsed_other_in_2021_report():
    ex = extract(b.html_report("2021", collapsed_other=True), "text/html")
    _assert_all_cells(ex, b.figures("2021", collapsed_other=True))
    assert ("requests", "other", "total") in {(c.table, c.row, c.col) for c in ex.cells}


def test_gbk_page_declared_only_in_meta():
    data = b.html_report("2021", charset="gb2312")
    data.decode("gb18030")  # really GBK bytes
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    ex = extract(data, "text/html")
    assert ex.report.agency == b.AGENCY
    _assert_all_cells(ex, b.figures("2021"))


@pytest.mark.parametrize(
    "make",
    [b.text_rows_report, b.markdown_report, b.cell_per_line_report],
    ids=["rows", "markdown", "cell-per-line"],
)
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_text_layouts(make, fmt):
    ex = extract(make(fmt), "text/plain")
    assert ex.report.format == fmt
    _assert_all_cells(ex, b.figures(fmt))


def test_docx_merged_cells_counted_once():
    ex = extract(b.docx_report())
    assert ex.report.media_type.endswith("wordprocessingml.document")
    _assert_all_cells(ex, b.figures("2021"))


def test_xlsx_without_headings():
    ex = extract(b.xlsx_report())
    _assert_all_cells(ex, b.figures("2021"))


def test_scanned_pdf_has_no_text_layer():
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    ex = extract(buf.getvalue())
    assert ex.report.status == "no text layer" and ex.cells == []


def test_image_without_ocr_has_no_text_layer_and_a_broken_one_is_said():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert extract(png, ocr=False).report.status == "no text layer"
    with pytest.raises(ExtractionError, match="unreadable image"):
        extract(png)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"%PDF-1.4 garbage", "corrupt PDF"),
        (b"PK\x03\x04broken", "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "corrupt .doc"),
    ],
)
def test_unreadable_documents_raise_with_reason(data, reason):
    with pytest.raises(ExtractionError, match=reason):
        extract(data, name="x.pdf" if data.startswith(b"%PDF") else "x.doc")


def test_table_it_cannot_place_is_reported_not_guessed():
    text = "\n".join(
        [
            b.TITLE,
            "三、收到和处理政府信息公开申请情况",
            "某某不相干的统计项目 | 1 | 2 | 3 | 4 | 5 | 6 | 21",
            "四、政府信息公开行政复议、行政诉讼情况",
            "1 | 2 | 3",
        ]
    ).encode()
    ex = extract(text, "text/plain")
    assert not [c for c in ex.cells if c.table == "requests"]
    assert any("row not placed" in w for w in ex.report.warnings)
    assert any("review_litigation: expected 15 numbers, found 3" in w for w in ex.report.warnings)
    assert ex.report.status == "no tables found"


def test_deeply_nested_html_is_flattened_not_hung():
    n = 30_000
    page = "<html><body>" + "<div><span>" * n + b.TITLE + "</span></div>" * n + "</body></html>"
    ex = extract(page.encode(), "text/html")
    assert ex.report.agency == b.AGENCY and ex.report.year == 2023


def test_three_tables_in_one_table_with_heading_rows():
    page = b.html_report().decode()
    # merge the three <table>s into one, the section headings becoming full-width rows
    for head in ("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        page = page.replace(f"</table><p>{head}</p><table>", f'<tr><td colspan="10">{head}</td></tr>')
    assert page.count("<table>") == 1
    ex = extract(page.encode(), "text/html")
    _assert_all_cells(ex, b.figures("2021"))


def test_pdf_blank_cells_placed_by_position():
    blank = {"granted": {1, 2, 3, 4}, "carried_forward": {0, 5}}
    ex = extract(b.pdf_with_blank_cells(blank))
    got = {(c.row, c.col): c.value for c in ex.cells if c.table == "requests"}
    want = b.figures()
    for row, gaps in blank.items():
        for j, col in enumerate(cb.REQUESTS_2021.column_keys):
            key = ("requests", row, col)
            assert got.get((row, col)) == (None if j in gaps else want[key]) or (
                j in gaps and (row, col) not in got
            )
    # every fully printed row is exact
    full = {k: v for k, v in want.items() if k[0] == "requests" and k[1] not in blank}
    assert all(got[(k[1], k[2])] == v for k, v in full.items())
    assert any("granted" in w and "columns printed" in w for w in ex.report.warnings)


def test_grid_with_only_used_applicant_columns_and_subtotal():
    f = b.figures()
    rows = []
    for r in cb.REQUESTS_2021.rows:
        np_, tot = f[("requests", r.key, "natural_person")], f[("requests", r.key, "total")]
        rows.append(f"<tr><td>{r.label}</td><td>{np_}</td><td>{tot - np_}</td><td>{tot}</td></tr>")
    page = (
        f"<html><body><p>{b.TITLE}</p><p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td>申请人情况</td><td>自然人</td><td>小计</td><td>总计</td></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    ex = extract(page.encode(), "text/html")
    got = {(c.row, c.col): c.value for c in ex.cells if c.table == "requests"}
    for r in cb.REQUESTS_2021.rows:
        assert got[(r.key, "natural_person")] == f[("requests", r.key, "natural_person")]
        assert got[(r.key, "total")] == f[("requests", r.key, "total")]
        assert (r.key, "commercial_enterprise") not in got  # not printed: absent, never 0


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name, sparse", [("report.doc", False), ("report-sparse.doc", True)])
def test_legacy_word_doc(name, sparse):
    """Word 97 files (saved by LibreOffice from our DOCX builder; see fixtures/make_doc_fixtures.py)."""
    ex = extract((FIXTURES / name).read_bytes(), name=name)
    assert ex.report.media_type == "application/msword"
    assert (ex.report.agency, ex.report.year, ex.report.status) == (b.AGENCY, 2023, "ok")
    want = b.sparse_figures() if sparse else b.figures()
    got = {(c.table, c.row, c.col): c.value for c in ex.cells}
    assert got == want
    if sparse:  # printed blanks stay null, with their raw text, never 0
        blank = [c for c in ex.cells if c.col in b.SPARSE_BLANK and c.table == "requests"]
        assert blank and all(c.value is None and c.raw == "" for c in blank)


def test_docx_sparse_blanks_are_null():
    ex = extract(b.docx_report(sparse=True))
    assert {(c.table, c.row, c.col): c.value for c in ex.cells} == b.sparse_figures()


def test_legacy_excel_xls():
    ex = extract((FIXTURES / "report.xls").read_bytes(), name="report.xls")
    assert ex.report.media_type == "application/vnd.ms-excel"
    assert {(c.table, c.row, c.col): c.value for c in ex.cells} == b.figures()


def test_text_table_with_a_subtotal_column():
    """小计 between 其他 and 总计 in a markdown table (no positions): its number is dropped, not shifted in."""
    f = b.figures()
    lines = [
        b.TITLE,
        "三、收到和处理政府信息公开申请情况",
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 小计 | 总计 |",
    ]
    for r in cb.REQUESTS_2021.rows:
        vals = [f[("requests", r.key, c)] for c in cb.REQUESTS_2021.column_keys]
        subtotal = sum(vals[1:6])
        lines.append("| " + " | ".join([r.label, *map(str, vals[:6]), str(subtotal), str(vals[6])]) + " |")
    ex = extract("\n".join(lines).encode(), "text/markdown")
    got = {(c.row, c.col): c.value for c in ex.cells if c.table == "requests"}
    assert got == {(k[1], k[2]): v for k, v in f.items() if k[0] == "requests"}


def test_review_row_with_a_trailing_empty_cell_keeps_its_printed_blanks():
    """Section 四's 15 numbers, some printed blank, in a Word grid whose row ends in an empty extra cell."""
    vals = ["1", "0", "0", "0", "1", "", "", "", "", "", "0", "2", "0", "0", "2"]
    heads = "".join(f"<td>{c.label}</td>" for c in cb.REVIEW_COLUMNS)
    page = (
        f"<html><body><p>{b.TITLE}</p><p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
        "<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
        f"<tr>{heads * 3}</tr><tr>"
        + "".join(f"<td>{v}</td>" for v in vals)
        + "<td></td></tr></table></body></html>"
    )
    ex = extract(page.encode(), "text/html")
    got = [c.value for c in ex.cells if c.table == "review_litigation"]
    assert got == [int(v) if v else None for v in vals]


def test_pdf_rows_drawn_out_of_order_are_read_top_to_bottom():
    """A generator may draw the table's rows in any order: the numbers must stay with their rows."""
    ex = extract(b.pdf_with_blank_cells({}, drawn_backwards=True))
    got = {(c.table, c.row, c.col): c.value for c in ex.cells if c.table == "requests"}
    assert got == {k: v for k, v in b.figures().items() if k[0] == "requests"}
