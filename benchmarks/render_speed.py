"""The browser fetcher: time per render, browser memory, and a column without JavaScript crawled as fast as before.

Prints figures; not a test.  Three runs on loopback:

1. a script-built list (``--pages`` list pages, each filled from JSON, each with
   images that are never loaded) plus its reports: every list page is rendered;
2. a column behind a cookie challenge on every page: one render, the rest plain;
3. the TRS site of crawl_speed.py (no JavaScript) crawled with the browser
   enabled and with ``--no-browser``, alternately, ``--rounds`` times each:
   the browser must never start and the times must match.

    .venv/bin/python benchmarks/render_speed.py [--pages 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from crawl_speed import build_site, serve  # noqa: E402

from crawler import registry  # noqa: E402
from crawler.browser import BrowserConfig, unavailable_reason  # noqa: E402
from crawler.politeness import PolitenessConfig  # noqa: E402
from crawler.run import Crawl, CrawlConfig  # noqa: E402
from tests.crawler import browser_portal as B  # noqa: E402
from tests.crawler import portal as P  # noqa: E402

CFG = CrawlConfig(politeness=PolitenessConfig(per_host=2, delay=0.0), progress=False, max_pages=1000)


def script_site(pages: int) -> dict:
    """``pages`` script-built list pages of 5 reports each, every page with 6 images and a banner."""
    site = B.script_list_site()
    page = B.SCRIPT_LIST_PAGE.replace(b"<ul id='list'>", b"".join(
        b"<img src='/images/p%d.jpg'>" % i for i in range(6)) + b"<ul id='list'>")  # fmt: skip
    for p in range(pages):
        ids = list(range(p * 5 + 1, p * 5 + 6))
        site[B.COL + ("index.html" if p == 0 else f"index_{p}.html")] = (200, B.HTML, page)
        items = [{"href": f"./2025{i % 12 + 1:02d}/t2025{i % 12 + 1:02d}10_{900 + i}.html", "title": B.title(i),
                  "date": "2025-01-10"} for i in ids]  # fmt: skip
        body = json.dumps({"pages": pages, "items": items}, ensure_ascii=False).encode()
        site[f"{B.COL}data_{p}.json"] = (200, {"Content-Type": "application/json"}, body)
        for i in ids:
            site[f"{B.COL}2025{i % 12 + 1:02d}/t2025{i % 12 + 1:02d}10_{900 + i}.html"] = (
                200, B.HTML, P._report(B.title(i)))  # fmt: skip
    site[B.COL] = site[B.COL + "index.html"]
    return site


def run(csv_text: str, config: CrawlConfig) -> tuple[Crawl, dict, float]:
    with tempfile.TemporaryDirectory() as tmp:
        reg = Path(tmp) / "r.csv"
        reg.write_text(csv_text, encoding="utf-8")
        c = Crawl(registry.load_registry(reg), Path(tmp) / "data", config)
        t0 = time.perf_counter()
        stats = asyncio.run(c.run())
        return c, stats, time.perf_counter() - t0


def render_figures(c: Crawl, stats: dict, elapsed: float, label: str) -> None:
    r = c.gate.renderer.stats
    secs = r.seconds
    warm = secs[1:] or secs
    s = next(iter(stats.values()))
    print(f"{label}: {r.renders} render(s), {s.reports} reports, {elapsed:.2f} s crawl; first render "
          f"{secs[0]:.2f} s (browser start included), later renders median {statistics.median(warm):.2f} s, "
          f"slowest {max(warm):.2f} s; peak browser memory {r.peak_memory / 2**20:.0f} MiB; "
          f"{r.launches} launch(es)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10, help="script-built list pages")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the no-JavaScript comparison")
    ap.add_argument("--reports", type=int, default=250, help="report pages of the no-JavaScript site")
    ap.add_argument("--latency", type=float, default=0.05)
    args = ap.parse_args()
    reason = unavailable_reason()
    if reason:
        print(f"no browser: {reason}; only the no-JavaScript comparison runs")
    else:
        with P.Portal(site=script_site(args.pages), flaky={}) as portal:
            c, stats, t = run(B.registry_row(portal), CFG)
            skipped = sum(1 for p in portal.paths() if p.startswith("/images/"))
            render_figures(c, stats, t, f"script-built list ({args.pages} pages)")
            print(f"  images requested from the site: {skipped}")
        with P.Portal(site=B.challenge_site(), flaky={}) as portal:
            c, stats, t = run(B.registry_row(portal), CFG)
            render_figures(c, stats, t, "challenge on every page")
            print(f"  challenges solved: {c.gate.solved}")
    site = build_site(args.reports)
    server = serve("127.0.0.2", site, args.latency)
    start = f"http://127.0.0.2:{server.server_address[1]}/col/index.html"
    row = f"id,district,agency,level,start_url,cms,allow_private\nplain,测试区,,district,{start},trs,true\n"
    times: dict[str, list[float]] = {"browser enabled": [], "--no-browser": []}
    for _ in range(args.rounds):
        for label, enabled in (("browser enabled", True), ("--no-browser", False)):
            cfg = replace(CFG, browser=BrowserConfig(enabled=enabled))
            c, stats, t = run(row, cfg)
            assert c.gate.renderer.stats.launches == 0, "the browser started on a site without JavaScript"
            times[label].append(t)
    pages = len(site) - 1
    for label, ts in times.items():
        print(f"no-JavaScript column ({pages} pages, {args.latency * 1000:.0f} ms latency), {label}: "
              f"median {statistics.median(ts):.2f} s over {len(ts)} runs ({', '.join(f'{x:.2f}' for x in ts)})")  # fmt: skip
    server.shutdown()


if __name__ == "__main__":
    main()
