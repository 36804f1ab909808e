"""Hostile documents, scaled down: each gives a clear error or a correct result.

The full-size run, each case in a subprocess under a memory cap, is
``make reliability``.
"""

from __future__ import annotations

import pytest

from tests.reliability.hostile_docs import CASES, run_case, run_isolated


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_document(case):
    out = run_case(case, scale=0.1)
    assert out.passed, out.result


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.name for c in CASES])
def test_hostile_document_full_size_under_memory_cap(index):
    out = run_isolated(index, scale=1.0, mem_mb=2048)
    assert out.passed, out.result
