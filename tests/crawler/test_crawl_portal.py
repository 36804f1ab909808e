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
