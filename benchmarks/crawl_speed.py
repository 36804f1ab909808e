"""Crawler throughput against a local TRS-style site with added latency, next to a minimal Scrapy spider.

Prints figures; not a test.  Both crawlers get the same per-host concurrency
and delay, the same hosts (127.0.0.2 … on loopback, so each is its own host
to both) and the same pages.  The bound: with latency L per response, c
concurrent requests per host and delay d, one host serves at most
min(c / L, 1 / d) pages/s; the site's bound is that times the number of hosts.

    .venv/bin/python benchmarks/crawl_speed.py [--hosts 8] [--reports 250] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PER_PAGE = 20


def build_site(n_reports: int) -> dict[str, bytes]:
    pages = (n_reports + PER_PAGE - 1) // PER_PAGE
    site: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nDisallow: /private/\n"}
    for p in range(pages):
        items = "".join(
            f'<li><a href="./202501/t20250120_{i}.html">测试区第{i}单位2024年政府信息公开工作年度报告</a>'
            f"<span>2025-01-20</span></li>"
            for i in range(p * PER_PAGE, min(n_reports, (p + 1) * PER_PAGE))
        )
        name = "index.html" if p == 0 else f"index_{p}.html"
        nxt = f'<a href="index_{p + 1}.html">下一页</a>' if p + 1 < pages else ""
        site[f"/col/{name}"] = (
            f'<html><head><meta charset="utf-8"><title>年报</title></head><body><ul>{items}</ul>{nxt}'
            f'<script>createPageHTML({pages}, {p}, "index", "html");</script></body></html>'
        ).encode()
    for i in range(n_reports):
        title = f"测试区第{i}单位2024年政府信息公开工作年度报告"
        site[f"/col/202501/t20250120_{i}.html"] = (
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
            + "<p>正文。</p>" * 40
            + "</body></html>"
        ).encode()
    return site


def serve(host: str, site: dict[str, bytes], latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle on, a keep-alive client's delayed
        # ACK holds the body back about 40 ms per response, for any crawler
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def do_GET(self):
            time.sleep(latency)
            body = site.get(self.path.split("?")[0])
            status = 200 if body is not None else 404
            body = body if body is not None else b"not found"
            self.send_response(status)
            self.send_header(
                "Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


OURS = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from crawler import registry
from crawler.politeness import PolitenessConfig
from crawler.run import CrawlConfig, crawl

reg, data, per_host, delay, global_limit = json.loads(sys.argv[1])
cfg = CrawlConfig(politeness=PolitenessConfig(per_host=per_host, delay=delay, global_limit=global_limit),
                  progress=False, max_pages=1000)
t0 = time.perf_counter()
stats = crawl(registry.load_registry(Path(reg)), Path(data), cfg)
elapsed = time.perf_counter() - t0
print(json.dumps({"pages": sum(s.pages for s in stats.values()), "elapsed": elapsed}))
"""


class CpuMeter:
    """CPU seconds of the crawler (a child process) and of the site (this process's server threads)."""

    def __init__(self) -> None:
        self._child = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._self = time.process_time()

    def lap(self) -> tuple[float, float]:
        child, me = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
        out = (
            child.ru_utime + child.ru_stime - self._child.ru_utime - self._child.ru_stime,
            me - self._self,
        )
        self._child, self._self = child, me
        return out


def run_ours(starts: list[str], per_host: int, delay: float, global_limit: int) -> tuple[int, float]:
    """In its own process, like the Scrapy run, so neither shares the GIL with the site's server threads."""
    with tempfile.TemporaryDirectory() as tmp:
        reg = Path(tmp) / "bench.csv"
        lines = ["id,district,agency,level,start_url,cms,allow_private,delay,per_host,max_pages"]
        lines += [
            f"bench-{i},测试区,,district,{u},trs,true,{delay},{per_host},1000" for i, u in enumerate(starts)
        ]
        reg.write_text("\n".join(lines) + "\n", encoding="utf-8")
        arg = json.dumps([str(reg), str(Path(tmp) / "data"), per_host, delay, global_limit])
        out = subprocess.run(
            [sys.executable, "-c", OURS, arg, str(REPO)], capture_output=True, text=True, check=True
        )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["pages"] + len(starts), r["elapsed"]  # + one robots.txt per host, as Scrapy counts


