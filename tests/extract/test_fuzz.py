"""Damaged documents: whatever the bytes, the extractor returns a report or raises
ExtractionError with a reason; it never crashes with another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.model import ExtractionError
from extract.pipeline import extract
from tests.extract import builders as b

FIXTURES = Path(__file__).parent / "fixtures"

SAMPLES = {
    "report.html": b.html_report(word=True),
    "report.md": b.markdown_report(),
    "report.docx": b.docx_report(),
    "report.xlsx": b.xlsx_report(),
    "report.pdf": b.pdf_with_blank_cells({}),
    "report.doc": (FIXTURES / "report.doc").read_bytes(),
    "report.xls": (FIXTURES / "report.xls").read_bytes(),
}


def _damage(data: bytes, edits: list[tuple[float, int]], cut: float | None) -> bytes:
    out = bytearray(data)
    for where, byte in edits:
        out[int(where * (len(out) - 1))] = byte
    if cut is not None:
        out = out[: int(cut * len(out))]
    return bytes(out)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=30),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_documents_fail_cleanly(name, edits, cut):
    data = _damage(SAMPLES[name], edits, cut)
    try:
        ex = extract(data, name=name)
    except ExtractionError as e:
        assert str(e)  # a reason, never an empty message
        return
    assert ex.report.status in ("ok", "partial", "no tables found", "no text layer")
