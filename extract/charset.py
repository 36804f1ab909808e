"""Decode HTML and text bytes the way Chinese government portals need.

Shared by the crawler (pages as served) and the extractor (files on disk).

Order: the Content-Type header, then a byte-order mark, then a ``<meta>``
declaration, then detection (UTF-8, GB18030, then charset-normalizer).  A declared charset that does not
decode the bytes cleanly is skipped (portals often send ``charset=UTF-8`` for
GBK pages), so the next step gets its chance.  GB2312 and GBK are decoded as
GB18030, their superset: pages labelled GB2312 routinely use GBK characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "utf8": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the Python codec used
    source: str  # header, bom, meta, detected, fallback


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None if unknown."""
    if not name:
        return None
    n = name.strip().strip("\"'").lower()
    n = _ALIASES.get(n, n)
    try:
        return codecs.lookup(n).name if n not in ("gb18030",) else "gb18030"
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER_CHARSET.search(content_type or "")
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def _clean(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _cjk(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


#: labels under which every byte decodes: a server's default, not a statement about a Chinese page
_ANY_BYTES = frozenset({"cp1252", "iso8859-1", "latin-1"})


def _declared(body: bytes, codec: str) -> str | None:
    """The body read in a declared codec, or None if the declaration does not fit it."""
    text = _clean(body, codec)
    if text is not None and codec in _ANY_BYTES and not body.isascii():
        for other in ("utf-8", "gb18030"):
            as_other = _clean(body, other)
            if as_other is not None and _cjk(as_other):
                return None
    return text


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Text of an HTML page; never raises."""
    codec = normalise_charset(header_charset(content_type))
    if codec and (text := _declared(body, codec)) is not None:
        return Decoded(text, codec, "header")
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(name, "replace"), name, "bom")
    codec = normalise_charset(meta_charset(body))
    if codec and (text := _declared(body, codec)) is not None:
        return Decoded(text, codec, "meta")
    as_utf8, as_gb = _clean(body, "utf-8"), _clean(body, "gb18030")
    if as_utf8 is not None and as_gb is not None:
        # both decode (short GBK runs can be valid UTF-8): UTF-8 unless its reading has no Chinese at all
        if _cjk(as_utf8) == 0 and _cjk(as_gb) > 0:
            return Decoded(as_gb, "gb18030", "detected")
        return Decoded(as_utf8, "utf-8", "detected")
    if as_utf8 is not None:
        return Decoded(as_utf8, "utf-8", "detected")
    if as_gb is not None:  # mainland portals: an undeclared non-UTF-8 page that reads as GB18030 is GB18030
        return Decoded(as_gb, "gb18030", "detected")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:65536]).best()
    except Exception:  # detection is best effort
        best = None
    if best is not None and best.encoding:
        codec = normalise_charset(best.encoding) or best.encoding
        return Decoded(body.decode(codec, "replace"), codec, "detected")
    return Decoded(body.decode("gb18030", "replace"), "gb18030", "fallback")