SCRAPY_SPIDER = r"""
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess

starts, per_host, delay, global_limit = json.loads(sys.argv[1])

class Bench(scrapy.Spider):
    name = "bench"
    start_urls = starts
    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if "/col/" in url:
                yield scrapy.Request(url, callback=self.parse)

process = CrawlerProcess(settings={
    "CONCURRENT_REQUESTS": global_limit, "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
    "DOWNLOAD_DELAY": delay, "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
    "COOKIES_ENABLED": False, "USER_AGENT": "nianbao-bench-scrapy",
})
crawler = process.create_crawler(Bench)
t0 = time.perf_counter()
process.crawl(crawler)
process.start()
elapsed = time.perf_counter() - t0
print(json.dumps({"pages": crawler.stats.get_value("response_received_count"), "elapsed": elapsed}))
"""


def run_scrapy(starts: list[str], per_host: int, delay: float, global_limit: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:  # Scrapy inspects the spider's source: it must be a file
        script = Path(tmp) / "bench_spider.py"
        script.write_text(SCRAPY_SPIDER, encoding="utf-8")
        out = subprocess.run([sys.executable, str(script), json.dumps([starts, per_host, delay, global_limit])],
                             capture_output=True, text=True, check=True)  # fmt: skip
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["pages"], r["elapsed"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--reports", type=int, default=250, help="report pages per host")
    ap.add_argument("--latency", type=float, default=0.1, help="seconds added to every response")
    ap.add_argument("--per-host", type=int, default=2)
    ap.add_argument("--delay", type=float, default=0.0)
    args = ap.parse_args()
    site = build_site(args.reports)
    servers = [serve(f"127.0.0.{i + 2}", site, args.latency) for i in range(args.hosts)]
    starts = [f"http://127.0.0.{i + 2}:{s.server_address[1]}/col/index.html" for i, s in enumerate(servers)]
    global_limit = args.hosts * args.per_host
    per_host_rate = args.per_host / args.latency
    if args.delay > 0:
        per_host_rate = min(per_host_rate, 1 / args.delay)
    bound = per_host_rate * args.hosts
    pages_site = len(site) * args.hosts
    print(f"site: {args.hosts} hosts x {len(site)} pages = {pages_site} pages (incl. robots.txt); "
          f"latency {args.latency * 1000:.0f} ms; per-host concurrency {args.per_host}; delay {args.delay} s")  # fmt: skip
    print(f"bound (concurrency / latency x hosts): {bound:.1f} pages/s")
    cpu = CpuMeter()
    ours_pages, ours_t = run_ours(starts, args.per_host, args.delay, global_limit)
    ours_cpu = cpu.lap()
    scrapy_pages, scrapy_t = run_scrapy(starts, args.per_host, args.delay, global_limit)
    scrapy_cpu = cpu.lap()
    ours_rate, scrapy_rate = ours_pages / ours_t, scrapy_pages / scrapy_t
    print(
        f"nianbao: {ours_pages} pages in {ours_t:.2f} s = {ours_rate:.1f} pages/s ({ours_rate / bound:.0%} of bound)"
    )
    print(f"scrapy:  {scrapy_pages} pages in {scrapy_t:.2f} s = {scrapy_rate:.1f} pages/s "
          f"({scrapy_rate / bound:.0%} of bound)")  # fmt: skip
    print(f"ratio nianbao / scrapy: {ours_rate / scrapy_rate:.2f}x")
    for name, (crawler_s, site_s), wall in (("nianbao", ours_cpu, ours_t), ("scrapy", scrapy_cpu, scrapy_t)):
        print(f"cpu during the {name} run: crawler {crawler_s:.1f} s, site servers {site_s:.1f} s, "
              f"of {2 * wall:.1f} core-seconds on 2 cores ({(crawler_s + site_s) / (2 * wall):.0%} busy)")  # fmt: skip
    for s in servers:
        s.shutdown()


if __name__ == "__main__":
    main()
