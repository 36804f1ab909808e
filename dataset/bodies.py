"""Body identity: one stable ``body_id`` for a body across years and spellings.

A street office prints itself as 重庆市巴南区人民政府南彭街道办事处 one year,
南彭街道办事处 the next, and the portal's list calls it 巴南区南彭街道.  Comparing a
body across years needs all three to be one body, so the id is derived from a
normalised name rather than from any one spelling:

1. NFKC (full-width to ASCII), no white space, no brackets' contents kept apart.
2. Strip the administrative prefixes the body sits under: a province (省/自治区),
   a city (``XX市``), the crawl's district (``巴南区``, also without its suffix),
   a bare leading 区/县 (``区发展改革委``), and a parent government
   (``人民政府`` when more text follows).
3. Strip the office suffix of a street or township: 街道办事处 → 街道,
   镇人民政府 → 镇, 乡人民政府 → 乡.
4. Nothing left means the government's own report.  Its key is 人民政府, but its
   name stays a name: the district as the report prints it when it calls itself by
   the district (平潭综合实验区), else the district's government (洪泽区人民政府) —
   a bare 人民政府 would be shared by every district's government.

``body_id`` = ``b`` + the first 12 hex digits of sha1(district + "|" + key), so it
never changes while the district and the normalised key do not.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

GOVERNMENT = "人民政府"

_PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区",
    "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:市|自治州|地区|盟)(?=[\u4e00-\u9fff]{2,})")
_SPACE = re.compile(r"[\s\u3000]+")
_SUFFIXES = (("街道办事处", "街道"), ("镇人民政府", "镇"), ("乡人民政府", "乡"), ("办事处", ""))
_COUNTY_SUFFIX = re.compile(r"(?:区|县|市|旗)$")


@dataclass(frozen=True, slots=True)
class BodyKey:
    body_id: str
    district: str
    name: str  # the normalised name, e.g. 南彭街道, 发展和改革局, 洪泽区人民政府, 平潭综合实验区
    is_government: bool = False


def _strip_prefix(text: str, prefix: str) -> str:
    return text[len(prefix) :] if prefix and text.startswith(prefix) and len(text) > len(prefix) else text


def normalise_name(agency: str, district: str = "") -> str:
    """The body's name with the places it sits under and its office suffix removed."""
    t = _SPACE.sub("", unicodedata.normalize("NFKC", agency or ""))
    district = _SPACE.sub("", unicodedata.normalize("NFKC", district or ""))
    if district and t in (district, district + GOVERNMENT):
        return GOVERNMENT
    for _ in range(4):  # prefixes come in any order of province / city / district / government
        before = t
        for p in _PROVINCES:
            t = _strip_prefix(t, p)
        if district:
            t = _strip_prefix(t, district)
            short = _COUNTY_SUFFIX.sub("", district)
            if (
                len(short) >= 2
                and t.startswith(short)
                and len(t) - len(short) >= 2
                and not t.startswith(short + "街道")
            ):
                t = _strip_prefix(t, short)
        if t not in (district, GOVERNMENT):
            m = _CITY.match(t)
            if m and not t.startswith(m.group(0) + "场"):
                t = t[m.end() :]
        if t.startswith(GOVERNMENT) and len(t) > len(GOVERNMENT):
            t = t[len(GOVERNMENT) :]
        if len(t) > 3 and t[0] in "区县" and t[1] != "委":
            t = t[1:]
        if t == before:
            break
    if t == district or (district and t == _COUNTY_SUFFIX.sub("", district)):
        return GOVERNMENT
    if district and t == district + GOVERNMENT:
        return GOVERNMENT
    for suffix, repl in _SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix):
            t = t[: -len(suffix)] + repl
            break
    return t or GOVERNMENT


def government_name(agency: str, district: str) -> str:
    """A government's own name: the district when the report calls itself by it, else its 人民政府."""
    t = _SPACE.sub("", unicodedata.normalize("NFKC", agency or ""))
    for p in _PROVINCES:
        t = _strip_prefix(t, p)
    if not district:
        return t or GOVERNMENT
    return district if t.endswith(district) else district + GOVERNMENT


def body_key(agency: str | None, district: str | None) -> BodyKey:
    district = _SPACE.sub("", unicodedata.normalize("NFKC", district or ""))
    key = normalise_name(agency or "", district)
    digest = hashlib.sha1(f"{district}|{key}".encode()).hexdigest()[:12]
    if key == GOVERNMENT:
        return BodyKey(f"b{digest}", district, government_name(agency or "", district), True)
    return BodyKey(f"b{digest}", district, key)
