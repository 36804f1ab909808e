"""Extraction on a process pool and on Ray: the same bytes as one process, whatever goes wrong."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dataset import cli as dataset_cli
from dataset.extract_archive import extract_one
from dataset.parallel import run_engine
from dataset.parquet import write_dataset
from dataset.results import load_result
from tests.dataset.conftest import CORPUS_DOCS, corpus_archive
from tests.scale import faults
from tests.scale.conftest import outputs

REPO = Path(__file__).resolve().parents[2]
PAGE = CORPUS_DOCS["fj-pingtan-2020.html"][0]


@pytest.fixture(params=["pool", "ray"])
def engine(request):
    """A factory of the engine under test, ``engine(fn)``, and its name."""
    if request.param == "ray":
        from dataset.ray_run import RayEngine

        address = request.getfixturevalue("ray_address")
        return (lambda fn=extract_one: RayEngine(address, fn=fn)), address
    from dataset.workers import ProcessPool

    return (lambda fn=extract_one: ProcessPool(2, fn=fn)), "pool"


def single_process(data_dir: Path, arc) -> dict[str, str]:
    dataset_cli.extract(data_dir, archive=arc)
    return outputs(data_dir)


def run(data_dir: Path, arc, engine, timeout: float = 600.0):
    try:
        stats = run_engine(data_dir, engine, archive=arc, timeout=timeout)
    finally:
        engine.close()
    write_dataset(data_dir, archive=arc)
    return stats


def with_marked_page(marker: bytes):
    """The corpus archive plus one more report: a corpus page carrying ``marker``."""
    arc = corpus_archive()
    from tests.dataset.conftest import CORPUS

    page = (CORPUS / "fj-pingtan-2020.html").read_bytes() + b"\n" + marker
    doc = arc.add(page, PAGE.replace(".htm", "_marked.htm"), "平潭综合实验区", "district")
    return arc, doc


def kill_when_ready(pidfile: Path, within: float = 60.0) -> threading.Thread:
    def watch():
        deadline = time.monotonic() + within
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGKILL)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def test_same_bytes_as_one_process_on_the_corpus(engine, tmp_path):
    _, where = engine
    arc = corpus_archive()
    want = single_process(tmp_path / "one", arc)
    if where == "pool":
        assert dataset_cli.extract(tmp_path / "many", archive=arc, workers=2) == 0
    else:
        assert dataset_cli.extract(tmp_path / "many", archive=arc, ray=where) == 0
    assert outputs(tmp_path / "many") == want
    assert any(k.startswith("parquet/cells/") for k in want) and any(k.startswith("extracted/") for k in want)


def test_worker_killed_mid_document_is_retried_on_a_fresh_worker(engine, tmp_path):
    make, _ = engine
    pidfile = tmp_path / "worker.pid"
    arc, doc = with_marked_page(faults.kill_me_marker(pidfile))
    want = single_process(tmp_path / "one", arc)
    killer = kill_when_ready(pidfile)
    stats = run(tmp_path / "many", arc, make(faults.faulty_extract))
    killer.join(5)
    assert pidfile.exists(), "the marked document never reached a worker"
    with pytest.raises(ProcessLookupError):
        os.kill(int(pidfile.read_text()), 0)  # that worker is gone; another did the document
    assert (stats.extracted, stats.failed) == (7, 1)  # the broken PDF of the corpus archive fails anyway
    assert load_result(tmp_path / "many", doc.sha256)["status"] == "ok"
    assert outputs(tmp_path / "many") == want


def test_crash_and_hang_are_recorded_and_the_run_goes_on(engine, tmp_path):
    make, where = engine
    limit = 2 if where == "pool" else 10  # a fresh Ray worker takes a few seconds to start, inside the limit
    arc = corpus_archive()
    want = single_process(tmp_path / "one", corpus_archive())
    crash = arc.add(b"<html>" + faults.CRASH + b"</html>", "https://www.pingtan.gov.cn/crash.htm", "平潭综合实验区",
                    "district")  # fmt: skip
    hang = arc.add(b"<html>" + faults.HANG + b"</html>", "https://www.pingtan.gov.cn/hang.htm", "平潭综合实验区",
                   "district")  # fmt: skip
    started = time.monotonic()
    stats = run(tmp_path / "many", arc, make(faults.faulty_extract), timeout=limit)
    print(f"{where}: {time.monotonic() - started:.1f} s")
    rec = load_result(tmp_path / "many", crash.sha256)
    assert rec["status"] == "failed" and rec["error"].startswith("worker lost 2 times on this document")
    rec = load_result(tmp_path / "many", hang.sha256)
    assert rec["status"] == "failed" and rec["error"] == f"timed out after {limit} s (worker stopped)"
    assert stats.extracted == 8 and stats.failed == 3
    got = outputs(tmp_path / "many")
    for k, v in want.items():  # every other document's result is what one process makes of it
        if k.startswith("extracted/"):
            assert got[k] == v, k


def test_driver_killed_mid_run_then_resumed(engine, tmp_path):
    make, where = engine
    want = single_process(tmp_path / "one", corpus_archive())
    data = tmp_path / "many"
    proc = subprocess.Popen([sys.executable, "-m", "tests.scale.driver", str(data), where], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not list((data / "extracted").rglob("*.json")) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
    finally:
        proc.kill()  # kill -9 of the driver, by its pid
        proc.wait()
    done = len(list((data / "extracted").rglob("*.json")))
    assert 0 < done < 6, done  # six distinct payloads: killed in the middle
    stats = run(data, corpus_archive(), make())
    assert stats.extracted == 6 - done and stats.cached == 1 + done  # nothing twice, nothing missed
    assert not list(data.rglob(".*.tmp-*"))
    assert outputs(data) == want


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory):
    from demo import figures as figures_mod
    from demo.portal import build_site
    from demo.run import write_registry
    from demo.server import DemoServer
    from nianbao.cli import main

    data = tmp_path_factory.mktemp("demo-crawl")
    server = DemoServer(build_site(figures_mod.load())[0]).start()
    try:
        reg = write_registry(data / "demo-sources.csv", figures_mod.load(), server.base_url)
        assert main(["crawl", "--sources", str(reg), "--data-dir", str(data), "--no-progress"]) == 0
    finally:
        server.stop()
    return data


def test_demo_same_bytes_on_workers_and_on_ray(demo_crawl, ray_address, tmp_path):
    from nianbao.cli import main

    runs = {
        "one": [],
        "pool": ["--workers", "2"],
        "ray": ["--ray", ray_address],
    }
    got = {}
    for name, flags in runs.items():
        d = tmp_path / name
        shutil.copytree(demo_crawl, d)
        assert main(["extract", "--data-dir", str(d), *flags]) == 0
        got[name] = outputs(d)
    assert len([k for k in got["one"] if k.startswith("extracted/")]) >= 20
    assert got["pool"] == got["one"]
    assert got["ray"] == got["one"]


def test_a_ray_address_where_nothing_listens_is_a_one_line_error(tmp_path, capsys):
    pytest.importorskip("ray", reason="ray is in the dev extra")
    from nianbao.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    assert main(["extract", "--data-dir", str(tmp_path), "--ray", f"127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"nianbao extract: --ray 127.0.0.1:{port}: no Ray cluster answers there")
    assert "\n" not in err
