"""A report page whose three tables are pictures: crawled from a 127.0.0.1 portal, its body
images archived as attachments (the page's furniture left alone), then extracted as one
document with the OCR of the images in page order, every cell compared with the figures."""

from __future__ import annotations

import json

import pytest

from crawler import registry
from crawler.archive import iter_documents
from crawler.run import crawl
from dataset.extract_archive import extract_archive
from dataset.results import load_result
from demo.figures import FIGURES_PATH
from demo.portal import report_html_body, report_pages, title_of
from demo.scan import table_images
from tests.crawler import portal as P
from tests.crawler.test_crawl_portal import FAST

COL = P.COL
PAGE = COL + "202501/t20250117_500.html"
# named so that their alphabetical order is not the page's
PICTURES = [COL + "202501/W020250117_c.png", COL + "202501/W020250117_a.png", COL + "202501/W020250117_b.png"]
FURNITURE = [
    "/images/logo.png",
    "/images/qrcode.png",
    "/images/dot.gif",
    "/images/banner.jpg",
    "/images/foot.png",
]


def _report():
    figs = json.loads(FIGURES_PATH.read_text("utf-8"))
    body = next(b for b in figs["bodies"] if any(r["layout"] == "scan" for r in b["reports"]))
    return body["name"], next(r for r in body["reports"] if r["format"] == "2021")


def _site(agency: str, rep: dict, images: list[bytes]) -> dict:
    title = title_of(agency, rep["year"])
    html = {"Content-Type": "text/html; charset=utf-8"}
    content = report_html_body(agency, rep["year"], rep["tables"], "2021", False, ["./" + p.rsplit("/", 1)[1]
                                                                                   for p in PICTURES])  # fmt: skip
    page = (
        f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}"><title>{title}</title>'
        f'</head><body><div class="header"><img src="{FURNITURE[0]}"></div>'
        f'<a href="/"><img src="{FURNITURE[3]}" width="980" height="120"></a><h1>{title}</h1>'
        f'<div class="info">发布日期：{rep["published"]}</div><div class="TRS_Editor">{content}'
        f'<p><img src="{FURNITURE[2]}" width="12" height="12">打印本页</p></div>'
        f'<div class="ewm"><img src="{FURNITURE[1]}"></div><footer><img src="{FURNITURE[4]}"></footer>'
        "</body></html>"
    )
    list_page = (
        f'<html><head><meta charset="utf-8"><title>年报</title></head><body><ul class="list"><li>'
        f'<a href="./202501/t20250117_500.html" title="{title}">{title}</a><span>{rep["published"]}</span>'
        "</li></ul></body></html>"
    )
    png = {"Content-Type": "image/png"}
    site = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
        COL: (200, html, list_page.encode()),
        COL + "index.html": (200, html, list_page.encode()),
        PAGE: (200, html, page.encode()),
    }
    for path, data in zip(PICTURES, images, strict=True):
        site[path] = (200, png, data)
    for path in FURNITURE:
        site[path] = (200, png, images[2])
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    agency, rep = _report()
    pages, _ = report_pages(agency, rep["year"], rep["tables"], tables_only=True)
    images = table_images(pages)
    if images is None:
        pytest.skip("no CJK font installed (make system): the table pictures cannot be drawn")
    tmp = tmp_path_factory.mktemp("imgpage")
    with P.Portal(site=_site(agency, rep, images), flaky={}) as portal:
        reg = tmp / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        data = tmp / "data"
        crawl(registry.load_registry(reg), data, FAST)
        yield portal, data, rep


def test_body_images_are_the_page_attachments(crawled):
    portal, data, _ = crawled
    docs = list(iter_documents(data))
    atts = {d.url.split(str(portal.port), 1)[1]: d for d in docs if d.role == "attachment"}
    assert set(atts) == set(PICTURES)
    assert all(
        d.parent_url == portal.url(PAGE) and d.media_type.startswith("image/png") for d in atts.values()
    )
    asked = set(portal.paths())
    assert not asked & set(FURNITURE), "page furniture was fetched"


def test_the_page_reads_as_one_document_with_every_cell(crawled):
    portal, data, rep = crawled
    stats = extract_archive(data)
    assert stats.failed == 0
    docs = {d.url: d for d in iter_documents(data)}
    rec = load_result(data, docs[portal.url(PAGE)].sha256)
    assert rec["status"] == "ok" and rec["report"]["year"] == rep["year"]
    assert len(rec["inputs"]) == 3
    got = {(c["table"], c["row"], c["col"]): c for c in rec["cells"]}
    want = {
        (t, r, c): v for t, rows in rep["tables"].items() for r, cols in rows.items() for c, v in cols.items()
    }
    wrong = {k: (v, got[k]["raw"] if k in got else "MISSING") for k, v in want.items() if k not in got
             or got[k]["value"] != v}  # fmt: skip
    assert not wrong, f"{len(want) - len(wrong)} of {len(want)} right: {wrong}"
    assert {c["method"] for c in rec["cells"]} == {"ocr"} and all(
        0 < c["confidence"] <= 1 for c in rec["cells"]
    )
    # the images in page order: the active table is the first picture, the review table the last
    by_table = {c["table"]: c["location"] for c in rec["cells"]}
    assert by_table["active"]["page"] == 1 and by_table["active"]["image"] == portal.url(PICTURES[0])
    assert by_table["review_litigation"]["image"] == portal.url(PICTURES[2])
    # each image is read with its page, not again as a document of its own
    for path in PICTURES:
        img = load_result(data, docs[portal.url(path)].sha256)
        assert img["read_with"] == portal.url(PAGE) and not img["cells"]
    # a second run reads nothing again
    assert extract_archive(data).extracted == 0
