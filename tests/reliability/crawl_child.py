"""Run ``nianbao <args>`` exactly as the CLI does, instrumented for the fault harness.

``python -m tests.reliability.crawl_child REPORT.json [--read-timeout S] [--total-timeout S] -- crawl ...``

* every request the HTTP transport is about to send (i.e. before any
  connection is opened for it) is recorded, so a test can prove that a refused
  address never reached the network layer;
* the read / whole-exchange timeouts can be scaled down (a production crawl
  waits 30 s / 120 s; the harness cannot) — nothing else changes;
* at exit REPORT.json gets the transport log, the exit code and this process's
  peak RSS (ru_maxrss).
"""

from __future__ import annotations

import argparse
import atexit
import functools
import json
import resource
import sys

import httpx


def main() -> int:
    raw = sys.argv[1:]
    if "--" not in raw:
        raise SystemExit(
            "usage: crawl_child REPORT.json [--read-timeout S] [--total-timeout S] -- nianbao args"
        )
    i = raw.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("report")
    p.add_argument("--read-timeout", type=float)
    p.add_argument("--total-timeout", type=float)
    opts = p.parse_args(raw[:i])
    nianbao_args = raw[i + 1 :]

    sent: list[str] = []
    out = {"transport": sent, "exit": None, "maxrss_kb": None}

    def dump() -> None:
        out["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(opts.report, "w", encoding="utf-8") as f:
            json.dump(out, f)

    atexit.register(dump)

    original = httpx.AsyncHTTPTransport.handle_async_request

    async def recording(self, request):
        sent.append(str(request.url))
        return await original(self, request)

    httpx.AsyncHTTPTransport.handle_async_request = recording  # type: ignore[method-assign]

    timeouts = {}
    if opts.read_timeout is not None:
        timeouts["read_timeout"] = opts.read_timeout
        timeouts["connect_timeout"] = opts.read_timeout
    if opts.total_timeout is not None:
        timeouts["total_timeout"] = opts.total_timeout
    if timeouts:
        import crawler.run

        crawler.run.ClientConfig = functools.partial(crawler.run.ClientConfig, **timeouts)  # type: ignore[misc]

    from nianbao.cli import main as nianbao_main

    code = nianbao_main(nianbao_args)
    out["exit"] = code
    return code


if __name__ == "__main__":
    sys.exit(main())
