"""The crawler's archive as the dataset stages see it.

The dataset code only needs three calls (and, where an archive keeps history, ``versions``) from ``crawler.archive``; taking them
through this small protocol lets tests (and other producers) hand over a fake
archive without writing WARC files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol


class Archive(Protocol):
    def iter_documents(self, data_dir: Path) -> Iterator[Any]: ...

    def read_payload(self, data_dir: Path, sha256: str) -> bytes: ...

    def ledger_rows(self, data_dir: Path) -> list[dict]: ...
