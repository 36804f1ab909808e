"""Fast part of the network-faults harness: one small crawl of the fault site, one test per fault kind,
plus the boundaries (private addresses, other hosts, file names, nothing executed)."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler import registry
from crawler.archive import iter_documents, ledger_rows, read_payload
from crawler.client import ClientConfig, Fetcher
from crawler.politeness import Politeness, PolitenessConfig
from crawler.run import CrawlConfig, crawl
from tests.reliability.fault_server import (
    COL,
    PRIVATE_TARGETS,
    FaultServer,
    fault_site,
    list_html,
    ok,
    report_html,
    report_title,
)
from tests.reliability.network_faults import evaluate, fault_crawl, rows_for

MAX_BODY = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    fc = fault_crawl(tmp_path_factory.mktemp("faults"), bomb=40 * 1024 * 1024, oversize=6 * 1024 * 1024,
                     read_timeout=0.5, total_timeout=1.0, max_pages=10, inprocess=True, max_body=MAX_BODY)  # fmt: skip
    return fc, evaluate(fc)


KINDS = [
    "5xx burst", "429 Retry-After seconds", "429 Retry-After date", "slow drip", "stalled body", "reset mid-body",
    "short body", "wrong charset", "absent charset", "gzip page", "gzip bomb", "over size cap (declared)",
    "over size cap (streamed)", "redirect loop", "redirect to private address", "redirect off domain",
    "link off domain", "fragment/query noise", "endless pagination",
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_fault_kind(faults, kind):
    _, per_kind = faults
    assert kind in per_kind, f"fault {kind} not injected"
    bad = [what for good, what in per_kind[kind] if not good]
    assert not bad, bad


def test_report_rows_all_pass(faults):
    fc, _ = faults
    failed = [(r.what, r.measured) for r in rows_for(fc) if not r.passed and "peak memory" not in r.what]
    assert not failed, failed


def test_other_host_on_loopback_gets_no_request(faults):
    fc, _ = faults
    assert fc.other_targets == []
    assert all(u.startswith(fc.origin + "/") for u in fc.transport)


def test_redirect_loop_is_bounded(faults):
    fc, _ = faults
    loops = [f.path for f in fc.spec.faults if f.kind == "redirect loop"]
    hits = sum(1 for t in fc.server_targets if t.split("?")[0] in loops or "/loop/" in t)
    assert 0 < hits <= len(loops) * (ClientConfig().max_redirects + 1)


def test_private_addresses_refused_before_any_connection(monkeypatch):
    """allow_private off (production): every private trick is refused by the address check itself,
    and the HTTP transport is never asked to send anything."""
    sent: list[str] = []

    async def recording(self, request):
        sent.append(str(request.url))
        raise AssertionError(f"transport reached for {request.url}")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", recording)

    async def go():
        f = Fetcher(ClientConfig(), Politeness(PolitenessConfig(delay=0.0)))
        try:
            out = []
            for url in (*PRIVATE_TARGETS, "http://127.0.0.1:1/", "http://[0:0:0:0:0:0:0:1]/", "http://0/"):
                host = httpx.URL(url).host
                out.append(await f.fetch(url, domains=frozenset({host}), allow_private=False))
            return out
        finally:
            await f.aclose()

    results = asyncio.run(go())
    assert sent == []
    for r in results:
        assert r.outcome == "refused", (r.url, r.outcome, r.error)
        assert r.url in r.error


def test_private_start_url_refused_in_a_crawl(tmp_path, monkeypatch):
    sent: list[str] = []
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def recording(self, request):
        sent.append(str(request.url))
        return await original(self, request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", recording)
    reg = tmp_path / "reg.csv"
    rows = ["id,district,agency,level,start_url,cms,allow_private"]
    for i, url in enumerate(
        ("http://10.0.0.1/zfxxgknb/", "http://169.254.169.254/latest/", "http://2130706433/")
    ):
        rows.append(f"p{i},私网区,,district,{url},trs,false")
    reg.write_text("\n".join(rows) + "\n", encoding="utf-8")
    crawl(registry.load_registry(reg), tmp_path / "data", CrawlConfig(progress=False))
    assert sent == []
    led = ledger_rows(tmp_path / "data")
    assert {r["status"] for r in led} == {"refused"}
    assert all(r["url"] in r["error"] and "refused" in r["error"] for r in led)


HOSTILE = [
    "../../../../../../tmp/evil/t20250101_1.html",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/t20250101_2.html",
    "..%2f..%2f..%2fetc/t20250101_3.html",
    "/etc/passwd/t20250101_4.html",
    "t20250101_5.html%00.pdf",
    "202501/t20250101_6" + "a" * 3000 + ".html",
    "P0201_" + "长" * 1500 + ".pdf",
    "..\\..\\..\\windows\\t20250101_7.html",
]


def test_names_from_urls_never_escape_the_archive(tmp_path):
    """Hostile addresses are stored like any other: nothing outside DATA_DIR, only the WARC/ledger names."""
    with FaultServer() as server:
        page = report_html("路径", [(h, f"附件{i}.pdf") for i, h in enumerate(HOSTILE)]).encode()
        server.patterns.append((re.compile(r"/.*"), ok(page)))
        server.routes[COL + "index.html"] = ok(
            list_html([(h, report_title("路径")) for h in HOSTILE]).encode()
        )
        reg = tmp_path / "reg.csv"
        reg.write_text("id,district,agency,level,start_url,cms,allow_private,delay\n"
                       f"paths,路径区,,district,{server.url(COL + 'index.html')},trs,true,0\n", encoding="utf-8")  # fmt: skip
        work = tmp_path / "work"
        work.mkdir()
        before = set(os.listdir(tmp_path))
        crawl(registry.load_registry(reg), work / "data", CrawlConfig(progress=False))
        assert len(server.targets()) > 3
    assert set(os.listdir(tmp_path)) == before
    files = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
    for f in files:
        assert f.startswith("data/ledger.sqlite3") or (
            f.startswith("data/raw/nianbao-") and f.endswith(".warc.gz")
        ), f
    assert not Path("/tmp/evil").exists()
    docs = list(iter_documents(work / "data"))
    # a non-ASCII address (附件 names are often Chinese) is archived, percent-encoded on the request line
    assert any("长" in d.url for d in docs), [d.url[:80] for d in docs]
    for d in docs:
        read_payload(work / "data", d.sha256)
    for warc in (work / "data" / "raw").glob("*.warc.gz"):
        with open(warc, "rb") as f:
            for rec in ArchiveIterator(f):
                rec.content_stream().read()
                if rec.rec_type == "request":
                    assert rec.http_headers.protocol.isascii()


def test_nothing_from_a_document_is_executed_or_followed(tmp_path):
    """Scripts, frames, meta refresh, event handlers and tracking pixels in a page are never run or fetched.
    (A body image big enough to hold a table is fetched on purpose, as an attachment: tests/crawler/test_image_pages.py.)"""
    active = ["/x/evil.js", "/x/pixel.gif", "/x/frame.html", "/x/refresh.html", "/x/beacon", "/x/style.css"]
    page = (f'<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={active[3]}">'
            f'<script src="{active[0]}"></script><link rel="stylesheet" href="{active[5]}">'
            f"<script>fetch('{active[4]}'); document.location='{active[4]}';</script>"
            f'<title>{report_title("脚本")}</title></head><body onload="fetch(\'{active[4]}\')">'
            f'<img src="{active[1]}" width="1" height="1"><iframe src="{active[2]}"></iframe><h1>{report_title("脚本")}</h1>'
            f'<a href="javascript:fetch(\'{active[4]}\')">点击</a></body></html>').encode()  # fmt: skip
    with FaultServer() as server:
        detail = COL + "202501/t20250101_1.html"
        server.routes[detail] = ok(page)
        server.routes[COL + "index.html"] = ok(
            list_html([("./202501/t20250101_1.html", report_title("脚本"))]).encode()
        )
        for a in active:
            server.routes[a] = ok(b"should never be asked for")
        reg = tmp_path / "reg.csv"
        reg.write_text("id,district,agency,level,start_url,cms,allow_private,delay\n"
                       f"js,脚本区,,district,{server.url(COL + 'index.html')},trs,true,0\n", encoding="utf-8")  # fmt: skip
        crawl(registry.load_registry(reg), tmp_path / "data", CrawlConfig(progress=False))
        asked = {t.split("?")[0] for t in server.targets()}
    assert detail in asked
    assert not asked & set(active)
    assert [d.url.endswith(detail) for d in iter_documents(tmp_path / "data")] == [True]


def test_fault_site_sizes_exceed_the_cap():
    """The bomb and the oversize bodies really are over the crawler's cap (or the tests prove nothing)."""
    from tests.reliability.fault_server import bomb_bytes

    assert len(bomb_bytes(40 * 1024 * 1024)) < MAX_BODY // 10
    with FaultServer() as s, FaultServer("127.0.0.2") as o:
        spec = fault_site(s, o, bomb=40 * 1024 * 1024, oversize=6 * 1024 * 1024)
    assert {f.kind for f in spec.faults} >= set(KINDS)


def test_query_noise_and_fragments_canonicalise():
    from crawler.discovery.links import clean_url
    from crawler.discovery.trs import canonical_url

    base = "http://a.gov.cn/col/202501/t20250120_5.html"
    for noisy in (base + "#top", base + "?from=list", base + "?utm_source=weibo&utm_medium=social"):
        assert canonical_url(clean_url(noisy)) == base
    assert clean_url("http://a.gov.cn/list.jsp?page=2&utm_campaign=x#a") == "http://a.gov.cn/list.jsp?page=2"
    assert canonical_url("http://a.gov.cn/list.jsp?page=2") == "http://a.gov.cn/list.jsp?page=2"
