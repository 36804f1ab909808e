"""kill -9 in the middle of a crawl, rerun: same documents as a clean run, no duplicates, no torn WARC."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler import registry
from crawler.archive import iter_documents, ledger_rows, read_payload
from crawler.run import crawl
from tests.crawler import portal as P
from tests.crawler.test_crawl_portal import FAST

REPO = Path(__file__).resolve().parents[2]


def _docs(data: Path) -> list[tuple[str, str, str]]:
    return sorted((d.url.split("/", 3)[3], d.sha256, d.role) for d in iter_documents(data))


def _warc_ok(data: Path) -> int:
    n = 0
    for warc in (data / "raw").glob("*.warc.gz"):
        with open(warc, "rb") as f:
            for rec in ArchiveIterator(f):
                rec.content_stream().read()
                n += 1
    return n


def test_kill_minus_nine_then_resume(tmp_path):
    with P.Portal(latency=0.04) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        clean = tmp_path / "clean"
        crawl(registry.load_registry(reg), clean, FAST)
        expected = _docs(clean)
        assert len(expected) == 11

        portal.flaky = P.default_flaky()
        start = len(portal.requests)
        data = tmp_path / "data"
        cmd = [sys.executable, "-m", "nianbao", "crawl", "--sources", str(reg), "--data-dir", str(data),
               "--no-progress", "--delay", "0", "--retry-base", "0.01"]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
        deadline = time.monotonic() + 30
        while len(portal.requests) - start < 16 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        assert proc.poll() is None, "the crawl finished before it could be interrupted"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        partial = _docs(data)
        assert len(partial) < len(expected)
        # a record torn by the kill: bytes after the last committed record
        warcs = sorted((data / "raw").glob("*.warc.gz"))
        if warcs:
            with open(warcs[-1], "ab") as f:
                f.write(b"\x1f\x8b\x08\x00torn record")

        crawl(registry.load_registry(reg), data, FAST)
        assert _docs(data) == expected
        urls = [r["url"] for r in ledger_rows(data)]
        assert len(urls) == len(set(urls))
        assert _warc_ok(data) > 0
        for d in iter_documents(data):
            read_payload(data, d.sha256)
