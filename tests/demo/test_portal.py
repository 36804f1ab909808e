"""The demo portal's documents extract, cell for cell, to the figures they were generated from."""

from __future__ import annotations

import pytest

from demo import figures, portal
from extract.image_pages import IMAGE_PAGE, bundle, image_sources
from extract.pipeline import extract

ORIGIN = "http://127.0.0.1"

FIGURES = figures.load()
SITE, DOCS = portal.build_site(FIGURES)
READABLE = [d for d in DOCS if d.layout != "blocked"]


def test_site_shape():
    assert SITE["/robots.txt"].status == 200
    assert b'createPageHTML(3, 0, "index", "html")' in SITE[portal.ROOT + "qzfbm/index.html"].body
    for cat in portal.CATEGORIES:
        assert portal.ROOT + f"{cat}/index.html" in SITE
    layouts = {d.layout for d in DOCS}
    assert {"grid", "word", "gbk", "pdf", "docx", "scan", "images", "blocked"} <= layouts
    blocked = [d for d in DOCS if d.layout == "blocked"]
    assert SITE[blocked[0].page].status == 412 and b"$_ts" in SITE[blocked[0].page].body
    gbk = next(d for d in DOCS if d.layout == "gbk")
    assert "charset" not in SITE[gbk.page].content_type
    SITE[gbk.page].body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        SITE[gbk.page].body.decode("utf-8")


def test_site_is_deterministic():
    again, _ = portal.build_site(FIGURES)
    assert {p: r.body for p, r in again.items()} == {p: r.body for p, r in SITE.items()}


@pytest.mark.parametrize("doc", READABLE, ids=[f"{d.body_id}-{d.year}-{d.layout}" for d in READABLE])
def test_every_cell_extracts(doc):
    res = SITE[doc.document]
    url = ORIGIN + doc.document
    if doc.layout == "images":  # the page with its pictures, as the crawler archives them
        pics = image_sources(res.body.decode("utf-8"), url)
        assert len(pics) == 3 and all(SITE[p[len(ORIGIN) :]].content_type == "image/png" for p in pics)
        data = bundle(res.body, url, [(p, SITE[p[len(ORIGIN) :]].body) for p in pics])
        ex = extract(data, IMAGE_PAGE, url=url)
        assert {c.method for c in ex.cells} == {"ocr"}
    else:
        ex = extract(res.body, url=url, name=doc.document)
    assert ex.report.year == doc.year
    assert ex.report.format == doc.figures["format"]
    got = {(c.table, c.row, c.col): c.value for c in ex.cells}
    want = figures.expected_cells(doc.figures)
    wrong = {k: (want[k], got.get(k, "missing")) for k in want if got.get(k, "missing") != want[k]}
    assert not wrong, f"{len(wrong)} of {len(want)} cells differ: {dict(list(wrong.items())[:8])}"
    extra = set(got) - set(want)
    assert not extra


def test_the_bad_report_fails_requests_outcomes():
    doc = next(d for d in DOCS if d.body_id == "bsz")
    ex = extract(SITE[doc.document].body, url="http://127.0.0.1" + doc.document)
    failed = {(c.check, c.scope) for c in ex.checks if not c.passed}
    assert ("requests_outcomes", "natural_person") in failed or any(
        c == "requests_outcomes" for c, _ in failed
    )
    others = [d for d in READABLE if d.body_id != "bsz"]
    for d in others:  # the scan's checks are test_every_cell_extracts's business: not read twice
        ex = extract(SITE[d.document].body, url="http://127.0.0.1" + d.document, ocr=d.layout != "scan")
        assert all(c.passed for c in ex.checks), (d.body_id, d.year, [c for c in ex.checks if not c.passed])
