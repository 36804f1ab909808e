"""Printed cell text to a value, by the value rules of the spec.

Blank, "/" and dashes stay null (never 0) so that a printed blank and a printed
zero remain distinguishable; the caller keeps the raw text beside the value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: texts that mean "nothing printed here" (value null, raw kept)
NULL_MARKERS = frozenset({"", "/", "／", "\\", "-", "--", "—", "——", "–", "－", "无", "空", "null", "N/A", "n/a", "×"})

_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# a number, optionally signed, with thousands separators, then an optional unit
_NUMBER = re.compile(
    r"""^(?P<sign>[-−+]?)\s*
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<unit>万元|元|件|条|个|项|次|人次|份|期|宗|场)?
        (?P<rest>.*)$""",
    re.VERBOSE | re.DOTALL,
)
_NOTE_OPEN = "(（[【"


@dataclass(frozen=True, slots=True)
class Parsed:
    """``value`` is None for a null marker; ``is_value`` is False for text that is
    neither a number nor a null marker (a label, a header word)."""

    value: float | int | None
    unit: str | None
    is_value: bool
    note: str = ""


NOT_A_VALUE = Parsed(None, None, False)
NULL = Parsed(None, None, True)


def clean(text: str) -> str:
    """NFKC (full-width digits, brackets, slashes to ASCII) and white space folded away."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def parse_value(text: str) -> Parsed:
    """Parse one printed cell.

    >>> parse_value("１２件").value
    12
    >>> parse_value("22（其中修订16件）").value
    22
    >>> parse_value("/").value is None
    True
    """
    t = clean(text)
    if t in NULL_MARKERS:
        return NULL
    m = _NUMBER.match(t)
    if not m:
        return NOT_A_VALUE
    rest = m.group("rest")
    if rest and rest[0] not in _NOTE_OPEN:
        # "3.危及..." is a numbered label, "2024年..." a date: not values
        return NOT_A_VALUE
    num = m.group("num").replace(",", "")
    sign = -1 if m.group("sign") in ("-", "−") else 1
    value: float | int = sign * (float(num) if "." in num else int(num))
    if isinstance(value, float) and value.is_integer() and "." not in m.group("num"):
        value = int(value)
    return Parsed(value, m.group("unit"), True, rest)


def to_unit(parsed: Parsed, column_unit: str) -> float | int | None:
    """The value in the column's unit: money columns are in 万元, so a cell printed in 元 is divided."""
    v = parsed.value
    if v is None:
        return None
    if column_unit == "万元" and parsed.unit == "元":
        return round(v / 10000, 8)
    return v


_INT_TOKEN = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?$")


def looks_numeric(text: str) -> bool:
    """Cheap test used on every token of a page before the full parse."""
    return bool(_INT_TOKEN.match(clean(text)))
