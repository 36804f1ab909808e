"""What a crawl says about itself: exit codes, robots.txt verdicts, direct report files, progress, summary."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
from pathlib import Path

from crawler import registry
from crawler.archive import iter_documents
from crawler.ledger import Ledger
from crawler.robots import Robots, parse_robots
from crawler.run import CrawlConfig, crawl, summary_table
from nianbao.cli import main
from tests.crawler import portal as P
from tests.crawler.test_crawl_portal import FAST

REPO = Path(__file__).resolve().parents[2]
HEAD = "id,district,agency,level,start_url,cms,allow_private,delay\n"
FAST_ARGS = ["--no-progress", "--retry-base", "0.01", "--delay", "0"]


def _dead_url() -> str:
    """An address on loopback where nothing listens: connection refused at once, no network needed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/zwgk/nb/index.html"


def _registry(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    reg = tmp_path / "reg.csv"
    reg.write_text(HEAD + "".join(f"{i},测试区,,district,{u},{cms},true,0\n" for i, u, cms in rows), "utf-8")
    return reg


def test_a_crawl_that_reached_nothing_exits_1_and_says_so(tmp_path, capsys):
    reg = _registry(tmp_path, [("dead-a", _dead_url(), "trs"), ("dead-b", _dead_url(), "generic")])
    rc = main(["crawl", "--sources", str(reg), "--data-dir", str(tmp_path / "d"), *FAST_ARGS])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.strip().splitlines()[-1] == "crawl: 2 of 2 sources reached nothing — is the network reachable?"
    # extract right after it must not advise running the crawl that just ran
    assert main(["extract", "--data-dir", str(tmp_path / "d")]) == 1  # nothing to extract is a failure
    err = capsys.readouterr().err
    assert "no archived documents" in err and "nianbao crawl --data-dir" not in err
    assert "archived no report" in err


def test_some_sources_failed_exit_1_all_reached_exit_0(tmp_path, capsys):
    with P.Portal(flaky={}) as portal:
        good = portal.url(P.COL + "index.html")
        reg = _registry(tmp_path, [("good", good, "trs"), ("dead", _dead_url(), "trs")])
        rc = main(["crawl", "--sources", str(reg), "--data-dir", str(tmp_path / "d"), *FAST_ARGS])
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert rc == 1
        assert err.startswith("crawl: 1 of 2 sources reached nothing (dead)")
        rc = main(["crawl", "--sources", str(reg), "--source", "good", "--data-dir", str(tmp_path / "e"),
                   *FAST_ARGS])  # fmt: skip
        assert rc == 0
        assert capsys.readouterr().err.strip().splitlines()[-1] == "crawl: all 1 source(s) reached"


def test_make_all_stops_after_a_failed_crawl(tmp_path):
    """Even with -j: extract and load must not run beside (or after) a crawl that failed."""
    log = tmp_path / "calls"
    fake = tmp_path / "nianbao"
    fake.write_text(
        f'#!/bin/sh\necho "$1" >> {log}\nif [ "$1" = crawl ]; then sleep 0.5; exit 1; fi\nexit 0\n'
    )
    fake.chmod(0o755)
    r = subprocess.run(["make", "-s", "-j3", "all", f"NIANBAO={fake}", f"DATA={tmp_path}", "STAMP=Makefile"],
                       cwd=REPO, capture_output=True, text=True)  # fmt: skip
    assert r.returncode != 0
    assert log.read_text().split() == ["crawl"]


# --- robots.txt (RFC 9309) ----------------------------------------------------


def test_robots_unavailable_4xx_means_no_rules_unreachable_means_disallowed_for_now():
    assert parse_robots(404, b"").allows("http://x/a", "ua")
    assert parse_robots(403, b"").allows("http://x/a", "ua")
    assert parse_robots(429, b"").verdict("http://x/a", "ua").unreachable
    v = parse_robots(503, b"").verdict("http://x/a", "ua")
    assert not v.allowed and v.unreachable and "HTTP 503" in v.reason and "for now" in v.reason

    async def unreachable(url):
        raise ConnectionError("connection refused")

    v = asyncio.run(Robots("ua").allowed("http://x/a", unreachable))
    assert not v.allowed and v.unreachable and "unreachable (connection refused)" in v.reason
    rule = parse_robots(200, b"User-agent: *\nDisallow: /p/\n")
    v = rule.verdict("http://x/p/1", "ua")
    assert not v.allowed and not v.unreachable and v.reason == "disallowed by robots.txt"


def test_robots_5xx_is_an_error_to_retry_not_a_refusal(tmp_path):
    site = P.build_site()
    site["/robots.txt"] = (503, {"Content-Type": "text/plain"}, b"down")
    with P.Portal(site=site, flaky={}) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        stats = crawl(registry.load_registry(reg), tmp_path / "d", FAST)["test-district"]
        assert portal.paths().count("/robots.txt") == 4  # retried like any 5xx, then given up for this run
        assert not any(p.startswith(P.COL) for p in portal.paths())  # disallowed for now: nothing else asked
    assert (stats.refused, stats.errors) == (0, 1)
    assert "robots.txt unavailable (HTTP 503); host treated as disallowed for now" in stats.warnings[0]
    led = Ledger(tmp_path / "d", readonly=True)
    assert {r["status"] for r in led.rows()} == {"error"}  # the next run asks again
    led.close()


# --- a generic list linking its reports straight to the files -------------------

GENERIC_LIST = """<html><head><meta charset="utf-8"><title>年报</title></head><body><ul>
<li><a href="/gk/nb/2024.html">重庆市测试区2024年政府信息公开工作年度报告</a></li>
<li><a href="/gk/nb/2023nb.pdf">重庆市测试区2023年政府信息公开工作年度报告</a></li>
<li><a href="/gk/nb/guide.pdf">政府信息公开指南</a></li>
<li><a href="/gk/nb/more.html">更多</a></li>
<li><a href="/other/x.html">别处</a></li>
</ul></body></html>"""


def _generic_site() -> dict:
    html = {"Content-Type": "text/html; charset=utf-8"}
    return {
        "/robots.txt": (404, {}, b""),
        "/gk/nb/index.html": (200, html, GENERIC_LIST.encode()),
        "/gk/nb/2024.html": (200, html, P._report("重庆市测试区2024年政府信息公开工作年度报告")),
        "/gk/nb/2023nb.pdf": (200, {"Content-Type": "application/pdf"}, P.PDF),
        "/gk/nb/guide.pdf": (200, {"Content-Type": "application/pdf"}, P.PDF),
        "/gk/nb/more.html": (200, html, b"<html><body>nothing</body></html>"),
    }


def test_generic_list_link_straight_to_a_pdf_is_a_report(tmp_path):
    with P.Portal(site=_generic_site(), flaky={}) as portal:
        reg = _registry(tmp_path, [("g", portal.url("/gk/nb/index.html"), "generic")])
        stats = crawl(registry.load_registry(reg), tmp_path / "d", FAST)["g"]
        paths = portal.paths()
    assert "/gk/nb/2023nb.pdf" in paths and "/gk/nb/guide.pdf" not in paths
    reports = {d.url.split("/", 3)[3]: d for d in iter_documents(tmp_path / "d") if d.role == "report"}
    assert set(reports) == {"gk/nb/2024.html", "gk/nb/2023nb.pdf"}
    assert reports["gk/nb/2023nb.pdf"].year_hint == 2023
    assert stats.reports == 2
    assert any("1 document link(s) whose title names no report were not fetched: 政府信息公开指南" in w
               for w in stats.warnings)  # fmt: skip


# --- progress and summary -------------------------------------------------------


def test_progress_never_runs_backwards(tmp_path, monkeypatch):
    import tqdm

    seen: list[tuple[float, float]] = []

    class Recording(tqdm.tqdm):
        def __init__(self, *a, **kw):
            kw["file"] = open(tmp_path / "bar.txt", "w")  # noqa: SIM115 - closed with the bar
            super().__init__(*a, **kw)

        def refresh(self, *a, **kw):
            seen.append((self.n, self.total))
            return super().refresh(*a, **kw)

        def update(self, n=1):
            r = super().update(n)
            seen.append((self.n, self.total))
            return r

    monkeypatch.setattr(tqdm, "tqdm", Recording)
    with P.Portal(flaky={}) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        crawl(registry.load_registry(reg), tmp_path / "d", CrawlConfig(**{**FAST.__dict__, "progress": True}))
    fractions = [n / total for n, total in seen if total]
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions), "the bar ran backwards"
    assert "urls" in (tmp_path / "bar.txt").read_text()


