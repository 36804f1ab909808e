"""Shared test fixtures: where the real corpus lives, and a clear skip when it is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_truths() -> list[Path]:
    return sorted(CORPUS.glob("*.truth.json")) if CORPUS.is_dir() else []


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(
            f"real corpus not found at {CORPUS} (it lives in ../shared beside a developer's checkout)"
        )
    return CORPUS


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
