"""Lists that print only part of their entries and load the rest by script.

Such a page looks complete to an HTML parser, so each family's script is read
for the number of entries the column really has:

* Fujian TRS templates (``list2.trsapi``): ``listModel({... pagebar: {prepage:
  10, recordCount: '20'} ...})``; ``maxStaticIndex`` says how many further
  static pages (``index_1.htm`` …) exist.  The rest comes from a site search
  API whose address is not on the page: that shortfall is flagged.
* Hanweb (``col/col<id>/index.html``): the first entries sit in a
  ``<datastore>`` block, the rest come from ``dataproxy.jsp``, whose address
  and parameters the page gives (``<nextgroup>``) together with
  ``totalRecord``; the crawler asks it for the remaining records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawler.discovery.links import Link, extract_links

_LIST_MODEL = re.compile(r"listModel\s*\(\s*\{")
_RECORD_COUNT = re.compile(r"recordCount\s*:\s*['\"]?(\d+)")
_PREPAGE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")
_MAX_STATIC = re.compile(r"maxStaticIndex\s*:\s*['\"]?(\d+)")

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TOTAL = re.compile(r"(?:<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+))", re.I)
_PERPAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)['\"]", re.S | re.I)
_PROXY = re.compile(r"['\"]([^'\"]*dataproxy\.jsp[^'\"]*)['\"]", re.I)


@dataclass(frozen=True)
class ScriptedList:
    kind: str  # "fjtrs-listmodel" or "hanweb-datastore"
    expected: int | None  # entries the column says it has
    per_page: int | None
    static_pages: int  # further static list pages (index_1 … index_n) that exist
    endpoint: str | None  # where the remaining entries can be asked for, if known


def parse_list_model(text: str) -> ScriptedList | None:
    m = _LIST_MODEL.search(text)
    if not m:
        return None
    body = text[m.start() : m.start() + 4000]
    count = _RECORD_COUNT.search(body)
    per = _PREPAGE.search(body)
    static = _MAX_STATIC.search(body)
    return ScriptedList("fjtrs-listmodel", int(count.group(1)) if count else None,
                        int(per.group(1)) if per else None, int(static.group(1)) if static else 0, None)  # fmt: skip


def static_page_urls(page_url: str, static_pages: int, limit: int) -> list[str]:
    """``index_1.htm`` … for a Fujian list whose first page is ``page_url`` (same extension)."""
    p = urlsplit(page_url)
    directory = p.path if p.path.endswith("/") else p.path.rsplit("/", 1)[0] + "/"
    leaf = p.path.rsplit("/", 1)[1] if not p.path.endswith("/") else "index.htm"
    stem, _, ext = leaf.partition(".")
    stem = re.sub(r"_\d+$", "", stem) or "index"
    ext = ext or "htm"
    return [urlunsplit((p.scheme, p.netloc, f"{directory}{stem}_{i}.{ext}", "", ""))
            for i in range(1, min(static_pages, limit) + 1)]  # fmt: skip


def parse_hanweb(text: str, page_url: str) -> tuple[ScriptedList | None, list[Link]]:
    """The datastore's entries and what the page says about the rest."""
    ds = _DATASTORE.search(text)
    if not ds and "dataproxy.jsp" not in text:
        return None, []
    links: list[Link] = []
    for rec in _RECORD.findall(ds.group(1) if ds else ""):
        links.extend(extract_links(rec, page_url))
    total = _TOTAL.search(text)
    expected = int(next(g for g in total.groups() if g)) if total else None
    per = _PERPAGE.search(text)
    endpoint = None
    ng = _NEXTGROUP.search(ds.group(1)) if ds else None
    if ng:
        endpoint = urljoin(page_url, ng.group(1).replace("&amp;", "&"))
    else:
        px = _PROXY.search(text)
        if px and "?" in px.group(1):
            endpoint = urljoin(page_url, px.group(1).replace("&amp;", "&"))
    return ScriptedList("hanweb-datastore", expected, int(per.group(1)) if per else None, 0, endpoint), links


def hanweb_request(endpoint: str, start: int, end: int, per_page: int) -> str:
    """The dataproxy address for records start..end (1-based, inclusive)."""
    p = urlsplit(endpoint)
    q = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True)
         if k.lower() not in ("startrecord", "endrecord", "perpage", "page")]  # fmt: skip
    q += [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page))]
    return urlunsplit((p.scheme, p.netloc, p.path, urlencode(q), ""))


def parse_hanweb_records(text: str, base_url: str) -> list[Link]:
    """Entries of a dataproxy.jsp answer (the same CDATA records)."""
    links: list[Link] = []
    for rec in _RECORD.findall(text):
        links.extend(extract_links(rec, base_url))
    return links
