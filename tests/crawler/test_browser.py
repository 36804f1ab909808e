"""Pages that need a browser, end to end on loopback portals: a script-built list, a cookie challenge on
every page, a page script reaching for forbidden addresses; and a crawl that needs none never starts one."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler import registry
from crawler.archive import iter_documents, ledger_rows, read_payload
from crawler.browser import BrowserConfig, unavailable_reason
from crawler.render_policy import list_needs_browser
from crawler.run import Crawl
from tests.crawler import browser_portal as B
from tests.crawler import portal as P
from tests.crawler.test_crawl_portal import FAST
from tests.crawler.test_scripted_lists import _hanweb_site, _row

NO_BROWSER = unavailable_reason()
needs_browser = pytest.mark.skipif(NO_BROWSER is not None, reason=f"no browser to render with: {NO_BROWSER}")


def _crawl(tmp_path, csv_text: str) -> tuple[Crawl, dict]:
    reg = tmp_path / "r.csv"
    reg.write_text(csv_text, encoding="utf-8")
    c = Crawl(registry.load_registry(reg), tmp_path / "data", FAST)
    stats = asyncio.run(c.run())
    return c, stats


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@needs_browser
def test_script_built_list_over_two_pages(tmp_path):
    with P.Portal(site=B.script_list_site(), flaky={}) as portal:
        c, stats = _crawl(tmp_path, B.registry_row(portal))
        docs = {_path(d.url): d for d in iter_documents(tmp_path / "data")}
        assert set(docs) == {B.report_path(i) for i in range(1, 6)}
        assert (
            docs[B.report_path(4)].year_hint == 2023 and docs[B.report_path(4)].published_hint == "2025-04-14"
        )
        paths = portal.paths()
        assert len(paths) == len(set(paths)), "an address was fetched twice"
        assert {B.COL + "data_0.json", B.COL + "data_1.json", B.COL + "index_1.html"} <= set(paths)
        assert not any(p.startswith("/images/") for p in paths)  # images are never loaded
        rows = {_path(r["url"]): r for r in ledger_rows(tmp_path / "data")}
        assert rows[B.COL + "index.html"]["rendered"] == 1 and rows[B.COL + "index_1.html"]["rendered"] == 1
        assert rows[B.report_path(1)]["rendered"] == 0  # a plain page stays a plain fetch
        dom = read_payload(tmp_path / "data", rows[B.COL + "index_1.html"]["sha256"]).decode("utf-8")
        assert B.title(5) in dom and 'charset="utf-8"' in dom
        s = stats["js"]
        assert (s.rendered, s.reports, s.refused) == (2, 5, 0)
        assert c.gate.renderer.stats.launches == 1 and not c.gate.renderer.started  # closed at the end


@needs_browser
def test_rendered_dom_is_linked_to_the_answer_it_grew_from(tmp_path):
    with P.Portal(site=B.script_list_site(), flaky={}) as portal:
        _crawl(tmp_path, B.registry_row(portal))
    records = []
    for warc in sorted((tmp_path / "data" / "raw").glob("*.warc.gz")):
        with open(warc, "rb") as f:
            records += [
                (r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
                for r in ArchiveIterator(f)
            ]
    ids = {h["WARC-Record-ID"]: (t, h, body) for t, h, body in records}
    conversions = [(h, body) for t, h, body in records if t == "conversion"]
    assert len(conversions) == 2
    for h, body in conversions:
        kind, orig, orig_body = ids[h["WARC-Refers-To"]]
        assert kind == "response" and orig["WARC-Target-URI"] == h["WARC-Target-URI"]
        assert orig_body == B.SCRIPT_LIST_PAGE
        assert B.title(1)[:8] in body.decode() or B.title(4)[:8] in body.decode()
        assert "Chromium" in h["WARC-Nianbao-Rendered-By"]


@needs_browser
def test_challenge_on_every_page_solved_once(tmp_path):
    with P.Portal(site=B.challenge_site(), flaky={}) as portal:
        c, stats = _crawl(tmp_path, B.registry_row(portal))
        docs = {_path(d.url): d for d in iter_documents(tmp_path / "data")}
        assert set(docs) == {B.report_path(i) for i in B.CHALLENGE_REPORTS} | {B.CHALLENGE_PDF}
        pages = [
            B.COL + "index.html",
            B.COL + "index_1.html",
            *(B.report_path(i) for i in B.CHALLENGE_REPORTS),
        ]
        challenged = sum(B.served(portal, p, with_token=False) for p in [*pages, B.CHALLENGE_PDF])
        assert challenged == 1, "the challenge was met more than once"
        for p in [*pages, B.CHALLENGE_PDF]:
            assert B.served(portal, p, with_token=True) == 1, f"{p} fetched more than once"
        assert c.gate.solved == {f"127.0.0.1:{portal.port}": 1}
        rows = {_path(r["url"]): r for r in ledger_rows(tmp_path / "data")}
        first = rows[B.COL + "index.html"]
        assert first["status"] == "ok" and first["rendered"] == 1 and first["http_status"] == 200
        assert all(rows[p]["rendered"] == 0 for p in pages[1:])  # the plain client carried the cookie
        s = stats["js"]
        assert (s.blocked, s.reports, s.attachments, s.rendered) == (0, 4, 1, 1)
        assert read_payload(tmp_path / "data", docs[B.CHALLENGE_PDF].sha256) == P.PDF


@needs_browser
def test_page_script_cannot_reach_private_or_other_hosts(tmp_path):
    with P.Portal(site=B.greedy_site(), flaky={}) as portal:
        c, stats = _crawl(tmp_path, B.registry_row(portal))
        docs = {_path(d.url) for d in iter_documents(tmp_path / "data")}
        assert docs == {B.report_path(1), B.report_path(2)}
        s = stats["js"]
        assert s.refused == 3
        refused = " ".join(w for w in s.warnings if "refused" in w)
        assert "10.0.0.1" in refused and "tracker.example.com" in refused and "robots.txt" in refused
        assert portal.paths().count(B.COL + "list.json") == 1
        assert "/private/staff.json" not in portal.paths()


@needs_browser
def test_memory_cap_restarts_the_browser(tmp_path):
    reg = tmp_path / "r.csv"
    with P.Portal(site=B.script_list_site(), flaky={}) as portal:
        reg.write_text(B.registry_row(portal), encoding="utf-8")
        cfg = replace(FAST, browser=BrowserConfig(memory_cap=1))  # any browser is over one byte
        c = Crawl(registry.load_registry(reg), tmp_path / "data", cfg)
        stats = asyncio.run(c.run())
        r = c.gate.renderer.stats
        assert stats["js"].reports == 5 and r.renders == 2 and r.restarts == 2 and r.launches == 2
        assert r.peak_memory > 50 * 2**20


@needs_browser
def test_render_always_row(tmp_path):
    with P.Portal(site=B.greedy_site(), flaky={}) as portal:
        _, stats = _crawl(tmp_path, B.registry_row(portal, render="always"))
        rows = {_path(r["url"]): r for r in ledger_rows(tmp_path / "data")}
        assert all(rows[B.report_path(i)]["rendered"] == 1 for i in (1, 2))
        assert stats["js"].rendered == 3


def test_render_never_row_leaves_script_list_alone(tmp_path):
    with P.Portal(site=B.greedy_site(), flaky={}) as portal:
        c, stats = _crawl(tmp_path, B.registry_row(portal, render="never"))
        assert list(iter_documents(tmp_path / "data")) == []
        assert c.gate.renderer.stats.launches == 0 and stats["js"].rendered == 0


def test_crawl_without_such_pages_never_starts_the_browser(tmp_path):
    with P.Portal(site=_hanweb_site(), flaky={}) as portal:
        c, stats = _crawl(tmp_path, _row(portal, "/col/col1229/index.html", "hanweb"))
        assert stats["t"].reports == 5
        assert c.gate.renderer.stats.launches == 0 and c.gate.renderer.stats.renders == 0


def test_no_browser_available_keeps_the_block_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with P.Portal(site=B.challenge_site(), flaky={}) as portal:
        c, stats = _crawl(tmp_path, B.registry_row(portal))
        assert stats["js"].blocked == 1 and stats["js"].reports == 0
        assert c.gate.renderer.stats.launches == 0
        assert "none rendered" in c.gate.summary() and "NIANBAO_CHROMIUM" in c.gate.summary()


@needs_browser
def test_a_page_that_never_settles_times_out_and_the_crawl_goes_on(tmp_path):
    site = {"/robots.txt": (404, {}, b""),
            B.COL + "index.html": (200, B.HTML, b"<html><body><script>while (true) {}</script></body></html>")}  # fmt: skip
    reg = tmp_path / "r.csv"
    with P.Portal(site=site, flaky={}) as portal:
        reg.write_text(B.registry_row(portal), encoding="utf-8")
        cfg = replace(FAST, browser=BrowserConfig(render_timeout=3))
        c = Crawl(registry.load_registry(reg), tmp_path / "data", cfg)
        stats = asyncio.run(c.run())
    (row,) = [r for r in ledger_rows(tmp_path / "data") if r["url"].endswith("index.html")]
    assert row["status"] == "ok" and row["rendered"] == 0 and "render took longer than 3" in row["error"]
    assert any("render took longer" in w for w in stats["js"].warnings) and c.gate.failed == 1


def test_which_list_pages_need_a_browser():
    col = "http://x.gov.cn/zwgk/zfxxgknb/index.html"
    counter = "<html><body><p>暂无信息</p><script src='https://hm.baidu.com/hm.js?ab'></script>" \
              "<script>var _hmt = _hmt || [];</script></body></html>"  # fmt: skip
    assert list_needs_browser(counter, col, col) is None  # an empty column with a visitor counter
    assert list_needs_browser("<html><body><ul id='l'></ul></body></html>", col, col) is None  # no script
    built = (
        "<html><body><ul id='l'></ul><script src='/js/jquery.js'></script><script>$.get('l.json')</script>"
    )
    assert list_needs_browser(built, col, col)
    printed = "<html><body><a href='./202501/t20250101_1.html'>某镇2024年政府信息公开工作年度报告</a><script>x()</script>"
    assert list_needs_browser(printed, col, col) is None  # entries already in the HTML
    hanweb = "<html><body><script type='text/xml'><datastore></datastore></script><script>jpage()</script>"
    assert list_needs_browser(hanweb, col, col) is None  # read through dataproxy.jsp without a browser


@needs_browser
def test_report_body_written_by_script_is_extracted_from_the_rendered_dom(tmp_path):
    from dataset.extract_archive import extract_one
    from demo import figures
    from demo.portal import report_html_body

    body = figures.load()["bodies"][0]
    rep = next(r for r in body["reports"] if r["format"] != "2019")
    title = f"{body['name']}{rep['year']}年政府信息公开工作年度报告"
    inner = report_html_body(body["name"], rep["year"], rep["tables"], rep["format"], word=False)
    page = (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'><title>{title}</title>"
            f"</head><body><h1>{title}</h1><div id='c'></div><script>document.getElementById('c').innerHTML = "
            f"{json.dumps(inner, ensure_ascii=False)};</script></body></html>").encode("gb18030")  # fmt: skip
    path = B.COL + "202501/t20250120_700.html"
    site = {"/robots.txt": (404, {}, b""), path: (200, {"Content-Type": "text/html"}, page),
            B.COL + "index.html": (200, B.HTML, P._list_page("年报", [("./202501/t20250120_700.html", title, "")]))}  # fmt: skip
    with P.Portal(site=site, flaky={}) as portal:
        _crawl(tmp_path, B.registry_row(portal, render="always"))
    (doc,) = list(iter_documents(tmp_path / "data"))
    rec = extract_one(read_payload(tmp_path / "data", doc.sha256), doc.media_type, doc.url)
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in rec["cells"]}
    want = figures.expected_cells(rep)
    assert rec["report"]["year"] == rep["year"] and rec["report"]["agency"] == body["name"]
    assert len(got) >= len(want) * 0.9
    assert all(got.get(k) == v for k, v in want.items() if k in got and v is not None)


@needs_browser
def test_generic_column_built_by_script(tmp_path):
    with P.Portal(site=B.greedy_site(), flaky={}) as portal:
        csv_text = B.registry_row(portal).replace(",trs,", ",generic,")
        _, stats = _crawl(tmp_path, csv_text)
        docs = {_path(d.url) for d in iter_documents(tmp_path / "data")}
        assert docs == {B.report_path(1), B.report_path(2)} and stats["js"].rendered == 1
