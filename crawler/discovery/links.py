"""Links of an HTML page with the text around them, shared by every discovery adapter.

List pages give three things per entry: the address, the title (the ``title``
attribute is often complete where the link text is cut with "..."), and a
date printed next to it.  The date is taken only from the smallest enclosing
row that holds that one link, so dates of neighbouring entries never mix.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_ROW_TAGS = {"li", "tr", "dl", "dd", "p", "div", "span", "td", "ul", "table", "section"}


@dataclass(frozen=True)
class Link:
    url: str  # absolute, without fragment
    text: str
    title: str | None  # the title attribute
    date: str | None  # ISO date printed in the link's row

    @property
    def best_title(self) -> str:
        """The title attribute unless the link text is longer (some sites put a short label there)."""
        t = (self.title or "").strip()
        return t if len(t) >= len(self.text) else self.text


def iso_date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _is_tracking(param: str) -> bool:
    name = param.split("=", 1)[0].lower()
    return name.startswith("utm_")


def clean_url(url: str) -> str:
    """Absolute address without fragment and without utm_* tracking parameters (one document, one address)."""
    p = urlsplit(url)
    query = "&".join(q for q in p.query.split("&") if q and not _is_tracking(q)) if p.query else ""
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", query, ""))


def _row_date(a) -> str | None:
    node = a.parent
    for _ in range(4):
        if node is None or node.tag not in _ROW_TAGS:
            return None
        if len(node.css("a[href]")) > 1:
            return None
        d = iso_date(node.text(separator=" "))
        if d:
            return d
        node = node.parent
    return None


def extract_links(html: str, base_url: str) -> list[Link]:
    tree = LexborHTMLParser(html)
    base = base_url
    base_tag = tree.css_first("base[href]")
    if base_tag is not None:
        base = urljoin(base_url, base_tag.attributes.get("href") or "")
    out: list[Link] = []
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = clean_url(urljoin(base, href))
        if not url.startswith(("http://", "https://")):
            continue
        text = re.sub(r"\s+", " ", a.text(separator=" ")).strip()
        out.append(Link(url, text, a.attributes.get("title"), _row_date(a)))
    return out


def page_title(html: str) -> str | None:
    """A page's own title: ArticleTitle meta (TRS), else <title>."""
    tree = LexborHTMLParser(html)
    for sel in ('meta[name="ArticleTitle"]', 'meta[name="articletitle"]'):
        m = tree.css_first(sel)
        if m is not None and (m.attributes.get("content") or "").strip():
            return m.attributes["content"].strip()
    t = tree.css_first("title")
    return t.text(strip=True) if t is not None else None


def extension(url: str) -> str:
    return os.path.splitext(urlsplit(url).path)[1].lower()


def attachment_links(links: list[Link]) -> list[Link]:
    """Links to report files (pdf, doc, docx, wps, xls, xlsx), first occurrence of each address."""
    seen: set[str] = set()
    out = []
    for link in links:
        if extension(link.url) in ATTACHMENT_EXTS and link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


def column_dir(url: str) -> str:
    """The directory (column path) an address lives in, with a trailing slash."""
    p = urlsplit(url)
    path = p.path if p.path.endswith("/") else p.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((p.scheme, p.netloc, path, "", ""))


def same_site(a: str, b: str) -> bool:
    ha, hb = urlsplit(a).hostname or "", urlsplit(b).hostname or ""
    return ha.removeprefix("www.") == hb.removeprefix("www.") and urlsplit(a).port == urlsplit(b).port


def under(url: str, prefix_dir: str) -> bool:
    """Is ``url`` inside the column directory (host twins www./bare are the same site)?"""
    return same_site(url, prefix_dir) and urlsplit(url).path.startswith(urlsplit(prefix_dir).path)
