"""The network-faults section of ``make reliability``.

One crawl, through the real CLI (``nianbao crawl`` in a subprocess, production
settings except ``allow_private``, no politeness delay, a short retry backoff
and read / whole-exchange timeouts scaled from 30 s / 120 s down to a few
seconds), against the fault site of ``fault_server``; then every fault is
checked against the server's request log, the archive, the ledger and the
transport log of the crawl process.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from crawler.archive import iter_documents, ledger_rows
from tests.reliability.fault_server import COL, FaultServer, SiteSpec, fault_site, registry_csv
from tests.reliability.report import Row

REPO = Path(__file__).resolve().parents[2]
SECTION = "network faults"
MAX_BODY = 50 * 1024 * 1024  # crawler.client.ClientConfig.max_body (production)
MEMORY_CAP_MB = 400  # the crawl process, gzip bomb and 60 MB streams included


@dataclass
class FaultCrawl:
    spec: SiteSpec
    server_targets: list[str]
    other_targets: list[str]
    connections: int
    docs: dict[str, str]  # path (with query) -> sha256
    ledger: dict[str, dict]  # url -> row
    transport: list[str]  # every request the crawl's HTTP transport was asked to send
    maxrss_mb: float | None
    exit_code: int | None
    stderr: str
    seconds: float
    origin: str
    times: dict[str, list[float]] = field(default_factory=dict)  # path -> request times (monotonic)


def _path(url: str) -> str:
    p = urlsplit(url)
    return p.path + ("?" + p.query if p.query else "")


def crawl_subprocess(reg: Path, data: Path, report: Path, *, read_timeout: float, total_timeout: float,
                     retry_base: float = 0.02, timeout: float = 300, extra: list[str] = ()) -> subprocess.CompletedProcess:  # fmt: skip
    cmd = [sys.executable, "-m", "tests.reliability.crawl_child", str(report), "--read-timeout", str(read_timeout),
           "--total-timeout", str(total_timeout), "--", "crawl", "--sources", str(reg), "--data-dir", str(data),
           "--no-progress", "--retry-base", str(retry_base), *extra]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env)


def fault_crawl(workdir: Path, *, bomb: int = 200 * 1024 * 1024, oversize: int = 60 * 1024 * 1024,
                read_timeout: float = 1.5, total_timeout: float = 3.0, max_pages: int = 100,
                inprocess: bool = False, max_body: int | None = None) -> FaultCrawl:  # fmt: skip
    """Crawl the fault site: as ``nianbao crawl`` in a subprocess (the report), or in this process through
    ``crawler.run.crawl`` with the transport instrumented (the fast tests; ``max_body`` may be lowered)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with FaultServer() as server, FaultServer("127.0.0.2") as other:
        spec = fault_site(server, other, bomb=bomb, oversize=oversize, max_pages=max_pages)
        reg = workdir / "faults.csv"
        reg.write_text(registry_csv(server, max_pages), encoding="utf-8")
        data = workdir / "data"
        t0 = time.perf_counter()
        if inprocess:
            transport, rss, code, stderr = _inprocess(reg, data, read_timeout, total_timeout, max_body)
        else:
            report = workdir / "child.json"
            proc = crawl_subprocess(reg, data, report, read_timeout=read_timeout, total_timeout=total_timeout)
            child = json.loads(report.read_text()) if report.exists() else {}
            kb = child.get("maxrss_kb")
            transport, rss, code, stderr = child.get("transport", []), kb / 1024 if kb else None, \
                proc.returncode, proc.stderr  # fmt: skip
        seconds = time.perf_counter() - t0
        docs = {_path(d.url): d.sha256 for d in iter_documents(data)}
        ledger = {r["url"]: r for r in ledger_rows(data)}
        return FaultCrawl(spec, server.targets(), other.targets(), server.connections, docs, ledger, transport,
                          rss, code, stderr, seconds, server.origin, dict(server.times))  # fmt: skip


def _inprocess(reg: Path, data: Path, read_timeout: float, total_timeout: float, max_body: int | None):
    import httpx

    from crawler import registry
    from crawler.client import ClientConfig
    from crawler.politeness import PolitenessConfig
    from crawler.retries import RetryPolicy
    from crawler.run import CrawlConfig, crawl

    sent: list[str] = []
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def recording(self, request):
        sent.append(str(request.url))
        return await original(self, request)

    client = ClientConfig(read_timeout=read_timeout, connect_timeout=read_timeout, total_timeout=total_timeout,
                          retry=RetryPolicy(base=0.02, cap=0.16))  # fmt: skip
    if max_body:
        client = replace(client, max_body=max_body)
    config = CrawlConfig(politeness=PolitenessConfig(delay=0.0), client=client, progress=False)
    httpx.AsyncHTTPTransport.handle_async_request = recording  # type: ignore[method-assign]
    try:
        stats = crawl(registry.load_registry(reg), data, config)
    finally:
        httpx.AsyncHTTPTransport.handle_async_request = original  # type: ignore[method-assign]
    warnings = "\n".join(w for s in stats.values() for w in s.warnings)
    return sent, None, 0, warnings


