"""The information-processing fee (信息处理费) a report states in section 六.

The fee is not in any table: section 六 says it in a sentence ("本年度未收取信息
处理费", "全年收取政府信息公开信息处理费 0 元", "共收取信息处理费 1,200 元").
Analysts compare it across bodies, so it is read here, in yuan, with the
sentence it came from.  A section that does not mention fees gives None, never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import clean

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
