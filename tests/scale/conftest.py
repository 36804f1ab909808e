"""One local Ray cluster (2 CPUs) for the whole session, and the comparison of two data directories."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ray_address():
    """Started once (Ray takes a few seconds to come up); drivers in subprocesses join it by address."""
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # loopback only, as `--ray local` does
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = pytest.importorskip("ray", reason="ray is in the dev extra (pip install -e '.[dev]')")
    from ray import cloudpickle

    from tests.scale import faults

    cloudpickle.register_pickle_by_value(faults)  # the workers cannot import the tests package
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def outputs(data_dir: Path) -> dict[str, str]:
    """Every Parquet file and extraction result of a data directory: relative path -> sha256."""
    out = {}
    for sub, pattern in (("parquet", "*.parquet"), ("extracted", "*.json")):
        for p in sorted((Path(data_dir) / sub).rglob(pattern)):
            out[str(p.relative_to(data_dir))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
