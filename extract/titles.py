"""Recognise an annual report by its title, and read the agency and statistics year from it.

Used twice: by the crawler, to tell report links from other links on a list
page, and by the metadata reader.  The statistics year is the year the title
names, never the publication year (a 2024 report is published in 2025).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_REPORT_WORDS = re.compile(
    r"政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)|信息公开(?:工作)?年度报告|政务公开(?:工作)?年度报告|公开年报"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(?:度)?")
_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip
_CN_YEAR = re.compile(r"([二〇○零一二三四五六七八九]{4})\s*年")
_NOISE = re.compile(r"[\s\u3000]+")
#: a page's label in front of the title ("标题：", "文章标题:") — saved pages keep it
_LABEL_PREFIX = re.compile(r"^(?:文章标题|信息标题|信息名称|标题|题目|名称)[:：]")
#: a cover letter's wrapper: "…管理局关于报送2020年度…年度报告的函" names the agency before 关于
_COVER_LETTER = re.compile(r"关于(?:报送|上报|印发|公布|发布|呈报)$")
# Words that make a title something else than the report itself.
_NOT_A_REPORT = ("指南", "目录", "制度", "通知", "解读", "意见", "要点", "考核", "评估", "工作方案", "征集")


@dataclass(frozen=True, slots=True)
class TitleInfo:
    agency: str | None
    year: int | None


def normalise(text: str) -> str:
    """NFKC (full-width digits and brackets to ASCII) and no white space."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def _cn_year(text: str) -> str:
    m = _CN_YEAR.search(text)
    if not m:
        return text
    digits = "".join(_CN_DIGITS[c] for c in m.group(1))
    return text[: m.start()] + digits + "年" + text[m.end() :]


def strip_label(title: str) -> str:
    """A title without the page label saved in front of it (标题：…)."""
    return _LABEL_PREFIX.sub("", title.strip()).strip()


def is_report_title(title: str) -> bool:
    t = normalise(_cn_year(title))
    if not _REPORT_WORDS.search(t):
        return False
    return not any(w in t for w in _NOT_A_REPORT)


def parse_title(title: str) -> TitleInfo | None:
    """Agency and year from a report title; None if the title is not a report's.

    >>> parse_title("重庆市巴南区人民政府南彭街道办事处2024年政府信息公开工作年度报告")
    TitleInfo(agency='重庆市巴南区人民政府南彭街道办事处', year=2024)
    """
    if not is_report_title(title):
        return None
    t = _LABEL_PREFIX.sub("", normalise(_cn_year(title)))
    m = _REPORT_WORDS.search(t)
    head = t[: m.start()]
    years = list(_YEAR.finditer(head))
    year = int(years[-1].group(1)) if years else None
    if years:
        # "XX局2024年…" or "2024年XX局…"; a stray word before the year ("正文2025年…") is shorter
        before, after = head[: years[-1].start()], head[years[-1].end() :]
        agency = before if len(before) >= len(after) else after
    else:
        agency = head
    agency = _COVER_LETTER.sub("", agency.strip("《》“”\"'：:-—_ ")).strip("《》“”\"'：:-—_ ")
    return TitleInfo(agency=agency or None, year=year)