def evaluate(fc: FaultCrawl) -> dict[str, list[tuple[bool, str]]]:
    """Per fault kind: (passed, what was seen) for each injected fault."""
    out: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    hits = Counter(t.split("?", 1)[0] for t in fc.server_targets)
    for f in fc.spec.faults:
        url = fc.origin + f.path
        row = fc.ledger.get(url) or {}
        n = hits.get(f.path, 0)
        if f.expect == "stored":
            sha = fc.docs.get(f.path)
            good = sha is not None and (f.body is None or sha == hashlib.sha256(f.body).hexdigest())
            if f.kind == "fragment/query noise":
                variants = [p for p in fc.docs if p.split("?", 1)[0] == f.path or "noise" in p]
                good = good and n == 1 and len(variants) == 2  # the page and its one annex
                out[f.kind].append((good, f"{f.injected} noisy links → {n} request(s), {len(variants)} documents "
                                          "(page + annex)"))  # fmt: skip
                continue
            if f.injected and f.kind not in ("wrong charset", "absent charset"):
                good = good and n == f.injected + 1
            what = "stored intact" if good else f"NOT stored intact (sha {sha})"
            if f.kind.startswith("429"):
                t = fc.times.get(f.path, [])
                waited = t[1] - t[0] if len(t) > 1 else 0.0
                good = good and waited >= 0.9
                what += f", retried {waited:.1f} s later"
            out[f.kind].append((good, f"{f.path.rsplit('/', 1)[1]}: {what} after {n} request(s)"))
        elif f.expect == "error":
            err = row.get("error") or ""
            good = f.path not in fc.docs and row.get("status") == "error" and url in err
            out[f.kind].append(
                (good, f"{n} request(s), not stored, ledger error: {err[len(url) + 2 :][:70]!r}")
            )
        elif f.expect == "refused":
            err = row.get("error") or ""
            target_host = urlsplit(f.note).hostname or ""
            reached = [u for u in fc.transport if (urlsplit(u).hostname or "") == target_host]
            good = row.get("status") == "refused" and url in err and not reached and n == 1
            out[f.kind].append((good, f"{f.note}: refused before connecting ({len(reached)} transport "
                                      f"request(s)); ledger: {err[:60]!r}"))  # fmt: skip
        elif f.expect == "bounded":
            pages = sorted(p for p in hits if p.startswith(COL + "index_"))
            warned = f"{fc.spec.pages_claimed} list pages" in fc.stderr
            good = len(pages) <= fc.spec.max_pages - 1 and warned
            out[f.kind].append((good, f"{fc.spec.pages_claimed} pages claimed, {len(pages)} fetched "
                                      f"(max_pages {fc.spec.max_pages}), warning {'shown' if warned else 'MISSING'}"))  # fmt: skip
    return out


def rows_for(fc: FaultCrawl) -> list[Row]:
    per_kind = evaluate(fc)
    rows = []
    kinds = Counter(f.kind for f in fc.spec.faults)
    injected = sum(max(f.injected, 1) for f in fc.spec.faults if f.expect != "bounded")
    served = Counter(t.split("?", 1)[0] for t in fc.server_targets)
    unserved = [f.path for f in fc.spec.faults if f.expect != "bounded" and not served.get(f.path)]
    rows.append(Row(SECTION, "faults injected", f"{injected} fault answers on {len(fc.spec.faults)} addresses, "
                                                f"{len(kinds)} kinds (+ a column claiming "
                                                f"{fc.spec.pages_claimed:,} list pages)", not unserved))  # fmt: skip
    for kind, results in per_kind.items():
        ok = all(g for g, _ in results)
        rows.append(Row(SECTION, f"  {kind} (x{len(results)})", "; ".join(w for _, w in results[:2])
                        + (f"; … {len(results) - 2} more" if len(results) > 2 else ""), ok))  # fmt: skip
    off = len(fc.other_targets)
    forbidden_hosts = {urlsplit(t).hostname for t in fc.spec.forbidden_targets}
    bad_transport = [u for u in fc.transport if urlsplit(u).hostname != "127.0.0.1"]
    rows.append(Row(SECTION, "requests made", f"{len(fc.server_targets)} requests on {fc.connections} connections "
                             f"to the fault site; {off} to the off-domain host 127.0.0.2; "
                             f"{len(bad_transport)} transport requests to any other host "
                             f"({len(forbidden_hosts)} forbidden hosts pointed at)",
                    off == 0 and not bad_transport))  # fmt: skip
    expected = fc.spec.expected_docs
    stored = {p.split("?", 1)[0] for p in fc.docs}
    missing, unexpected = expected - stored, stored - expected
    rows.append(Row(SECTION, "documents expected vs stored",
                    f"{len(expected)} expected, {len(fc.docs)} stored, {len(missing)} missing, {len(unexpected)} "
                    f"unexpected" + (f" (missing {sorted(missing)[:3]})" if missing else ""),
                    not missing and not unexpected and len(fc.docs) == len(expected)))  # fmt: skip
    must = [f for f in fc.spec.faults if f.expect in ("error", "refused")]
    named = [
        f
        for f in must
        if fc.origin + f.path in ((fc.ledger.get(fc.origin + f.path) or {}).get("error") or "")
    ]
    rows.append(Row(SECTION, "errors surfaced", f"{len(named)} of {len(must)} failing addresses have a ledger error "
                             "naming the address", len(named) == len(must)))  # fmt: skip
    rss = f"{fc.maxrss_mb:.0f} MB" if fc.maxrss_mb else "unknown"
    rows.append(Row(SECTION, "peak memory (crawl process)", f"{rss} (cap {MEMORY_CAP_MB} MB; max body "
                             f"{MAX_BODY >> 20} MiB)", bool(fc.maxrss_mb) and fc.maxrss_mb < MEMORY_CAP_MB))  # fmt: skip
    rows.append(
        Row(SECTION, "crawl exit", f"exit code {fc.exit_code} in {fc.seconds:.1f} s", fc.exit_code == 0)
    )
    return rows


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="nianbao-faults-") as tmp:
        fc = fault_crawl(Path(tmp))
        return rows_for(fc)


if __name__ == "__main__":
    for r in run():
        print(f"{'PASS' if r.passed else 'FAIL'}  {r.what}  {r.measured}")
