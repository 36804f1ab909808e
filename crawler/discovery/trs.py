"""TRS WCM columns (the Chongqing district portals, many others).

A column lives in a directory; its list pages are ``index.html``,
``index_1.html``, … and the first page prints the page count through
``createPageHTML(pages, current, "index", "html")`` (some templates put an
element id first and the record count last).  Detail pages are
``<column>/<YYYYMM>/t<YYYYMMDD>_<id>.html``; the ``_wap.html`` twin is the
mobile copy of the same document, so both map to one canonical address.
District columns hold one sub-column per department, street and town: those
are directory links deeper under the column path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from crawler.discovery.links import ATTACHMENT_EXTS, Link, column_dir, extension, extract_links, under
from extract.metadata import date_from_address
from extract.titles import is_report_title

_CREATE_PAGE = re.compile(
    r"createPageHTML\s*\(\s*(?:(?P<q>['\"])[^'\"]*(?P=q)\s*,\s*)?(?P<pages>\d+)\s*,\s*(?P<cur>\d+)\s*,"
    r"\s*['\"](?P<prefix>[\w.-]*)['\"]\s*,\s*['\"](?P<ext>\w+)['\"]\s*(?:,\s*['\"]?(?P<total>\d+)['\"]?)?"
)
_DETAIL = re.compile(r"/(?:(?P<ym>\d{6})/)?t(?P<date>\d{8})?_(?P<id>\d+)(?P<wap>_wap)?\.s?html?$", re.I)
_INDEX_PAGE = re.compile(r"/(?:index|list)(?:_\d+)?\.s?html?$", re.I)


@dataclass(frozen=True)
class PageCount:
    pages: int
    current: int
    prefix: str
    ext: str
    total: int | None = None  # record count, when the template prints it


@dataclass
class ListPage:
    items: list[Link] = field(default_factory=list)  # detail pages in this column, canonical, in page order
    subcolumns: list[str] = field(default_factory=list)  # directory addresses
    page_count: PageCount | None = None


def parse_page_count(text: str) -> PageCount | None:
    m = _CREATE_PAGE.search(text)
    if not m:
        return None
    total = m.group("total")
    return PageCount(int(m.group("pages")), int(m.group("cur")), m.group("prefix") or "index", m.group("ext"),
                     int(total) if total else None)  # fmt: skip


def page_urls(column_url: str, count: PageCount, limit: int) -> tuple[list[str], bool]:
    """Addresses of list pages 2..n (page 1 is the column page itself); True if ``limit`` cut them."""
    base = column_dir(column_url)
    n = min(count.pages, limit)
    return [f"{base}{count.prefix}_{i}.{count.ext}" for i in range(1, n)], count.pages > limit


def detail_match(url: str) -> re.Match | None:
    return _DETAIL.search(urlsplit(url).path)


def is_detail_url(url: str) -> bool:
    return detail_match(url) is not None


def canonical_url(url: str) -> str:
    """``…_wap.html`` → ``….html``, and no query (``?from=list``) on a static detail page: one document,
    one address."""
    p = urlsplit(url)
    m = _DETAIL.search(p.path)
    if m:
        path = p.path[: m.start("wap")] + p.path[m.end("wap") :] if m.group("wap") else p.path
        return urlunsplit((p.scheme, p.netloc, path, "", ""))
    return url


def published_from_url(url: str) -> str | None:
    """The publication date a TRS detail address carries (tYYYYMMDD), if it is one."""
    return date_from_address(url) if detail_match(url) else None


def _subcolumn(url: str, column: str) -> str | None:
    if not under(url, column) or is_detail_url(url):
        return None
    path = urlsplit(url).path
    if urlsplit(url).query:
        return None
    if path.endswith("/"):
        d = url
    elif _INDEX_PAGE.search(path):
        d = column_dir(url)
    else:
        return None
    d = column_dir(d)
    return d if urlsplit(d).path != urlsplit(column).path else None


def parse_list_page(html: str, page_url: str, column_url: str) -> ListPage:
    """Entries, sub-columns and page count of one TRS list page."""
    column = column_dir(column_url)
    out = ListPage(page_count=parse_page_count(html))
    seen: dict[str, int] = {}
    subs: set[str] = set()
    for link in extract_links(html, page_url):
        direct_file = extension(link.url) in ATTACHMENT_EXTS and is_report_title(link.best_title)
        if (is_detail_url(link.url) or direct_file) and under(link.url, column):
            canon = canonical_url(link.url)
            if canon in seen:
                prev = out.items[seen[canon]]
                if len(link.best_title) > len(prev.best_title) or (prev.date is None and link.date):
                    out.items[seen[canon]] = Link(canon, link.text or prev.text, link.title or prev.title,
                                                  link.date or prev.date)  # fmt: skip
                continue
            seen[canon] = len(out.items)
            out.items.append(Link(canon, link.text, link.title, link.date))
            continue
        sub = _subcolumn(link.url, column)
        if sub and sub not in subs:
            subs.add(sub)
            out.subcolumns.append(sub)
    return out
