"""The checks as the OCR's proof-reader: corrections only when exactly one
one-digit change among doubtful digits makes every check pass."""

from __future__ import annotations

from dataclasses import replace

from extract.checks import failures, run_checks
from extract.model import FLAG_CORRECTED, FLAG_UNCERTAIN, METHOD_OCR, Cell
from extract.pipeline import extract
from extract.proofread import proofread
from tests.extract import builders as b


def _ocr_cells() -> list[Cell]:
    """A builder report's cells as if OCR had read them, every check passing."""
    cells = extract(b.html_report()).cells
    assert not failures(run_checks(cells))
    return [
        replace(c, method=METHOD_OCR, confidence=0.99, location={"kind": "ocr", "page": 1}) for c in cells
    ]


def _misread(cells: list[Cell], key: tuple[str, str, str], raw: str, digit_confidence: list[float]) -> int:
    i = next(i for i, c in enumerate(cells) if (c.table, c.row, c.col) == key)
    c = cells[i]
    loc = {**c.location, "digit_confidence": digit_confidence}
    cells[i] = replace(
        c, raw=raw, value=int(raw), confidence=min(digit_confidence), flags=[FLAG_UNCERTAIN], location=loc
    )
    return i


def test_one_doubtful_digit_that_alone_fits_is_corrected_and_the_reading_kept():
    cells = _ocr_cells()
    key = ("requests", "granted", "natural_person")
    truth = next(c for c in cells if (c.table, c.row, c.col) == key).value
    wrong = (truth + 3) % 10
    i = _misread(cells, key, str(wrong), [0.41])
    fixed, checks, notes = proofread(cells)
    assert fixed[i].value == truth and fixed[i].raw == str(truth) and fixed[i].original == str(wrong)
    assert FLAG_CORRECTED in fixed[i].flags and FLAG_UNCERTAIN in fixed[i].flags
    assert not failures(checks) and "corrected" in notes[0]


def test_a_confident_digit_is_never_changed():
    cells = _ocr_cells()
    key = ("requests", "granted", "natural_person")
    truth = next(c for c in cells if (c.table, c.row, c.col) == key).value
    i = _misread(cells, key, f"1{truth}", [0.5, 0.99])  # the doubtful digit is the (wrong) leading 1
    fixed, checks, _ = proofread(cells)
    assert (
        fixed[i].raw == f"1{truth}" and FLAG_CORRECTED not in fixed[i].flags
    )  # a dropped digit is no substitution
    assert failures(checks) and all(c.uncertain_involved for c in failures(checks))
    assert all("may be an OCR misread: requests.granted.natural_person" in c.detail for c in failures(checks))


def test_two_fixes_that_fit_leave_both_cells_as_read():
    cells = _ocr_cells()
    # a row's total and one of its parts both doubtful and both off: fixing either alone cannot
    # pass every check, so nothing is changed
    k1, k2 = ("requests", "granted", "natural_person"), ("requests", "granted", "total")
    v1 = next(c for c in cells if (c.table, c.row, c.col) == k1).value
    v2 = next(c for c in cells if (c.table, c.row, c.col) == k2).value
    i = _misread(cells, k1, str((v1 + 1) % 10), [0.3])
    j = _misread(cells, k2, str(v2 + 1), [0.3] * len(str(v2 + 1)))
    fixed, checks, _ = proofread(cells)
    assert FLAG_CORRECTED not in fixed[i].flags + fixed[j].flags
    assert all(c.uncertain_involved for c in failures(checks))


def test_a_failure_without_doubtful_cells_is_a_finding_about_the_report():
    cells = _ocr_cells()
    i = next(i for i, c in enumerate(cells) if (c.row, c.col) == ("granted", "natural_person"))
    cells[i] = replace(cells[i], value=cells[i].value + 1, raw=str(cells[i].value + 1))
    _, checks, notes = proofread(cells)
    assert failures(checks) and not any(c.uncertain_involved for c in failures(checks)) and not notes
