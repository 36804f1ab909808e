"""Any other CMS: follow links inside the column's path prefix, depth-bounded.

Without a known template the only safe scope is the column directory: links
that leave it are navigation to other columns.  Report pages are recognised
by their link title — a document link (PDF, Word…) as much as a page: a list
that links its reports straight to their files is still a report list.  Every
other HTML-looking link in scope is a page to look at, up to ``max_depth``
hops from the start page; document links whose titles name no report are kept
aside so the crawl can say it left them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.discovery.links import ATTACHMENT_EXTS, Link, column_dir, extension, extract_links, under
from extract.titles import is_report_title

_PAGE_EXTS = ("", ".html", ".htm", ".shtml", ".jsp", ".php", ".aspx", ".asp")


@dataclass
class GenericPage:
    reports: list[Link] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    other_documents: list[Link] = field(default_factory=list)  # document links not titled as reports


def parse_generic(html: str, page_url: str, column_url: str) -> GenericPage:
    prefix = column_dir(column_url)
    out = GenericPage()
    seen: set[str] = set()
    for link in extract_links(html, page_url):
        if link.url in seen or not under(link.url, prefix):
            continue
        seen.add(link.url)
        if is_report_title(link.best_title):
            out.reports.append(link)
        elif extension(link.url) in ATTACHMENT_EXTS:
            out.other_documents.append(link)
        elif extension(link.url) in _PAGE_EXTS:
            out.follow.append(link.url)
    return out
