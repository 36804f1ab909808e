"""A process pool on this machine: ``nianbao extract --data-dir DIR --workers N``.

Not ``concurrent.futures``: when one of its workers dies the whole pool breaks
and every future in it fails, with no way to tell which document did it.  Here
each worker has its own pipe and holds one document at a time, so the driver
always knows what a dead or stuck worker was doing, replaces that one worker
and carries on.  Workers are spawned (not forked): the driver may hold threads
(polars, DuckDB) that a fork would copy mid-lock.  A worker whose driver is
killed sees its pipe close and exits.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
from multiprocessing.connection import Connection, wait

from .extract_archive import extract_one
from .parallel import ExtractFn, Finished, Task


def _serve(conn: Connection, fn: ExtractFn, ocr_threads: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    # each worker reads scanned pages on its share of the cores, not on all of them
    os.environ.setdefault("NIANBAO_OCR_THREADS", str(ocr_threads))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the driver is gone
        if msg is None:
            return
        key, data, media_type, url = msg
        rec = fn(data, media_type, url)
        try:
            conn.send((key, rec))
        except OSError:
            return


def describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"worker process killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"worker process killed by signal {-code}"
    return f"worker process exited with code {code}"


class _Worker:
    def __init__(self, ctx, fn: ExtractFn, ocr_threads: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve, args=(child, fn, ocr_threads), daemon=True, name="nianbao-extract"
        )
        self.proc.start()
        child.close()
        self.key: str | None = None

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class ProcessPool:
    """The ``Engine`` of ``dataset.parallel`` on local processes."""

    def __init__(self, workers: int | None = None, fn: ExtractFn = extract_one):
        self.slots = max(1, workers or os.cpu_count() or 1)
        self._ctx = mp.get_context("spawn")
        self._fn = fn
        self._ocr_threads = max(1, (os.cpu_count() or 1) // self.slots)
        self._workers = [_Worker(self._ctx, fn, self._ocr_threads) for _ in range(self.slots)]

    def _replace(self, w: _Worker, kill: bool) -> None:
        w.stop(kill=kill)
        self._workers[self._workers.index(w)] = _Worker(self._ctx, self._fn, self._ocr_threads)

    def submit(self, task: Task) -> None:
        w = next(w for w in self._workers if w.key is None)
        w.key = task.key
        with contextlib.suppress(OSError):  # died while idle: poll() sees it and reports the document lost
            w.conn.send((task.key, task.data, task.media_type, task.url))

    def poll(self, timeout: float) -> list[Finished]:
        busy = [w for w in self._workers if w.key is not None]
        if not busy:
            return []
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
        out = []
        for w in busy:
            if w.conn in ready:
                try:
                    key, rec = w.conn.recv()
                except (EOFError, OSError):
                    pass  # the pipe closed: the worker died; handled below
                else:
                    out.append(Finished(key, rec))
                    w.key = None
                    continue
            if w.conn in ready or w.proc.sentinel in ready:
                w.proc.join(1)
                if not w.proc.is_alive():
                    out.append(Finished(w.key, None, describe_exit(w.proc.exitcode)))
                    self._replace(w, kill=False)
        return out

    def cancel(self, key: str) -> None:
        for w in self._workers:
            if w.key == key:
                self._replace(w, kill=True)

    def close(self) -> None:
        for w in self._workers:
            w.stop(kill=w.key is not None)
        self._workers = []
