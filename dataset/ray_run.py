"""The same extraction on a Ray cluster: ``nianbao extract --data-dir DIR --ray ADDRESS``.

Why Ray: one ``ray.init`` call either starts a cluster on this machine
(``local``) or joins one (``auto``, ``host:6379``, ``ray://host:10001``), the
bytes of a task's arguments travel through Ray's object store, so the workers
need the ``nianbao`` package but not the data directory, and ``ray.cancel(...,
force=True)`` stops exactly the worker that holds a document past its time.

Each task is one document and ``max_retries=0``: Ray's own retry would hide
which document killed a worker, so the driver (``dataset.parallel``) decides.
No more tasks are in flight than the cluster has CPUs, so a task starts when it
is submitted and the time limit, counted from submission, is the document's own.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from .errors import DatasetError
from .extract_archive import extract_one
from .parallel import ExtractFn, Finished, Task


def _run(fn: ExtractFn, data: bytes, media_type: str | None, url: str) -> dict[str, Any]:
    # a task holds one CPU (num_cpus=1): the OCR reads its pages on that one core
    os.environ.setdefault("NIANBAO_OCR_THREADS", "1")
    return fn(data, media_type, url)


def _import_ray(local: bool):
    if local:
        # a cluster that lives on this machine only listens on the loopback address
        # (Ray otherwise binds its services to the machine's network address)
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as e:
        raise DatasetError("--ray needs Ray installed: pip install 'nianbao[ray]'") from e
    return ray


def check_reachable(address: str, timeout: float = 10.0) -> None:
    """``host:port`` or ``ray://host:port`` must answer before ``ray.init`` is given it: Ray itself keeps
    retrying an address where nothing listens for many minutes before it gives up."""
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" and other forms: Ray resolves them and fails fast on its own
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise DatasetError(f"--ray {address}: no Ray cluster answers there ({e.strerror or e})") from e


class RayEngine:
    """The ``Engine`` of ``dataset.parallel`` on a Ray cluster.

    ``address``: ``local`` starts a cluster here with ``cpus`` CPUs (default: the
    cores) that ends with the engine; anything else is handed to ``ray.init`` to
    join an existing cluster.  When this process is already connected (a test's
    session cluster) and ``address`` is ``local``, ``auto`` or that cluster's own, that connection
    is used and left open.
    """

    def __init__(self, address: str = "local", cpus: int | None = None, fn: ExtractFn = extract_one):
        local = address == "local"
        ray = _import_ray(local)
        self._ray = ray
        if not local:
            check_reachable(address)
        self._owns = not ray.is_initialized()
        if not self._owns:
            current = ray.get_runtime_context().gcs_address
            if address not in ("local", "auto", current):
                raise DatasetError(
                    f"--ray {address}: this process is already connected to the cluster at {current}"
                )
        else:
            kwargs: dict[str, Any] = {"logging_level": "WARNING", "log_to_driver": False}
            try:
                if local:
                    ray.init(num_cpus=cpus or os.cpu_count() or 1, include_dashboard=False, **kwargs)
                else:
                    ray.init(address=address, **kwargs)
            except Exception as e:  # noqa: BLE001 - ConnectionError, ValueError, RuntimeError, …
                raise DatasetError(f"--ray {address}: cannot start or join a Ray cluster: {e}") from e
        self.slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._remote = ray.remote(num_cpus=1, max_retries=0)(_run)
        self._fn = ray.put(fn)
        self._refs: dict[Any, str] = {}

    def submit(self, task: Task) -> None:
        ref = self._remote.remote(self._fn, task.data, task.media_type, task.url)
        self._refs[ref] = task.key

    def poll(self, timeout: float) -> list[Finished]:
        if not self._refs:
            return []
        ready, rest = self._ray.wait(list(self._refs), num_returns=1, timeout=timeout)
        if ready and rest:  # and whatever else is done by now, without waiting for it
            ready += self._ray.wait(rest, num_returns=len(rest), timeout=0)[0]
        out = []
        for ref in ready:
            key = self._refs.pop(ref)
            try:
                out.append(Finished(key, self._ray.get(ref)))
            except self._ray.exceptions.RayError as e:
                # worker crashed, node died, object lost, or the task raised past extract_one
                out.append(Finished(key, None, f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"))
        return out

    def cancel(self, key: str) -> None:
        for ref, k in list(self._refs.items()):
            if k == key:
                self._ray.cancel(ref, force=True)
                del self._refs[ref]

    def close(self) -> None:
        for ref in list(self._refs):
            self._ray.cancel(ref, force=True)
        self._refs.clear()
        if self._owns:
            self._ray.shutdown()
