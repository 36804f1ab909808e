"""End to end against the fixture portal: exactly the right reports and files, nothing forbidden touched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler import registry
from crawler.archive import iter_documents, ledger_rows, read_payload
from crawler.client import ClientConfig
from crawler.politeness import PolitenessConfig
from crawler.retries import RetryPolicy
from crawler.run import CrawlConfig, crawl, summary_table
from tests.crawler import portal as P

FAST = CrawlConfig(
    politeness=PolitenessConfig(delay=0.0, per_host=2),
    client=ClientConfig(
        retry=RetryPolicy(attempts=4, base=0.01, cap=0.05, retry_after_cap=0.2), read_timeout=5
    ),
    progress=False,
)


def _sources(tmp_path: Path, portal: P.Portal) -> list[registry.Source]:
    reg = tmp_path / "reg.csv"
    reg.write_text(P.registry_csv(portal), encoding="utf-8")
    return registry.load_registry(reg)


@pytest.fixture()
def crawled(tmp_path):
    with P.Portal() as portal:
        data = tmp_path / "data"
        stats = crawl(_sources(tmp_path, portal), data, FAST)
        yield portal, data, stats


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_exact_reports_and_attachments(crawled):
    portal, data, stats = crawled
    docs = list(iter_documents(data))
    reports = {_path(d.url) for d in docs if d.role == "report"}
    assert reports == P.EXPECTED_REPORTS
    atts = {_path(d.url): _path(d.parent_url) for d in docs if d.role == "attachment"}
    assert atts == P.EXPECTED_ATTACHMENTS
    assert len({d.url for d in docs}) == len(docs)
    s = stats["test-district"]
    assert (s.reports, s.attachments, s.blocked) == (7, 4, 1)
    assert "test-district" in summary_table(stats)


def test_hints_and_media_types(crawled):
    _, data, _ = crawled
    by_path = {_path(d.url): d for d in iter_documents(data)}
    d = by_path[P.R["fgw23"][0]]
    assert (d.year_hint, d.agency_hint, d.published_hint) == (
        2023,
        "重庆市测试区发展和改革委员会",
        "2024-01-25",
    )
    assert d.level == "district" and d.district == "测试区" and d.source_id == "test-district"
    d21 = by_path[P.R["district21"][0]]  # truncated list title: the page's own title decided
    assert d21.year_hint == 2021 and d21.title_hint == P.R["district21"][1]
    assert by_path[P.R["npjd24"][0]].published_hint == "2025-01-16"
    docx = by_path[P.ATTACH["fgw24.docx"]]
    assert docx.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx.year_hint == 2024 and docx.parent_url.endswith(P.R["fgw24"][0])
    assert read_payload(data, docx.sha256) == P.DOCX
    gbk = read_payload(data, by_path[P.R["fgw24"][0]].sha256)
    assert P.R["fgw24"][1] in gbk.decode("gb18030")


def test_forbidden_never_requested(crawled):
    portal, data, _ = crawled
    paths = portal.paths()
    assert not any(p.startswith(P.DISALLOWED_COLUMN) for p in paths), "robots.txt disallowed path was fetched"
    assert P.R["fgw23"][0].replace(".html", "_wap.html") not in paths  # the _wap twin is the same document
    rows = {_path(r["url"]): r for r in ledger_rows(data)}
    assert rows[P.BLOCKED]["status"] == "blocked" and rows[P.BLOCKED]["sha256"] is None
    assert "$_ts" in rows[P.BLOCKED]["error"]
    assert paths.count(P.BLOCKED) == 1  # a block is never retried
    assert rows[P.OFFSITE]["status"] == "refused" and "leaves the allowed domains" in rows[P.OFFSITE]["error"]
    assert rows[P.TO_PRIVATE]["status"] == "refused" and "10.0.0.1" in rows[P.TO_PRIVATE]["error"]


def test_flaky_answers_retried(crawled):
    portal, data, _ = crawled
    paths = portal.paths()
    assert paths.count(P.R["npjd23"][0]) == 3  # 503, 500, then 200
    assert paths.count(P.R["district21"][0]) == 2  # 429 with Retry-After, then 200
    rows = {_path(r["url"]): r for r in ledger_rows(data)}
    assert rows[P.R["npjd23"][0]]["attempts"] == 3 and rows[P.R["npjd23"][0]]["status"] == "ok"


def test_archive_stores_each_payload_once(crawled):
    _, data, _ = crawled
    responses, revisits, requests = [], 0, 0
    for warc in sorted((data / "raw").glob("*.warc.gz")):
        with open(warc, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response":
                    responses.append(hashlib.sha256(rec.content_stream().read()).hexdigest())
                    assert rec.http_headers.get_header("Content-Type") is not None
                elif rec.rec_type == "revisit":
                    revisits += 1
                elif rec.rec_type == "request":
                    requests += 1
                    assert "nianbao" in rec.http_headers.get_header("User-Agent")
    assert len(responses) == len(set(responses))
    assert revisits == 1 and requests == len(responses) + revisits
    docs = list(iter_documents(data))
    shared = [d for d in docs if d.sha256 == hashlib.sha256(P.SHARED_PDF).hexdigest()]
    assert len(shared) == 2


def test_recrawl_is_conditional_and_stable(crawled, tmp_path):
    portal, data, _ = crawled
    before = sorted((d.url, d.sha256) for d in iter_documents(data))
    size_before = sum(p.stat().st_size for p in (data / "raw").glob("*.warc.gz"))
    n = len(portal.requests)
    stats = crawl(_sources(tmp_path, portal), data, FAST)
    after = sorted((d.url, d.sha256) for d in iter_documents(data))
    assert after == before
    again = portal.requests[n:]
    d24 = [h for p, h in again if p == P.R["district24"][0]]
    assert d24 and d24[0].get("If-None-Match") == '"d24-v1"'
    d23 = [h for p, h in again if p == P.R["district23"][0]]
    assert d23 and d23[0].get("If-Modified-Since") == "Thu, 18 Jan 2024 08:00:00 GMT"
    assert stats["test-district"].reused >= 2
    size_after = sum(p.stat().st_size for p in (data / "raw").glob("*.warc.gz"))
    assert size_after == size_before  # unchanged pages add nothing to the archive


def test_since_skips_older_years(tmp_path):
    with P.Portal() as portal:
        data = tmp_path / "data"
        from dataclasses import replace

        crawl(_sources(tmp_path, portal), data, replace(FAST, since=2024))
        years = {d.year_hint for d in iter_documents(data) if d.role == "report"}
        assert years == {2024}


def test_private_address_needs_allow_private(tmp_path):
    with P.Portal() as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal).replace(",true,0", ",false,0"), encoding="utf-8")
        data = tmp_path / "data"
        stats = crawl(registry.load_registry(reg), data, FAST)
        assert portal.paths() == []
        assert stats["test-district"].refused == 1
        (row,) = ledger_rows(data)
        assert row["status"] == "refused" and "127.0.0.1" in row["error"]


def test_sub_column_owned_by_another_row_is_left_to_it():
    from crawler.registry import Source
    from crawler.run import Crawl, CrawlConfig

    def src(sid, url):
        return Source(
            id=sid, district="d", agency=None, level="district", start_url=url, cms="trs", allow_private=True
        )

    district = src("district", "http://h.gov.cn/zwgk_1/zfxxgknb/index.html")
    street = src("street", "http://h.gov.cn/zwgk_1/zfxxgknb/jd/npjd/index.html")
    run = Crawl([district, street], Path("/nonexistent"), CrawlConfig())
    assert run.owner_elsewhere(district, "http://h.gov.cn/zwgk_1/zfxxgknb/jd/npjd/") == "street"
    assert run.owner_elsewhere(district, "http://h.gov.cn/zwgk_1/zfxxgknb/qzfbm/") is None
    assert run.owner_elsewhere(street, "http://h.gov.cn/zwgk_1/zfxxgknb/jd/npjd/x/") is None


def test_redirect_to_another_port_of_the_same_host_is_refused(monkeypatch):
    import asyncio

    import httpx

    from crawler.client import ClientConfig, Fetcher
    from crawler.politeness import Politeness

    sent: list[str] = []

    async def recording(self, request):
        sent.append(str(request.url))
        raise AssertionError(f"transport reached for {request.url}")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", recording)
    src = registry.Source(
        id="s", district="d", agency=None, level="district", start_url="http://127.0.0.1:8080/col/index.html",
        cms="trs", allow_private=True,
    )  # fmt: skip
    assert src.ports() == frozenset({80, 443, 8080})

    async def go():
        f = Fetcher(ClientConfig(), Politeness(PolitenessConfig(delay=0.0)))
        try:
            return await f.fetch(
                "http://127.0.0.1:6379/", domains=src.domains(), ports=src.ports(), allow_private=True
            )
        finally:
            await f.aclose()

    r = asyncio.run(go())
    assert r.outcome == "refused" and "port 6379" in r.error and sent == []


def test_a_document_the_archive_cannot_take_fails_alone(tmp_path, monkeypatch):
    """One bad write is that URL's error; the rest of its batch and of the crawl go on,
    and the WARC keeps no bytes of the failed write."""
    import asyncio

    from crawler import archive as archive_mod
    from crawler.archive import Archive
    from crawler.client import FetchResult
    from crawler.ledger import Ledger

    real = archive_mod.warc_records

    def flaky(res, sha, revisit, date):
        if res.final_url.endswith("/bad.html"):
            raise ValueError("cannot encode this record")
        return real(res, sha, revisit, date)

    monkeypatch.setattr(archive_mod, "warc_records", flaky)
    urls = ("http://h.gov.cn/a.html", "http://h.gov.cn/bad.html", "http://h.gov.cn/c.html")

    async def go():
        arch = Archive(tmp_path, Ledger(tmp_path))
        await arch.start()
        try:
            return await asyncio.gather(
                *(
                    arch.save(
                        {
                            "url": u,
                            "final_url": u,
                            "status": "ok",
                            "fetched_at": "2026-01-01T00:00:00Z",
                            "source_id": "s",
                            "role": "report",
                        },
                        FetchResult(
                            u, u, "ok", 200, [(b"Content-Type", b"text/html")], body=f"<p>{u}</p>".encode()
                        ),
                    )  # fmt: skip
                    for u in urls
                ),
                return_exceptions=True,
            )
        finally:
            await arch.close()

    a, bad, c = asyncio.run(go())
    assert isinstance(bad, ValueError)
    assert a["sha256"] and c["sha256"]
    stored = {r["url"]: r for r in ledger_rows(tmp_path) if r.get("sha256")}
    assert set(stored) == {urls[0], urls[2]}
    for u, row in stored.items():
        assert read_payload(tmp_path, row["sha256"]) == f"<p>{u}</p>".encode()
    # the WARC holds exactly the two committed documents, each once
    with open(next((tmp_path / "raw").glob("*.warc.gz")), "rb") as f:
        targets = [
            r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(f)
            if r.rec_type == "response"
        ]
    assert sorted(targets) == [urls[0], urls[2]]


def test_sub_column_owner_across_www_twin_and_scheme():
    from crawler.run import Crawl, CrawlConfig

    def src(sid, url):
        return registry.Source(sid, "d", None, "district", url, "trs", allow_private=True)

    district = src("district", "http://cqbn.gov.cn/zwgk_252/zfxxgknb/index.html")
    office = src("office", "https://www.cqbn.gov.cn/zwgk_252/zfxxgknb/qzfbm/zfbgs/index.html")
    run = Crawl([district, office], Path("/nonexistent"), CrawlConfig())
    assert run.owner_elsewhere(district, "http://www.cqbn.gov.cn/zwgk_252/zfxxgknb/qzfbm/zfbgs/") == "office"
    assert run.owner_elsewhere(district, "http://www.cqbn.gov.cn/zwgk_252/zfxxgknb/qzfbm/") is None


@pytest.mark.parametrize(
    "location", ["http://127.0.0.1:99999/x.html", "http://127.0.0.1:-1/x.html", "http://[::1/x.html"]
)
def test_redirect_to_a_malformed_address_is_that_fetch_s_error_not_a_crash(monkeypatch, location):
    import asyncio

    import httpx

    from crawler.client import ClientConfig, Fetcher
    from crawler.politeness import Politeness

    async def answer(self, request):
        return httpx.Response(302, headers={"Location": location}, request=request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", answer)

    async def go():
        f = Fetcher(ClientConfig(), Politeness(PolitenessConfig(delay=0.0)))
        try:
            return await f.fetch("http://127.0.0.1:8080/a.html", domains=frozenset({"127.0.0.1"}),
                                 ports=frozenset({80, 443, 8080}), allow_private=True)  # fmt: skip
        finally:
            await f.aclose()

    r = asyncio.run(go())
    assert r.outcome in ("refused", "error") and r.error
