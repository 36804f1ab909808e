"""The extraction results cache: one JSON file per document and extractor version.

Both the extraction stage (which writes it) and the Parquet writer (which reads
it) depend on this module, so neither has to import the other.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from extract.pipeline import EXTRACTOR_VERSION

EXTRACTED_DIR = "extracted"


def result_path(data_dir: Path, sha256: str, version: str = EXTRACTOR_VERSION) -> Path:
    return Path(data_dir) / EXTRACTED_DIR / version / sha256[:2] / f"{sha256}.json"


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_result(data_dir: Path, sha256: str, version: str = EXTRACTOR_VERSION) -> dict[str, Any] | None:
    p = result_path(data_dir, sha256, version)
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # a damaged cache entry is simply extracted again
