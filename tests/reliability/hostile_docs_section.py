"""The hostile-documents section of ``make reliability``: full size, one subprocess
each under a 2 GiB address-space cap, with peak RSS and time."""

from __future__ import annotations

from tests.reliability.hostile_docs import CASES, run_isolated
from tests.reliability.report import Row

MEMORY_CAP_MB = 2048
TIME_CAP_S = 120


def run() -> list[Row]:
    rows = []
    for i, case in enumerate(CASES):
        out = run_isolated(i, scale=1.0, mem_mb=MEMORY_CAP_MB, timeout=TIME_CAP_S)
        rss = f"{out.peak_rss_mb:.0f} MB" if out.peak_rss_mb else "-"
        rows.append(
            Row(
                "hostile documents",
                case.name,
                f"{out.result}; {out.seconds:.2f} s; peak RSS {rss}",
                out.passed,
            )
        )
    return rows
