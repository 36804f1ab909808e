"""The crashes section of ``make reliability``: ``kill -9`` at random moments, rerun, compare.

Crawl: ``nianbao crawl`` (a subprocess, the real CLI) against the fixture TRS
portal of ``tests/crawler/portal.py`` is killed with SIGKILL after a random
delay within a clean run's duration (seeded RNG), then rerun to completion.
The final archive and ledger must equal a clean run's: the same (address,
sha256, role) documents, the same payload hashes, the same ledger outcomes,
every WARC file parsing end to end with warcio, every payload matching its
hash, and no stray or temporary file.

Load: ``nianbao load`` over a finished demo crawl is killed the same way, and
each time the database already in place (if any) must open and answer; the
rerun must give Parquet files byte-identical to a clean load and a database
that answers exactly as the clean one does.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.archive import iter_documents, ledger_rows, read_payload
from tests.reliability.report import Row

REPO = Path(__file__).resolve().parents[2]
SECTION = "crashes"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def nianbao(*args: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", *args]


def run_killed(cmd: list[str], delay: float, timeout: float = 120, probe=None) -> bool:
    """Start ``cmd``, SIGKILL it after ``delay`` s; True if it was killed (False: it finished first).

    ``probe()``, if given, is called just before the kill (to note how far the process got)."""
    proc = subprocess.Popen(cmd, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        if probe is not None:
            probe()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=timeout)
        return True


def run_ok(cmd: list[str], timeout: float = 300) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=ENV, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def timed_run(cmd: list[str], started, timeout: float = 300) -> tuple[float, float]:
    """Run ``cmd`` to completion; (seconds until ``started()`` first held, total seconds).

    The start of the real work (after interpreter start-up and imports) lets kill moments be drawn
    mostly where there is something to break."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = None
    while proc.poll() is None and time.perf_counter() - t0 < timeout:
        if first is None and started():
            first = time.perf_counter() - t0
        time.sleep(0.005)
    total = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed ({proc.returncode}): {err[-2000:]}")
    return (first if first is not None else 0.0), total


def kill_moment(rng: random.Random, i: int, work_starts: float, total: float) -> float:
    """Three runs in four: a moment while the work runs; the fourth: any moment of the run."""
    if i % 4 == 3:
        return rng.uniform(0.05, total)
    return rng.uniform(min(work_starts, total * 0.8), total)


def kill_at_random(cmd: list[str], rng: random.Random, i: int, work_starts: float, total: float, probe=None,
                   before_retry=None, tries: int = 4) -> tuple[bool, float]:  # fmt: skip
    """SIGKILL ``cmd`` at a random moment of its run; (killed, delay).

    Run times vary (two shared cores): when the process finishes before the drawn moment, the window
    shrinks to the time it actually took, ``before_retry()`` resets the state, and a new moment is drawn."""
    delay = kill_moment(rng, i, work_starts, total)
    for _ in range(tries):
        t0 = time.perf_counter()
        if run_killed(cmd, delay, probe=probe):
            return True, delay
        total = min(total, time.perf_counter() - t0) * 0.9
        if before_retry is not None:
            before_retry()
        delay = kill_moment(rng, i, work_starts, total)
    return False, delay


# --- crawl state -------------------------------------------------------------------
def _rel(url: str | None) -> str | None:
    return None if url is None else "/" + url.split("/", 3)[3] if url.count("/") >= 3 else url


def crawl_state(data: Path) -> dict:
    """What a finished crawl must agree on (addresses without the server's port)."""
    docs = sorted((_rel(d.url), d.sha256, d.role) for d in iter_documents(data))
    led = sorted(
        (_rel(r["url"]), r["role"], r["status"], r["http_status"], r["sha256"]) for r in ledger_rows(data)
    )
    con = sqlite3.connect(f"file:{data / 'ledger.sqlite3'}?mode=ro", uri=True)
    try:
        payloads = sorted(r[0] for r in con.execute("SELECT sha256 FROM payloads"))
    finally:
        con.close()
    return {"documents": docs, "ledger": led, "payloads": payloads}


def archive_problems(data: Path) -> list[str]:
    """Torn records, unreadable payloads, stray or temporary files."""
    problems = []
    for warc in sorted((data / "raw").glob("*")):
        if not warc.name.endswith(".warc.gz"):
            problems.append(f"stray file {warc.name}")
            continue
        try:
            with open(warc, "rb") as f:
                n = 0
                for rec in ArchiveIterator(f):
                    rec.content_stream().read()
                    n += 1
            if n == 0:
                problems.append(f"{warc.name}: no records")
        except Exception as e:
            problems.append(f"{warc.name}: {type(e).__name__}: {e}")
    for d in iter_documents(data):
        try:
            read_payload(data, d.sha256)
        except Exception as e:
            problems.append(f"{d.url}: {e}")
    allowed = {"ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm", "raw"}
    problems += [f"stray file {p.name}" for p in data.iterdir() if p.name not in allowed]
    return problems


