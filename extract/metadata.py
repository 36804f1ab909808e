"""Report metadata: title, agency as printed, statistics year, publication date.

The statistics year comes from the title, else from the 统计期限 sentence;
never from the publication date (a 2024 report is published in 2025).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Document, Line
from .numbers import clean
from .titles import parse_title, strip_label

_PERIOD = re.compile(r"统计期限[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_PERIOD_LOOSE = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[起至到\-—~]")
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LABELLED_DATE = re.compile(r"(?:发布|公开|发文|成文)(?:日期|时间)\s*[:：]?\s*" + _DATE)
_DATE_ONLY = re.compile(r"^\s*" + _DATE + r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_TRS_URL_DATE = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+")
#: a cell or line that is only the label of a date ("公开日期", "发布时间：")
_DATE_LABEL = re.compile(r"\s*(?:发布|公开|成文)(?:日期|时间)\s*[:：]?\s*")
_META_DATE_KEYS = (
    "PubDate",
    "pubdate",
    "publishdate",
    "PublishDate",
    "firstpublishedtime",
    "article:published_time",
)


@dataclass(frozen=True, slots=True)
class Meta:
    title: str | None
    agency: str | None
    year: int | None
    published_on: str | None


def _iso(y: str, m: str, d: str) -> str | None:
    mi, di = int(m), int(d)
    if 1 <= mi <= 12 and 1 <= di <= 31:
        return f"{int(y):04d}-{mi:02d}-{di:02d}"
    return None


def _title_candidates(doc: Document, preamble: list[Line]):
    for c in (doc.meta.get("ArticleTitle", ""), re.split(r"[_|]", doc.title)[0] if doc.title else ""):
        if c:
            yield c.strip()
    texts = [ln.text.strip() for ln in preamble if ln.cells is None or ln.width is None][:40]
    for i in range(len(texts)):
        joined = ""
        for j in range(i, min(i + 3, len(texts))):
            joined += texts[j]
            if len(joined) > 80:
                break
            yield joined


def find_title(doc: Document, preamble: list[Line]) -> str | None:
    """The report's title: the page's metadata or <title>, or the first body
    lines joined (titles wrap); the first that names agency and year wins."""
    fallback = None
    for c in _title_candidates(doc, preamble):
        info = parse_title(c)
        if info is None:
            continue
        if info.agency and info.year:
            return c
        if fallback is None or (info.year and not parse_title(fallback).year):
            fallback = c
    return fallback


def statistics_year(text: str) -> int | None:
    t = clean(text)
    m = _PERIOD.search(t) or _PERIOD_LOOSE.search(t)
    return int(m.group(1)) if m else None


def period_sentence(text: str) -> tuple[int, str] | None:
    """The statistics year and the sentence that states it (本报告所列数据的统计期限自…), as evidence."""
    t = clean(text)
    m = _PERIOD.search(t) or _PERIOD_LOOSE.search(t)
    if not m:
        return None
    start = max(t.rfind("。", 0, m.start()) + 1, m.start() - 40)  # a page dump has no full stop before it
    lead = t.find("报告", start, m.start())
    start = max(start, lead - 3) if lead > 0 and start == m.start() - 40 else start
    end = t.find("。", m.end())
    return int(m.group(1)), t[start : end + 1 if 0 <= end < m.end() + 60 else m.end() + 20]


def published_on(doc: Document, url: str | None) -> str | None:
    for k in _META_DATE_KEYS:
        v = doc.meta.get(k)
        if v:
            m = re.search(_DATE, v)
            if m and (d := _iso(*m.groups())):
                return d
    lines = doc.lines
    for i, ln in enumerate(lines[:400]):
        if ln.width is not None and ln.cells:
            # an info-box table row: "发布机构 | … | 公开日期 | 2024-01-17"
            texts = [c.text for c in ln.cells]
            for a, b in zip(texts, texts[1:], strict=False):
                m = _DATE_ONLY.match(b)
                if _DATE_LABEL.fullmatch(a) and m and (d := _iso(*m.groups()[:3])):
                    return d
        t = ln.text
        if "日期" not in t and "时间" not in t:
            continue
        m = _LABELLED_DATE.search(t)
        if m and (d := _iso(*m.groups())):
            return d
        # "公开日期" on one line, the date on the next (portal info boxes)
        if _DATE_LABEL.fullmatch(t) and i + 1 < len(lines):
            m = _DATE_ONLY.match(lines[i + 1].text)
            if m and (d := _iso(*m.groups()[:3])):
                return d
    return date_from_address(url)


def date_from_address(url: str | None) -> str | None:
    """The tYYYYMMDD of a TRS detail-page address (…/202501/t20250116_14169017.html), as an ISO date."""
    m = _TRS_URL_DATE.search(url or "")
    return _iso(*m.groups()) if m else None


def read_meta(doc: Document, preamble: list[Line], body_text: str, url: str | None) -> Meta:
    title = find_title(doc, preamble)
    title = strip_label(title) if title else None
    info = parse_title(title) if title else None
    agency = info.agency if info else None
    year = info.year if info else None
    if year is None:
        year = statistics_year(body_text)
    return Meta(title, agency, year, published_on(doc, url))
