"""A report is "ok" only when every canonical row of its format was found (issue 9, item 9)."""

from __future__ import annotations

import pytest

from extract.checks import table_failures
from extract.pipeline import extract
from nianbao.cli import main
from tests.conftest import CORPUS
from tests.extract import builders as b


def _without_row(html: str, label: str) -> str:
    i = html.index(label)
    start, end = html.rfind("<tr", 0, i), html.index("</tr>", i) + len("</tr>")
    return html[:start] + html[end:]


def test_real_page_with_an_all_zero_row_removed_is_not_ok(tmp_path, capsys):
    page = CORPUS / "fj-pingtan-2022.html"
    if not page.exists():
        pytest.skip(f"real corpus not found at {CORPUS} (it lives in ../shared beside the checkout)")
    html = _without_row(page.read_text("utf-8"), "4.保护第三方合法权益")
    ex = extract(html.encode("utf-8"), name="fj-pingtan-2022.html")
    assert all(c.passed for c in ex.checks)  # the checks cannot see an all-zero row go missing
    r = ex.report
    assert r.status == "partial"
    assert r.missing_rows == ["requests.denied_third_party_rights"]
    assert (r.cells_expected, r.cells_found) == (200, 193)
    f = tmp_path / "page.html"
    f.write_text(html, encoding="utf-8")
    main(["check", str(f)])
    out = capsys.readouterr().out
    assert "partial" in out and "7 of 200 cells missing: rows requests.denied_third_party_rights" in out


def test_complete_report_is_ok_with_every_cell_counted():
    r = extract(b.html_report(), name="r.html").report
    assert r.status == "ok" and r.cells_expected == r.cells_found == 200 and not r.missing_rows


def _group_label_tails() -> bytes:
    """Text rows that end with the next group's label, as some converters print them."""
    t = b.text_rows_report().decode()
    for end, label, nxt in (
        ("| 12\n", "（四）无法提供", "1.本机关不掌握"),
        ("| 13\n", "（五）不予处理", "1.信访"),
        ("| 13\n", "（六）其他处理", "1.申请人无正当"),
    ):
        t = t.replace(end + nxt, f"| {end.strip(chr(10) + '| ')} | {label}\n{nxt}")
    return t.encode()


def test_rows_ending_with_the_next_group_label_keep_their_numbers():
    data = _group_label_tails()
    assert data.count("无法提供\n".encode()) == 1
    ex = extract(data, name="r.txt")
    assert ex.report.status == "ok", ex.report.missing_rows
    assert ex.value("requests", "denied_administrative_query", "total") == 12
    assert ex.value("requests", "unavailable_unclear", "total") == 13
    assert ex.value("requests", "rejected_confirmation", "total") == 13
    assert not table_failures(ex.checks)


def test_a_row_label_seen_but_not_placed_is_warned(tmp_path, capsys):
    t = b.text_rows_report().decode()
    t = t.replace("8.属于行政查询事项 | 2 | 3 | 4 | 0 | 1 | 2 | 12", "8.属于行政查询事项 | （见附注）")
    ex = extract(t.encode(), name="r.txt")
    assert ex.report.status == "partial"
    assert ex.report.missing_rows == ["requests.denied_administrative_query"]
    assert any(
        w.startswith("requests.denied_administrative_query: row label seen but not placed")
        for w in ex.report.warnings
    )
