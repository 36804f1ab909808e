"""Reports are untrusted input: whatever a report prints reaches the page as text, never as markup."""

from __future__ import annotations

from audit.findings import Audit, BodyYear, Failure
from audit.site import body_html, index_html

EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_report_text_is_escaped_on_the_index_and_the_body_page():
    b = BodyYear(body_id="b1", name=EVIL, level="township", district="演示区", year=2024, report_id="r1",
                 status="ok", title=EVIL, source_url='javascript:alert("x")', sha256="ab", published_on="2025-01-01",
                 deadline="2025-01-31", on_time=True)  # fmt: skip
    b.failures.append(Failure("r1", "new_check", "new_check", "total", 3, 2, 1, EVIL, EVIL))
    a = Audit("演示区", 2024, [b])
    cells = [{"table": "requests", "row": "x", "col": "total", "label": EVIL, "value": 2.0, "raw": EVIL,
              "method": "grid", "uncertain": False}]  # fmt: skip
    for html in (index_html(a), body_html(a, b, cells, "../../archive/ab.html")):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = body_html(a, b, cells, None)
    assert 'href="javascript:' not in page
    assert "new_check" in page and "无存档" in page
