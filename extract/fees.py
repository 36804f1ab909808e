"""The information-processing fee (信息处理费) a report states in section 六.

The fee is not in any table: section 六 says it in a sentence ("本年度未收取信息
处理费", "全年收取政府信息公开信息处理费 0 元", "共收取信息处理费 1,200 元").
Analysts compare it across bodies, so it is read here, in yuan, with the
sentence it came from.  A section that does not mention fees gives None, never 0.

Some department and township pages print the fee as a small table of its own
(五、信息处理费收取情况, values 0/0/0) instead: ``table_fee`` reads it, and only
where the reading is unambiguous (every figure 0, or a single figure that is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Line
from .numbers import clean, parse_value

_SENTENCE = re.compile(r"[^。；;！!]+")
_FEE_WORDS = ("信息处理费", "信息公开处理费", "处理费")
_NONE = re.compile(r"(?:未|没有|无|不)(?:收取|收缴|发生|产生|涉及)|未.{0,12}收费|无.{0,6}收费情况|零收费")
_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(万元|元)")


@dataclass(frozen=True, slots=True)
class Fee:
    yuan: float | None  # None: the text states no fee figure
    text: str | None  # the sentence it was read from


def processing_fee(section_text: str) -> Fee:
    """Fee in yuan from the text of section 六 (六、其他需要报告的事项)."""
    # lines of a PDF wrap mid-sentence: only sentence punctuation ends a sentence
    for m in _SENTENCE.finditer((section_text or "").replace("\n", "")):
        sentence = m.group(0).strip()
        s = clean(sentence)
        if not any(w in s for w in _FEE_WORDS) and "收费" not in s:
            continue
        amount = _AMOUNT.search(s)
        if amount and any(w in s for w in _FEE_WORDS):
            value = float(amount.group(1).replace(",", ""))
            return Fee(value * 10000 if amount.group(2) == "万元" else value, sentence)
        if _NONE.search(s):
            return Fee(0.0, sentence)
    return Fee(None, None)


_SPLIT = re.compile(r"[|\s]+")


def _tokens(lines: list[Line]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line.cells is not None:
            out += [c.text for c in line.cells if c.text.strip()]
        else:
            out += [t for t in _SPLIT.split(line.text) if t]
    return out


def table_fee(lines: list[Line]) -> Fee:
    """Fee in yuan from a fee section's table; None when its figures do not say one amount."""
    tokens = _tokens(lines)
    values = [p.value for p in map(parse_value, tokens) if p.is_value and p.value is not None]
    if not values:
        return Fee(None, None)
    text = " | ".join(tokens)
    nonzero = [v for v in values if v != 0]
    if not nonzero:
        return Fee(0.0, text)
    if len(nonzero) == 1:
        ten_k = any("万元" in clean(t) for t in tokens)
        return Fee(float(nonzero[0]) * (10000 if ten_k else 1), text)
    return Fee(None, None)  # several amounts (per item, per method): which is the total is not said
