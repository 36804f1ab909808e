"""When a page needs a browser, decided from what the plain client received (pure functions).

A challenge answer (HTTP 412/202 with a ``$_ts`` script, or a 200 shell that
only sets a cookie and reloads) is solved by letting the script run.  A list
page that prints no report link, no pager, no sub-column and no known
script-list (Hanweb datastore, Fujian listModel, which the crawler reads
without a browser) but carries scripts is taken to build its list by script.
"""

from __future__ import annotations

import re

from crawler.blocks import block_reason
from crawler.discovery import generic, scripted, trs
from crawler.discovery.links import column_dir, extract_links, under

_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_SRC = re.compile(r"\bsrc\s*=\s*['\"]?([^'\" >]+)", re.I)
_TYPE = re.compile(r"\btype\s*=\s*['\"]?([^'\" >]+)", re.I)
# visitor counters and accessibility toolbars every government page carries: they build no list
_BYSTANDERS = re.compile(r"hm\.baidu\.com|_hmt\b|cnzz|_czc\b|google-analytics|googletagmanager|gtag\(|"
                         r"\bucap\b|wza|jiathis|bshare|/visit(?:or)?count|webcount|trs_?count|/stat\.js",
                         re.I)  # fmt: skip
_PAGER_LEAF = re.compile(r"/(?:index|list)(?:_\d+)?\.s?html?$", re.I)


def is_challenge(status: int | None, content_type: str | None, body: bytes) -> bool:
    """An anti-bot answer whose script a browser can run (not a bare 412 without one)."""
    if status is None:
        return False
    reason = block_reason(status, content_type, body)
    if reason is None:
        return False
    return "$_ts" in reason or "script" in reason or bool(_SCRIPT.search(body[:200_000].decode("latin-1")))


def has_scripts(html: str) -> bool:
    """Does the page run a script that could build content (not only a visitor counter)?"""
    for attrs, code in _SCRIPT_TAG.findall(html):
        kind = _TYPE.search(attrs)
        if kind and "javascript" not in kind.group(1).lower() and kind.group(1).lower() != "module":
            continue  # text/xml data islands, templates: read by a script, not one
        src = _SRC.search(attrs)
        if src:
            if not _BYSTANDERS.search(src.group(1)):
                return True
        elif code.strip() and not _BYSTANDERS.search(code):
            return True
    return False


def list_needs_browser(html: str, page_url: str, column_url: str) -> str | None:
    """Why this list page must be rendered to show its entries, or None."""
    if not has_scripts(html):
        return None
    page = trs.parse_list_page(html, page_url, column_url)
    if page.items or page.subcolumns or page.page_count:
        return None
    if scripted.parse_list_model(html) is not None or scripted.parse_hanweb(html, page_url)[0] is not None:
        return None
    return "list page prints no report link but runs scripts"


def generic_needs_browser(html: str, page_url: str, column_url: str) -> str | None:
    """The same test for a column of no known CMS: no link inside the column at all, but scripts."""
    if not has_scripts(html):
        return None
    page = generic.parse_generic(html, page_url, column_url)
    if page.reports or page.follow or page.other_documents:
        return None
    return "page links nothing inside its column but runs scripts"


def pager_links(html: str, page_url: str, column_url: str) -> list[str]:
    """Further list pages of the same column linked from a (rendered) page: ``index_1.html`` …"""
    col = column_dir(column_url)
    out: list[str] = []
    for link in extract_links(html, page_url):
        url = link.url.split("?", 1)[0]
        if not under(url, col) or column_dir(url) != column_dir(col) or not _PAGER_LEAF.search(url):
            continue
        if url not in out:
            out.append(url)
    return out
