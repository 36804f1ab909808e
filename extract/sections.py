"""Split a document's lines into the six sections of the report.

A heading is a short line that starts with the section's Chinese numeral and
names one of its keywords (titles vary: "四、因政府信息公开工作被申请行政复议和
提起行政诉讼情况", "五、存在的主要问题及整改措施").  Headings must come in
order, which keeps table rows such as "三、本年度办理结果" and "四、结转下年度继续
办理" from being taken for section titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .codebook import SECTIONS
from .model import Line
from .numbers import clean

_HEAD = re.compile(r"^([一二三四五六])[、.,，]")
_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
#: longest heading line, in characters, before it counts as prose that happens to start with a numeral
MAX_HEADING = 48


@dataclass
class Sections:
    preamble: list[Line] = field(default_factory=list)
    by_number: dict[int, list[Line]] = field(default_factory=dict)
    headings: dict[int, Line] = field(default_factory=dict)

    def lines(self, number: int) -> list[Line]:
        return self.by_number.get(number, [])

    def text(self, number: int) -> str:
        return "\n".join(line.text for line in self.lines(number))


_FIRST = frozenset("一二三四五六")


def heading_number(text: str) -> int | None:
    if text.lstrip()[:1] not in _FIRST:  # cheap test first: most lines are not headings
        return None
    t = clean(text)
    m = _HEAD.match(t)
    if not m or len(t) > MAX_HEADING:
        return None
    n = _NUM[m.group(1)]
    keywords = SECTIONS[n - 1][3]
    return n if any(k in t for k in keywords) else None


def split_sections(lines: list[Line]) -> Sections:
    out = Sections()
    current = 0
    for line in lines:
        text = line.text
        if line.cells is not None and len([c for c in line.cells if c.text]) > 1 and line.width is not None:
            n = None  # a grid row with several cells is never a heading
        else:
            n = heading_number(text)
        if n is not None and n > current:
            current = n
            out.headings[n] = line
            out.by_number.setdefault(n, [])
            continue
        if current == 0:
            out.preamble.append(line)
        else:
            out.by_number[current].append(line)
    if current:
        out.by_number[current] = _without_page_chrome(out.by_number[current])
    return out


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
