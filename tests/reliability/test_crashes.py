"""kill -9 and rerun, for ``nianbao crawl`` and ``nianbao load``: a few seeded cycles here, 20+ in the slow runs
(``make reliability`` runs the full section)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dataset.duck import build_database
from dataset.parquet import write_dataset
from tests.reliability.crashes import crawl_kill_cycles, demo_data, load_kill_cycles


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_data(tmp_path_factory.mktemp("demo"))


def test_crawl_kill_and_rerun_equals_clean_run(tmp_path):
    res = crawl_kill_cycles(tmp_path, runs=2, seed=11)
    assert res.failures == []
    assert res.equal == res.runs == 2


def test_load_kill_and_rerun_equals_clean_load(demo, tmp_path):
    res = load_kill_cycles(demo, tmp_path, runs=2, seed=5)
    assert res.failures == []
    assert res.equal == res.runs == 2
    assert res.extra["previous_db_ok"] == 2


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_temporary_files_of_a_killed_load_are_removed(demo, tmp_path):
    """A load killed mid-build leaves ``.nianbao.duckdb.tmp-<pid>`` and ``.part-0.parquet.tmp-<pid>``;
    the next load removes them (a live writer's files are left alone)."""
    import shutil

    data = tmp_path / "d"
    shutil.copytree(demo, data)
    dead = _dead_pid()
    stale = [
        data / f".nianbao.duckdb.tmp-{dead}",
        data / f".nianbao.duckdb.tmp-{dead}.wal",
        data / f".nianbao.duckdb.tmp-{dead}.requests_wide.parquet",
        data / "parquet" / "reports" / f".reports.parquet.tmp-{dead}",
        next((data / "parquet" / "cells").glob("year=*")) / f".part-0.parquet.tmp-{dead}",
    ]
    live = data / "parquet" / "reports" / ".reports.parquet.tmp-1"  # pid 1 is alive
    for p in [*stale, live]:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"half written")
    write_dataset(data)
    build_database(data)
    assert [p for p in stale if p.exists()] == []
    assert live.exists()


@pytest.mark.slow
def test_crawl_twenty_random_kills(tmp_path):
    res = crawl_kill_cycles(tmp_path, runs=20, seed=20260601)
    assert res.failures == []
    assert res.equal == 20


@pytest.mark.slow
def test_load_twenty_random_kills(demo, tmp_path):
    res = load_kill_cycles(demo, tmp_path, runs=20, seed=20260601)
    assert res.failures == []
    assert res.equal == 20


def test_a_rerun_that_stores_nothing_new_leaves_no_empty_warc(tmp_path):
    """A second crawl (or a resumed one) with nothing new to store must not leave a 0-record WARC file."""
    from crawler import registry
    from crawler.run import crawl
    from tests.crawler import portal as P
    from tests.crawler.test_crawl_portal import FAST
    from tests.reliability.crashes import archive_problems

    with P.Portal(flaky={}) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        data = tmp_path / "data"
        crawl(registry.load_registry(reg), data, FAST)
        first = sorted(p.name for p in (data / "raw").iterdir())
        crawl(registry.load_registry(reg), data, FAST)
    assert sorted(p.name for p in (data / "raw").iterdir()) == first
    assert archive_problems(data) == []
