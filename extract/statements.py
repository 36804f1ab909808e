"""Figures the report states in its prose (全年收到申请70件, 办结69件, 行政复议2件, …).

Sections 一, 三 and 四 often repeat the tables' figures in sentences; a sentence
that says otherwise than its table is a finding (``text_checks``).  A sentence
is only taken when it can mean one thing: a false alarm costs an office more
than a missed figure, so every doubt (another year, a year-over-year change,
another body's scope, two verbs for one number, a count of documents instead
of requests) gives no statement at all.  The patterns are listed in the README.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Line
from .numbers import chinese_numeral

#: what a statement counts; ``text_checks.CELLS`` maps each to its table cells
RECEIVED = "received"  # 收到/受理/新收 … 申请 X件
CARRIED_OVER = "carried_over"  # 上年结转 X件
PROCESSED = "processed"  # 办结 X件
CARRIED_FORWARD = "carried_forward"  # X件结转下年度
GRANTED = "granted"  # 予以公开 X件
PARTIALLY_GRANTED = "partially_granted"  # 部分公开 X件
GRANTED_OR_PARTIAL = "granted_or_partial"  # 予以公开及部分公开 X件
DENIED = "denied"  # 不予公开 X件
UNAVAILABLE = "unavailable"  # 无法提供 X件
REJECTED = "rejected"  # 不予处理 X件
OTHER_PROCESSING = "other_processing"  # 其他处理 X件
REVIEW = "review"  # 行政复议 X件
LITIGATION = "litigation"  # 行政诉讼 X件
NORMATIVE_ISSUED = "normative_issued"  # 制发规范性文件 X件
NORMATIVE_IN_FORCE = "normative_in_force"  # 现行有效规范性文件 X件
FEE = "fee"  # 收取信息处理费 X元

#: the sections whose prose is read: 一 总体情况, 三 and 四 (notes beside their tables), 六 (the fee)
SECTIONS_READ = (1, 3, 4, 6)


@dataclass(frozen=True, slots=True)
class Statement:
    kind: str
    value: float | int
    unit: str
    sentence: str  # as printed (line breaks of a wrapped line removed)
    section: int
    line: int  # the line of the section (1-based) the sentence starts on


_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
_COUNT = r"(件|个)"  # requests and their outcomes: never 条, which counts documents
_DOCS = r"(件|条|个)"
_CASES = r"(件|起|个)"
_MONEY = r"(元|万元)"
_SEP = r"(?:共|共计|合计|总计|累计|为|达|是|的|了)*"

#: (kind, pattern, unit group); the value is group 1 unless the pattern names group "v"
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (kind, re.compile(p))
    for kind, p in (
        (GRANTED_OR_PARTIAL, rf"(?:予以公开|全部公开|全部)(?:及|和|与|或|、)部分公开{_SEP}{_NUM}{_COUNT}"),
        # "全部或部分公开25件" is both rows: 部分公开 joined to a word before it is not the row alone
        (PARTIALLY_GRANTED, rf"(?<![及和与或、])部分(?:予以)?公开{_SEP}{_NUM}{_COUNT}"),
        (GRANTED, rf"(?<!部分)(?<!不)予以公开{_SEP}{_NUM}{_COUNT}"),
        (DENIED, rf"不予公开{_SEP}{_NUM}{_COUNT}"),
        (UNAVAILABLE, rf"无法提供{_SEP}{_NUM}{_COUNT}"),
        (REJECTED, rf"不予处理{_SEP}{_NUM}{_COUNT}"),
        (OTHER_PROCESSING, rf"其他处理{_SEP}{_NUM}{_COUNT}"),
        (
            CARRIED_OVER,
            rf"(?<!办结)(?<!办理)(?<!答复)上一?年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?{_SEP}{_NUM}{_COUNT}",
        ),
        (CARRIED_FORWARD, rf"{_NUM}{_COUNT}(?:申请)?(?:需|须|将)?结转(?:至|到)?下一?年"),
        (CARRIED_FORWARD, rf"结转(?:至|到)?下一?年(?:度)?(?:继续办理)?(?:的)?(?:申请)?{_SEP}{_NUM}{_COUNT}"),
        (PROCESSED, rf"(?<!受理)办结{_SEP}{_NUM}{_COUNT}(?!率)"),
        (
            RECEIVED,
            rf"(?:新收|收到|受理|接收|接到)(?P<q>[^，,。；;\d]{{0,24}}?)申请(?P<r>[^，,。；;\d]{{0,10}}?){_SEP}(?P<v>{_NUM[1:-1]})(?P<u>件|个)",
        ),
        (
            RECEIVED,
            rf"(?:新收|收到|受理|接收|接到){_SEP}(?P<v>{_NUM[1:-1]})(?P<u>件|个)(?P<q>[^，,。；;\d]{{0,8}}?)申请",
        ),
        (REVIEW, rf"行政复议(?:案件|申请|案)?{_SEP}{_NUM}{_CASES}"),
        (LITIGATION, rf"行政诉讼(?:案件|案)?{_SEP}{_NUM}{_CASES}"),
        (
            NORMATIVE_ISSUED,
            rf"(?:制发|印发)(?P<q>[^，,。；;、\d]{{0,12}}?)规范性文件{_SEP}(?P<v>{_NUM[1:-1]})(?P<u>件|条|个)",
        ),
        (NORMATIVE_IN_FORCE, rf"现行有效(?:的)?(?:行政)?规范性文件{_SEP}{_NUM}{_DOCS}"),
        (FEE, rf"(?:收取|收缴)(?:政府信息公开)?(?:信息)?(?:公开)?处理费{_SEP}{_NUM}{_MONEY}"),
    )
)

#: "未收到(过)政府信息公开申请": none received
_NONE_RECEIVED = re.compile(r"未(?:收到|接到|受理)(?:过)?(?P<q>[^，,。；;\d]{0,16}?)申请")

_REQUEST_KINDS = frozenset({RECEIVED, CARRIED_OVER, PROCESSED, CARRIED_FORWARD, GRANTED, PARTIALLY_GRANTED,
                            GRANTED_OR_PARTIAL, DENIED, UNAVAILABLE, REJECTED, OTHER_PROCESSING})  # fmt: skip
_CASE_KINDS = frozenset({REVIEW, LITIGATION})

#: a figure that compares with another year, not this year's count
_CHANGE = ("同比", "增长", "增加", "减少", "下降", "上升", "较上年", "比上年", "较去年", "比去年", "去年",
           "上年同期", "历年", "以来", "累计至")  # fmt: skip
#: the clause speaks for another body or a part of the body (区政府办代表区政府受理…)
_SCOPE = ("代表", "各部门", "各单位", "各镇", "各乡", "各街道", "下属", "所属")
#: applications and cases of other kinds (permits, subsidies, hotlines)
_OTHER_DOMAIN = ("许可", "审批", "补贴", "低保", "救助", "登记", "注册", "诉求", "问政", "热线", "12345",
                 "建议", "提案", "咨询", "留言", "来信", "来电", "办件", "政务服务")  # fmt: skip
#: petitions and complaints: another domain, except as the 不予处理 category (信访举报投诉类申请)
_PETITION = ("信访", "举报", "投诉")
#: a specific outcome of a review or a suit, not their number
_CASE_OUTCOME = ("纠错", "纠正", "败诉", "胜诉", "维持", "撤销", "驳回", "确认违法", "审结", "结案", "未审")
#: documents counted by their disclosure attribute (制发政府信息487条，其中主动公开117条…)
_ATTRIBUTE = ("主动公开", "制发政府信息", "发布政府信息", "公开政府信息", "公布政府信息")

_JOINED = re.compile(r"复议(?:案件)?[、和及与或]$")
#: a sub-heading starts a new sentence even where the line before it has no full stop
_SUBHEAD = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,2}[）)]|[一二三四五六七八九十]{1,2}、|\d{1,2}[.、])"
)
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_PERCENT = re.compile(r"^\s*[%％]")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _number(text: str) -> float | int | None:
    if text[0].isdigit():
        return float(text) if "." in text else int(text)
    if any(u in text for u in "十百千") or len(text) == 1:
        return chinese_numeral(text)
    return None  # "一二" is no number


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str  # NFKC, spaces removed
    printed: str
    line: int


_END = "。；;！!？?"


def sentences(lines: list[Line]) -> list[_Sentence]:
    """The prose sentences of a section, with the line each starts on.

    A wrapped line (a PDF's, a long paragraph's) runs on into the next; a short
    line without a full stop (a sub-heading, "（二）依申请公开方面") ends its sentence.
    Table rows are not prose."""
    out: list[_Sentence] = []
    buf, start = "", 0
    for i, line in enumerate(lines, start=1):
        if buf and _SUBHEAD.match(line.text):
            out += _cut(buf, start)
            buf = ""
        if (line.cells is not None and line.width is not None) or "|" in line.text:
            if buf.strip():
                out += _cut(buf, start)
            buf = ""
            continue
        if not buf:
            start = i
        text = line.text.strip()
        buf += text
        if len(text) < 20 or text[-1:] in _END:
            out += _cut(buf, start)
            buf = ""
    if buf.strip():
        out += _cut(buf, start)
    return out


def _cut(text: str, line: int) -> list[_Sentence]:
    parts = re.split(r"(?<=[。；;！!？?])", text)
    return [_Sentence(re.sub(r"[\s\u3000]+", "", _nfkc(p)), p.strip(), line) for p in parts if p.strip()]


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.split(r"[，,；;]", sentence) if c]


def _qualifier_ok(q: str) -> bool:
    """What stands between the verb and 申请 names a disclosure request, or nothing."""
    q = q.strip()
    if any(w in q for w in _OTHER_DOMAIN) or "复议" in q or "诉讼" in q:
        return False
    return len(q) <= 2 or "公开" in q


def _doubtful(kind: str, clause: str, context: str, year: int | None) -> bool:
    if any(w in clause for w in _CHANGE):
        return True
    if kind != FEE and any(w in clause for w in _SCOPE):
        return True
    if year is not None and any(int(y) != year for y in _YEAR.findall(context)):
        return True  # another year's figure, or a sentence about two years
    if kind in _REQUEST_KINDS:
        if "申请" not in context or any(w in clause for w in _OTHER_DOMAIN):
            return True
        if kind != REJECTED and any(w in clause for w in _PETITION):
            return True
        if kind in (PROCESSED, CARRIED_OVER, CARRIED_FORWARD) and any(w in context for w in _OTHER_DOMAIN):
            return True  # a bare "办结X件" names no noun: the whole sentence must be about requests
        if kind not in (RECEIVED, CARRIED_OVER, CARRIED_FORWARD, PROCESSED) and any(
            w in context for w in _ATTRIBUTE
        ):
            return True
        if "复议" in clause or "诉讼" in clause:
            return True
    if kind in _CASE_KINDS:
        if "信息公开" not in context:
            return True
        if any(w in clause for w in _CASE_OUTCOME):
            return True
    return False


def _match(clause: str) -> list[tuple[str, float | int, str, int]]:
    """(kind, value, unit, position) of every pattern matching the clause, at most one per position."""
    found: list[tuple[str, float | int, str, int]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(clause):
            span = m.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue  # a longer pattern (予以公开及部分公开) has this text already
            gd = m.groupdict()
            if "v" in gd:
                value_text, unit = gd["v"], gd["u"]
                if gd.get("q") is not None and not _qualifier_ok(gd["q"]):
                    continue
                if gd.get("r") and not _qualifier_ok(gd["r"]):
                    continue
                end = m.end("u")
            else:
                value_text, unit = m.group(1), m.group(2)
                end = m.end(2)
            if _PERCENT.match(clause[end:]):
                continue
            if kind == LITIGATION and _JOINED.search(clause[: span[0]]):
                continue  # "行政复议、行政诉讼3件": one number for both
            value = _number(value_text)
            if value is None:
                continue
            found.append((kind, value, unit, span[0]))
            taken.append(span)
    return sorted(found, key=lambda h: h[3])


def find_statements(lines: list[Line], section: int, year: int | None = None) -> list[Statement]:
    """Every unambiguous figure the prose of one section states."""
    out: list[Statement] = []
    prev = ""
    for s in sentences(lines):
        # "其中，予以公开…" continues the sentence before it
        context = prev + s.text if s.text.startswith("其中") else s.text
        prev = s.text
        for clause in _clauses(s.text):
            hits = _match(clause)
            if len({h[0] for h in hits if h[0] in (RECEIVED, PROCESSED)}) > 1 and "办结" in clause:
                continue  # "受理并办结2件": one number, two cells
            for kind, value, unit, _ in hits:
                if _doubtful(kind, clause, context, year):
                    continue
                if kind == FEE and section != 6 and "处理费" not in context:
                    continue
                out.append(Statement(kind, value, unit, s.printed, section, s.line))
            m = _NONE_RECEIVED.search(clause)
            if (
                m
                and not hits
                and _qualifier_ok(m.group("q"))
                and not _doubtful(RECEIVED, clause, context, year)
                and not any(w in clause for w in ("复议", "诉讼"))
            ):
                out.append(Statement(RECEIVED, 0, "件", s.printed, section, s.line))
    return out


def unambiguous(statements: list[Statement]) -> list[Statement]:
    """Statements whose kind the report states with one value only: two different
    figures for one count (the whole district's and one office's) say neither."""
    values: dict[str, set] = {}
    for st in statements:
        values.setdefault(st.kind, set()).add(st.value)
    return [st for st in statements if len(values[st.kind]) == 1]
