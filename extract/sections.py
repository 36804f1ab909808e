"""Split a document's lines into the six sections of the report.

A heading is a short line that starts with the section's Chinese numeral and
names one of its keywords (titles vary: "四、因政府信息公开工作被申请行政复议和
提起行政诉讼情况", "五、存在的主要问题及整改措施").  Headings must come in
order, which keeps table rows such as "三、本年度办理结果" and "四、结转下年度继续
办理" from being taken for section titles.

Department and township pages insert a fee section of their own ("五、信息处理费
收取情况", a small table) before the problems, so the last two headings print as
六 and 七: the tail headings are known by their words, not by their numeral, and
the fee section is kept apart (``Sections.fees``) so that it neither runs on into
section 四 nor hides the problems and the other matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .codebook import SECTIONS
from .model import Line
from .numbers import clean

_HEAD = re.compile(r"^([一二三四五六七])[、.,，]")
_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
#: a fee section's heading names the fee (信息处理费收取情况, 政府信息公开收费及减免情况)
_FEE_WORDS = ("信息处理费", "收费")
#: the numerals a heading of the tail (problems, other matters) may carry: shifted by a fee section
_TAIL = (5, 6, 7)
#: longest heading line, in characters, before it counts as prose that happens to start with a numeral
MAX_HEADING = 48


@dataclass
class Sections:
    preamble: list[Line] = field(default_factory=list)
    by_number: dict[int, list[Line]] = field(default_factory=dict)
    headings: dict[int, Line] = field(default_factory=dict)
    #: a fee section printed between 四 and the problems (its heading, then its table)
    fees: list[Line] = field(default_factory=list)
    fee_heading: Line | None = None

    def lines(self, number: int) -> list[Line]:
        return self.by_number.get(number, [])

    def text(self, number: int) -> str:
        return "\n".join(line.text for line in self.lines(number))


_FIRST = frozenset("一二三四五六七")


def _numeral(text: str) -> tuple[int, str] | None:
    """The heading numeral and the cleaned line, for a short line that starts with one."""
    if text.lstrip()[:1] not in _FIRST:  # cheap test first: most lines are not headings
        return None
    t = clean(text)
    m = _HEAD.match(t)
    if not m or len(t) > MAX_HEADING:
        return None
    return _NUM[m.group(1)], t


def _names(number: int, text: str) -> bool:
    return any(k in text for k in SECTIONS[number - 1][3])


def heading_number(text: str) -> int | None:
    """The canonical section (1-6) a heading line opens, or None."""
    found = _numeral(text)
    if found is None:
        return None
    n, t = found
    if n in _TAIL:
        # by their words: a fee section before them shifts their numerals by one
        return next((number for number in (5, 6) if _names(number, t)), None)
    return n if _names(n, t) else None


def is_fee_heading(text: str) -> bool:
    """A heading of a fee section ("五、信息处理费收取情况") that is none of the six."""
    found = _numeral(text)
    if found is None or found[0] not in _TAIL:
        return False
    t = found[1]
    return any(w in t for w in _FEE_WORDS) and heading_number(text) is None


def split_sections(lines: list[Line]) -> Sections:
    out = Sections()
    current = 0
    in_fees = False
    for line in lines:
        text = line.text
        grid_row = (
            line.cells is not None and len([c for c in line.cells if c.text]) > 1 and line.width is not None
        )
        n = None if grid_row else heading_number(text)  # a grid row with several cells is never a heading
        if n is not None and n > current:
            current, in_fees = n, False
            out.headings[n] = line
            out.by_number.setdefault(n, [])
            continue
        if not grid_row and 4 <= current < 6 and out.fee_heading is None and is_fee_heading(text):
            in_fees, out.fee_heading = True, line
            continue
        if in_fees:
            out.fees.append(line)
        elif current == 0:
            out.preamble.append(line)
        else:
            out.by_number[current].append(line)
    if current:
        out.by_number[current] = _without_page_chrome(out.by_number[current])
    return out


def heading_order(lines: list[Line]) -> list[tuple[int, Line]]:
    """Every section heading in the order the document prints them, the first of each
    number only: unlike ``split_sections`` it does not skip a heading out of order."""
    seen: dict[int, Line] = {}
    for line in lines:
        if line.cells is not None and len([c for c in line.cells if c.text]) > 1 and line.width is not None:
            continue
        n = heading_number(line.text)
        if n is not None and n not in seen:
            seen[n] = line
    return list(seen.items())


#: lines that start a portal page's furniture after the report (downloads, share, print, footer)
_CHROME = (
    "附件下载", "相关附件", "扫一扫", "打印本页", "【打印", "关闭窗口", "【关闭", "相关链接", "相关文章", "分享到",
    "友情链接", "网站地图", "版权所有", "主办单位", "承办单位", "ICP备", "网站标识码", "上一篇", "下一篇",
    "责任编辑", "【字体", "字号：", "文字解读", "图片解读", "视频解读", "返回顶部",
)  # fmt: skip


def _without_page_chrome(lines: list[Line]) -> list[Line]:
    """The last section runs to the end of the page: cut it where the page's own
    furniture begins, so section 六 holds the report's text only."""
    for i, line in enumerate(lines):
        if line.width is None and len(line.text) <= 30 and line.text.lstrip().startswith(_CHROME):
            return lines[:i]
    return lines


#: words that identify a table when its section heading is missing (sheets, bare tables)
_TABLE_WORDS = (
    (4, ("结果维持", "尚未审结", "复议后起诉")),
    (3, ("本年新收", "上年结转", "予以公开", "申请人情况")),
    (2, ("第二十条", "行政许可", "规章", "行政事业性收费")),
)


def classify_tables(lines: list[Line]) -> dict[int, list[Line]]:
    """Grid tables assigned to sections 2-4 by their words, for documents without headings."""
    groups: dict[tuple, list[Line]] = {}
    for line in lines:
        if line.width is None:
            continue
        key = (line.loc.get("kind"), line.loc.get("table"), line.loc.get("sheet"))
        groups.setdefault(key, []).append(line)
    out: dict[int, list[Line]] = {}
    for group in groups.values():
        text = clean("".join(ln.text for ln in group))
        for number, words in _TABLE_WORDS:
            if sum(w in text for w in words) >= 2:
                out.setdefault(number, []).extend(group)
                break
    return out