@dataclass
class CrashResult:
    runs: int = 0
    killed: int = 0  # runs where the kill landed before the process finished
    equal: int = 0  # reruns whose final state equals the clean run's
    clean_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def crawl_kill_cycles(workdir: Path, runs: int, seed: int, latency: float = 0.06) -> CrashResult:
    from tests.crawler import portal as P

    rng = random.Random(seed)
    res = CrashResult()
    with P.Portal(latency=latency, flaky={}) as portal:
        portal.server.handle_error = lambda *a: None  # a killed client's broken pipe is expected here
        reg = workdir / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")

        def cmd(data: Path) -> list[str]:
            return nianbao("crawl", "--sources", str(reg), "--data-dir", str(data), "--no-progress",
                           "--delay", "0", "--retry-base", "0.01")  # fmt: skip

        clean = workdir / "clean"
        before = len(portal.requests)
        work_starts, res.clean_seconds = timed_run(cmd(clean), lambda: len(portal.requests) > before)
        expected = crawl_state(clean)
        res.extra["documents"] = len(expected["documents"])
        if archive_problems(clean) or not expected["documents"]:
            res.failures.append(f"clean run is not clean: {archive_problems(clean)}")
            return res
        for i in range(runs):
            data = workdir / f"run{i}"
            res.runs += 1
            seen: list[int] = []
            mark = [len(portal.requests)]

            def probe(mark: list[int] = mark, seen: list[int] = seen) -> None:
                seen.append(len(portal.requests) - mark[0])

            def reset(data: Path = data, mark: list[int] = mark) -> None:
                shutil.rmtree(data, ignore_errors=True)
                mark[0] = len(portal.requests)

            killed, delay = kill_at_random(cmd(data), rng, i, work_starts, res.clean_seconds, probe, reset)
            res.killed += killed
            if seen and seen[-1] > 0:
                res.extra["mid_crawl"] = res.extra.get("mid_crawl", 0) + 1
            run_ok(cmd(data))
            got = crawl_state(data)
            problems = archive_problems(data)
            diff = [k for k in expected if got[k] != expected[k]]
            if diff or problems:
                res.failures.append(f"run {i} (kill at {delay:.2f} s): differs in {diff}; {problems[:3]}")
            else:
                res.equal += 1
            shutil.rmtree(data, ignore_errors=True)
    return res


# --- load state --------------------------------------------------------------------
def parquet_hashes(data: Path) -> dict[str, str]:
    return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((data / "parquet").rglob("*")) if p.is_file()}  # fmt: skip


