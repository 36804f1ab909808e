"""Printed cell text to a value, by the value rules of the spec.

Blank, "/" and dashes stay null (never 0) so that a printed blank and a printed
zero remain distinguishable; the caller keeps the raw text beside the value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: texts that mean "nothing printed here" (value null, raw kept)
NULL_MARKERS = frozenset(
    {"", "/", "／", "\\", "-", "--", "—", "——", "–", "－", "无", "空", "null", "N/A", "n/a", "×"}
)

_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# a number, optionally signed, with thousands separators, then an optional unit
_NUMBER = re.compile(
    r"""^(?P<sign>[-−+]?)\s*
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<unit>万元|元|万件|万条|万|件|条|个|项|次|人次|份|期|宗|场)?
        (?P<rest>.*)$""",
    re.VERBOSE | re.DOTALL,
)
_NOTE_OPEN = "(（[【"
#: digits and separators that do not make a number ("1,2,3", "1.2.3"): a value whose number is unreadable
_GARBLED = re.compile(r"^[-−]?\d[\d,.、]*[,.、][\d,.、]*\d$")
_CN_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万]+$")
_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


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


@lru_cache(maxsize=65536)
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
        if _CN_NUMERAL.match(t) and len(t) >= 2 and any(u in t for u in "十百千万"):
            return Parsed(chinese_numeral(t), None, True, "chinese numeral")
        return NOT_A_VALUE
    rest = m.group("rest")
    if _GARBLED.match(t) and rest:
        return Parsed(None, None, True, "unreadable number")
    if rest and rest[0] not in _NOTE_OPEN:
        # "3.危及..." is a numbered label, "2024年..." a date: not values
        return NOT_A_VALUE
    num = m.group("num").replace(",", "")
    sign = -1 if m.group("sign") in ("-", "−") else 1
    value: float | int = sign * (float(num) if "." in num else int(num))
    if isinstance(value, float) and value.is_integer() and "." not in m.group("num"):
        value = int(value)
    return Parsed(value, m.group("unit"), True, rest)


def chinese_numeral(t: str) -> int:
    """二十 → 20, 一百零五 → 105, 三万二千 → 32000 (counts in a table rarely go further)."""
    total, section, digit = 0, 0, 0
    for ch in t:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (digit or 1) * _CN_UNIT[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
    return total + section + digit


def to_unit(parsed: Parsed, column_unit: str) -> float | int | None:
    """The value in the column's unit: money columns are in 万元 (a cell printed in 元 is divided),
    counts in units (a count printed as "1.2万件" is multiplied)."""
    v = parsed.value
    if v is None:
        return None
    if column_unit == "万元":
        # money: 元 divides; 万 alone is 万元
        return round(v / 10000, 8) if parsed.unit == "元" else v
    if parsed.unit in ("万", "万件", "万条"):  # a count printed in ten-thousands: "1.2万件"
        n = round(v * 10000, 6)
        return int(n) if float(n).is_integer() else n
    return v
