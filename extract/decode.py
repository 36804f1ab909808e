"""Bytes of a web page or text file to str, the way Chinese government pages need it.

Order: HTTP header → BOM → ``<meta>`` → strict UTF-8 → detection.  Any GB
label (gb2312, gbk, x-gbk, …) decodes as gb18030, its superset: pages that say
gb2312 routinely contain characters outside it, and a strict gb2312 decoder
would turn a name like 𠙶 or 犇 into replacement characters.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "csgb2312", "euc-cn", "cp936", "ms936", "windows-936", "gb18030", "chinese"}  # fmt: skip
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def sniff_meta(data: bytes) -> str | None:
    m = _META.search(data[:8192])
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def detect_charset(data: bytes, declared: str | None = None, *, html: bool = True) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for candidate in (normalise_charset(declared), sniff_meta(data) if html else None):
        if candidate:
            return candidate
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
        if best is not None:
            return normalise_charset(best.encoding) or "gb18030"
    except Exception:  # noqa: BLE001 - detection is a best effort; gb18030 is the likely answer
        pass
    return "gb18030"


def decode(data: bytes, declared: str | None = None, *, html: bool = True) -> tuple[str, str]:
    """Return (text, charset used).  Undecodable bytes become U+FFFD, never an exception."""
    charset = detect_charset(data, declared, html=html)
    return data.decode(charset, errors="replace"), charset