def db_answers(path: Path) -> dict[str, object]:
    """Every table and wide view, sorted, plus the view list: what an analyst would see."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]  # fmt: skip
        out: dict[str, object] = {"objects": names}
        for n in names:
            if n == "cell_locations":  # reads Parquet by absolute path: compared through the files
                continue
            out[n] = con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall()
        return out
    finally:
        con.close()


def db_answers_quick(path: Path) -> int:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()


def demo_data(workdir: Path) -> Path:
    """A finished demo crawl + extraction + load (the demo portal, served on 127.0.0.1)."""
    base = workdir / "demo"
    run_ok(nianbao("demo", "--data-dir", str(base)), timeout=600)
    return base


def load_kill_cycles(base: Path, workdir: Path, runs: int, seed: int) -> CrashResult:
    """``base`` is a data directory after a clean ``nianbao load``: its Parquet and database are the reference."""
    rng = random.Random(seed)
    res = CrashResult()
    want_parquet = parquet_hashes(base)
    want_db = db_answers(base / "nianbao.duckdb")
    want_reports = db_answers_quick(base / "nianbao.duckdb")
    data = workdir / "load"
    shutil.copytree(base, data)
    cmd = nianbao("load", "--data-dir", str(data))
    work_starts, res.clean_seconds = timed_run(cmd, lambda: any((data / "parquet").rglob(".*.tmp-*")))
    if parquet_hashes(data) != want_parquet or db_answers(data / "nianbao.duckdb") != want_db:
        res.failures.append("a plain rerun of load does not reproduce the clean load")
    previous_ok = 0
    for i in range(runs):
        # every other run starts without Parquet and database: the first load ever, killed
        if i % 2:
            shutil.rmtree(data / "parquet", ignore_errors=True)
            (data / "nianbao.duckdb").unlink(missing_ok=True)
        res.runs += 1
        stage: list[str] = []

        def probe(stage: list[str] = stage) -> None:
            if any(data.glob(".nianbao.duckdb.tmp-*")):
                stage.append("database build")
            elif any((data / "parquet").rglob(".*.tmp-*")):
                stage.append("parquet write")

        killed, delay = kill_at_random(cmd, rng, i, work_starts, res.clean_seconds, probe=probe)
        res.killed += killed
        stage = stage[-1:]
        for s in stage:
            res.extra[s] = res.extra.get(s, 0) + 1
        db = data / "nianbao.duckdb"
        if db.exists():
            try:
                n = db_answers_quick(db)
                if n != want_reports:
                    res.failures.append(f"run {i}: database left after the kill has {n} reports")
                else:
                    previous_ok += 1
            except Exception as e:
                res.failures.append(f"run {i} (kill at {delay:.2f} s): database left corrupt: {e}")
        else:
            previous_ok += 1
        run_ok(cmd)
        leftovers = [str(p.relative_to(data)) for p in data.rglob("*") if ".tmp-" in p.name]
        got_parquet = parquet_hashes(data)
        if got_parquet != want_parquet:
            bad = sorted(set(got_parquet.items()) ^ set(want_parquet.items()))[:3]
            res.failures.append(f"run {i} (kill at {delay:.2f} s): Parquet differs: {bad}")
        elif db_answers(db) != want_db:
            res.failures.append(f"run {i} (kill at {delay:.2f} s): database answers differ")
        elif leftovers:
            res.failures.append(f"run {i} (kill at {delay:.2f} s): temporary files left: {leftovers[:3]}")
        else:
            res.equal += 1
    res.extra["previous_db_ok"] = previous_ok
    res.extra["parquet_files"] = len(want_parquet)
    return res


def run(runs: int = 20, seed: int = 20260601) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="nianbao-crashes-") as tmp:
        tmp = Path(tmp)
        (tmp / "crawl").mkdir()
        c = crawl_kill_cycles(tmp / "crawl", runs, seed)
        rows.append(Row(SECTION, "crawl: kill -9 runs", f"{c.runs} runs (seed {seed}), {c.killed} killed mid-run "
                        f"within a clean run's {c.clean_seconds:.1f} s; {c.extra.get('mid_crawl', 0)} after the first request",
                        c.runs >= 20 and c.extra.get("mid_crawl", 0) >= c.runs // 4))  # fmt: skip
        rows.append(Row(SECTION, "crawl: rerun equals clean run", f"{c.equal} of {c.runs} equal ({c.extra.get('documents')} "
                        "documents: same (url, sha256) set, payload hashes, ledger outcomes; WARCs parse end to end; "
                        "no temp files)" + (f"; first failure: {c.failures[0]}" if c.failures else ""),
                        c.equal == c.runs and not c.failures))  # fmt: skip
        base = demo_data(tmp)
        ld = load_kill_cycles(base, tmp, runs, seed)
        rows.append(Row(SECTION, "load: kill -9 runs", f"{ld.runs} runs (seed {seed}), {ld.killed} killed mid-run "
                        f"within a clean load's {ld.clean_seconds:.1f} s; {ld.extra.get('database build', 0)} during the database "
                        f"build, {ld.extra.get('parquet write', 0)} during a Parquet write",
                        ld.runs >= 20 and ld.killed >= ld.runs // 2))  # fmt: skip
        rows.append(Row(SECTION, "load: database after each kill", f"{ld.extra.get('previous_db_ok')} of {ld.runs} "
                        "kills left a database that opens and answers (or none yet)",
                        ld.extra.get("previous_db_ok") == ld.runs))  # fmt: skip
        rows.append(Row(SECTION, "load: rerun equals clean load", f"{ld.equal} of {ld.runs} equal ("
                        f"{ld.extra.get('parquet_files')} Parquet files byte-identical, every table/view answers "
                        "equal, no temp files)" + (f"; first failure: {ld.failures[0]}" if ld.failures else ""),
                        ld.equal == ld.runs and not ld.failures))  # fmt: skip
    return rows


if __name__ == "__main__":
    for r in run(int(sys.argv[1]) if len(sys.argv) > 1 else 20):
        print(f"{'PASS' if r.passed else 'FAIL'}  {r.what}  {r.measured}")
