"""A driver to be killed: ``python -m tests.scale.driver DATA_DIR pool|RAY_ADDRESS``.

Extracts the corpus archive slowly (``faults.slow_extract``) through
``dataset.parallel.run_engine``, so the test can ``kill -9`` it mid-run and then
resume in its own process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dataset.parallel import run_engine
from tests.dataset.conftest import corpus_archive
from tests.scale import faults


def main(data_dir: Path, where: str) -> None:
    if where == "pool":
        from dataset.workers import ProcessPool

        engine = ProcessPool(2, fn=faults.slow_extract)
    else:
        from ray import cloudpickle

        from dataset.ray_run import RayEngine

        cloudpickle.register_pickle_by_value(faults)
        engine = RayEngine(where, fn=faults.slow_extract)
    try:
        run_engine(data_dir, engine, archive=corpus_archive())
    finally:
        engine.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
