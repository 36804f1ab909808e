"""``make reliability``: run every fault section at full size and print one report.

Each section module exposes ``run() -> list[Row]``; a row is one measured fact
with its verdict.  The exit code is non-zero when any row fails, so the report
can gate a release.
"""

from __future__ import annotations

import importlib
import sys
import time
from dataclasses import dataclass


@dataclass
class Row:
    section: str
    what: str
    measured: str
    passed: bool


#: section modules, in the order they are reported; each has run() -> list[Row]
SECTIONS = (
    "tests.reliability.hostile_docs_section",
    "tests.reliability.network_faults",
    "tests.reliability.crashes",
)


def main() -> int:
    rows: list[Row] = []
    started = time.perf_counter()
    for name in SECTIONS:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            rows.append(Row(name.rsplit(".", 1)[-1], "section", "not present in this checkout", False))
            continue
        t0 = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(mod.run())
        print(f"  done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    width = max(len(r.what) for r in rows) if rows else 10
    current = None
    for r in rows:
        if r.section != current:
            current = r.section
            print(f"\n== {current}")
        print(f"  {'PASS' if r.passed else 'FAIL'}  {r.what:<{width}}  {r.measured}")
    failed = sum(1 for r in rows if not r.passed)
    print(
        f"\nreliability: {len(rows) - failed} passed, {failed} failed ({time.perf_counter() - started:.0f} s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