def test_summary_says_what_expected_and_found_count(tmp_path):
    with P.Portal(site=_generic_site(), flaky={}) as portal:
        reg = _registry(tmp_path, [("g", portal.url("/gk/nb/index.html"), "generic")])
        stats = crawl(registry.load_registry(reg), tmp_path / "d", FAST)
    table = summary_table(stats)
    row = next(line for line in table.splitlines() if line.startswith("g "))
    assert row.split()[-2:] == ["-", "-"]  # no list of this source announces a count: neither is a number
    assert "expected  entries the source's list pages announce" in table
    assert "found     entries found in those same announcing lists" in table
    from crawler.run import COLUMNS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, _ in COLUMNS:
        assert f"`{name}`" in readme, f"README does not explain the summary column {name}"


def test_machine_readable_summary(tmp_path, capsys):
    with P.Portal(flaky={}) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        out = tmp_path / "s" / "summary.json"
        rc = main(["crawl", "--sources", str(reg), "--data-dir", str(tmp_path / "d"), "--summary", str(out),
                   *FAST_ARGS, "-q"])  # fmt: skip
    captured = capsys.readouterr()
    assert rc == 0 and captured.out == "" and captured.err == ""  # -q: nothing unless something failed
    s = json.loads(out.read_text(encoding="utf-8"))
    assert s["exit_code"] == 0 and s["sources_failed"] == [] and s["sources_total"] == 1
    src = s["sources"]["test-district"]
    assert (src["reports"], src["attachments"], src["blocked"], src["reached"]) == (7, 4, 1, True)
    assert s["totals"]["reports"] == 7 and "expected" in s["columns"]


def test_verbose_logs_each_request(tmp_path, capsys):
    with P.Portal(flaky={}) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        rc = main(["-v", "crawl", "--sources", str(reg), "--data-dir", str(tmp_path / "d"), *FAST_ARGS])
    assert rc == 0
    assert f"INFO: test-district: list {portal.url(P.COL + 'index.html')} -> 200" in capsys.readouterr().err
