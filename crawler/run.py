"""``nianbao crawl``: find every report of the selected sources and archive it.

One Crawl object drives all sources at once: each source walks its column
(list pages, sub-columns, report pages, attachments) as concurrent tasks,
and the shared politeness book decides when a request may actually go out —
per host, with a global cap — so many portals progress in parallel while no
single host sees more than its share.

Resumability comes from the ledger: an interrupted run is resumed (addresses
already fetched in it are read back from the archive instead of fetched
again); a new run asks the server conditionally (ETag / Last-Modified) and
keeps the stored copy on 304.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from crawler import registry
from crawler.archive import Archive, read_payload
from crawler.browser import BrowserConfig, RenderedResult
from crawler.client import ClientConfig, Fetcher, FetchResult, now_iso
from crawler.discovery import generic, scripted, trs
from crawler.discovery.images import body_images
from crawler.discovery.links import Link, attachment_links, column_dir, extract_links, page_title
from crawler.ledger import Ledger
from crawler.politeness import Politeness, PolitenessConfig
from crawler.render_policy import generic_needs_browser, list_needs_browser, pager_links
from crawler.rendering import RenderGate
from crawler.retries import RetryPolicy
from crawler.robots import Robots, Verdict
from crawler.shard import parse_shard, select_shard
from extract.charset import decode_html
from extract.titles import is_report_title, parse_title

log = logging.getLogger("nianbao.crawl")


@dataclass(frozen=True)
class CrawlConfig:
    politeness: PolitenessConfig = field(default_factory=PolitenessConfig)
    client: ClientConfig = field(default_factory=ClientConfig)
    max_pages: int = 100  # list pages per column
    max_depth: int = 3  # sub-column levels below the start column
    since: int | None = None  # skip reports of statistics years before this
    progress: bool = True
    browser: BrowserConfig = field(default_factory=BrowserConfig)


@dataclass
class SourceStats:
    pages: int = 0  # HTTP answers received (any status)
    reused: int = 0  # read back from the archive (resumed run or 304)
    reports: int = 0
    attachments: int = 0
    blocked: int = 0
    errors: int = 0
    refused: int = 0  # robots.txt, off-domain or private-address refusals (a rendered page's requests too)
    rendered: int = 0  # pages stored as the DOM a browser left (challenge, script list, render=always)
    skipped_since: int = 0
    expected: int = 0  # list entries the source's columns announce (only columns that print a count)
    found: int = 0  # list entries found in those same columns, to hold against ``expected``
    answered: int = 0  # usable answers: documents fetched, confirmed unchanged (304) or read back
    columns: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        """Did the source give anything usable?  A source that did not is a failed source."""
        return self.answered > 0

    @property
    def announces(self) -> bool:
        return any(c["expected"] is not None for c in self.columns)


@dataclass(frozen=True)
class Hints:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None


_TRUNCATED = ("...", "…", "..")


def _column_key(url: str) -> str:
    """A column directory compared across schemes and www/bare host twins."""
    parts = urlsplit(column_dir(url))
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}:{parts.port or ''}{parts.path}"


class Crawl:
    def __init__(self, sources: list[registry.Source], data_dir: Path, config: CrawlConfig):
        self.sources = sources
        self.data_dir = Path(data_dir)
        self.config = config
        self.stats = {s.id: SourceStats() for s in sources}
        self.claimed: set[str] = set()
        self._bar = None
        self._urls, self._started, self._drawn = 0, time.monotonic(), 0.0
        # column directories of the run's sources: a sub-column under another source's
        # start column is that source's to crawl (with its own agency and level)
        self.columns = {s.id: _column_key(s.start_url) for s in sources}

    def owner_elsewhere(self, src: registry.Source, url: str) -> str | None:
        """The id of another source of this run whose column holds ``url``, if any."""
        mine, key = self.columns[src.id], _column_key(url)
        owners = [
            sid
            for sid, col in self.columns.items()
            if sid != src.id and key.startswith(col) and len(col) > len(mine)
        ]
        return max(owners, key=lambda sid: len(self.columns[sid]), default=None)  # the most specific column

    # --- plumbing ----------------------------------------------------------
    def warn(self, src: registry.Source, message: str) -> None:
        self.stats[src.id].warnings.append(message)
        if self._bar is not None:
            if log.isEnabledFor(logging.WARNING):
                self._bar.write(f"warning: {src.id}: {message}", file=sys.stderr)
        else:
            log.warning("%s: %s", src.id, message)

    def _tick(self, done: int = 0) -> None:
        """The bar counts sources (a total known from the start, so it never runs backwards);
        addresses, whose total nobody knows until the end, are a count with a rate beside it."""
        self._urls += done
        now = time.monotonic()
        if self._bar is not None and done and now - self._drawn >= 0.2:
            self._drawn = now
            rate = self._urls / max(1e-6, now - self._started)
            self._bar.set_postfix_str(f"{self._urls} urls, {rate:.1f}/s")

    async def _robots_fetch(self, src: registry.Source, url: str) -> tuple[int | None, bytes]:
        res = await self.fetcher.fetch(url, domains=src.domains(), ports=src.ports(), allow_private=src.allow_private,
                                       per_host=src.per_host, delay=src.delay, check_blocks=False)  # fmt: skip
        if res.outcome == "refused" or res.status in (412, 202):
            return 404, b""  # a redirect off the site, or an anti-bot answer on robots.txt: no rule set
        if res.status is None:
            raise ConnectionError((res.error or "no answer").removeprefix(f"{url}: "))
        return res.status, res.body

    def _robots_check(self, src: registry.Source):
        async def check(url: str) -> Verdict:
            return await self.robots.allowed(url, lambda u: self._robots_fetch(src, u))

        return check

    # --- one address ---------------------------------------------------------
    async def get(self, src: registry.Source, url: str, role: str, hints: Hints = Hints(),
                  parent: str | None = None, render_if=None) -> tuple[dict | None, bytes | None]:  # fmt: skip
        """Fetch (or reuse) one address and record it; (ledger row, body) — body None if unusable."""
        if url in self.claimed:
            return None, None
        self.claimed.add(url)
        st = self.stats[src.id]
        try:
            return await self._get(src, url, role, hints, parent, st, render_if)
        finally:
            self._tick(done=1)

    async def _get(self, src, url, role, hints, parent, st, render_if=None):
        prev = self.ledger.get(url)
        if (
            prev is not None
            and prev["source_id"] != src.id
            and prev["status"] == "ok"
            and prev["run_id"] == self.run_id
        ):
            return None, None  # another source of this run already has it
        if (
            self.resumed
            and prev is not None
            and prev["run_id"] == self.run_id
            and prev["status"] in ("ok", "blocked")
        ):
            st.reused += 1
            return self._reuse(prev, st)
        conditional = {}
        if prev is not None and prev["status"] == "ok" and prev["sha256"]:
            if prev["etag"]:
                conditional["If-None-Match"] = prev["etag"]
            if prev["last_modified"]:
                conditional["If-Modified-Since"] = prev["last_modified"]

        async def plain() -> FetchResult:
            return await self.fetcher.fetch(
                url, domains=src.domains(), ports=src.ports(), allow_private=src.allow_private, conditional=conditional or None,
                robots=self._robots_check(src), per_host=src.per_host, delay=src.delay,
            )  # fmt: skip

        res: FetchResult = await plain()
        log.info("%s: %s %s -> %s", src.id, role, url, res.status or res.error or res.outcome)
        res, why = await self.gate.after_fetch(src, url, res, render_if, plain)
        rendered = isinstance(res, RenderedResult)
        if why and not rendered and res.outcome == "ok" and res.error:
            self.warn(src, res.error)  # the render failed; the page is kept as the client got it
        if rendered:
            st.refused += len(res.refused)
            for reason in res.refused:
                self.warn(src, f"{url}: page request refused: {reason}")
        now = now_iso()
        row = {
            "url": url, "final_url": res.final_url, "source_id": src.id, "district": src.district,
            "level": src.level, "role": role, "http_status": res.status, "fetched_at": now, "checked_at": now,
            "etag": res.header("etag"), "last_modified": res.header("last-modified"), "error": res.error,
            "parent_url": parent, "title": hints.title, "agency_hint": hints.agency or src.agency,
            "year_hint": hints.year, "published_hint": hints.published, "legacy_tls": int(res.legacy_tls),
            "attempts": res.attempts, "run_id": self.run_id, "rendered": int(rendered and res.outcome == "ok"),
        }  # fmt: skip
        if res.status is not None:
            st.pages += 1
        if res.legacy_tls and src.host not in self._legacy_reported:
            self._legacy_reported.add(src.host)
            self.warn(src, f"{url}: server needs legacy TLS; fetched with a legacy TLS context")
        if res.outcome == "ok":
            st.rendered += rendered
            try:
                saved = await self.archive.save(dict(row, status="ok"), res)
            except OSError:
                raise  # the disk: nothing more can be stored
            except Exception as e:  # noqa: BLE001 - one document the archive cannot take
                st.errors += 1
                error = f"{url}: could not be archived: {type(e).__name__}: {e}"
                self.warn(src, error)
                await self.archive.save(dict(row, status="error", error=error))
                return None, None
            st.answered += 1
            return saved, res.body
        if res.outcome == "not_modified" and prev is not None:
            st.reused += 1
            st.answered += 1
            keep = dict(prev, checked_at=now, run_id=self.run_id, source_id=src.id, role=role, parent_url=parent,
                        title=hints.title or prev["title"], agency_hint=row["agency_hint"] or prev["agency_hint"],
                        year_hint=hints.year or prev["year_hint"],
                        published_hint=hints.published or prev["published_hint"], error=None)  # fmt: skip
            await self.archive.save(keep)
            return keep, read_payload(self.data_dir, prev["sha256"])
        if res.outcome == "blocked":
            st.blocked += 1
            self.warn(src, res.error or f"{url}: blocked")
            await self.archive.save(dict(row, status="blocked"))
            return None, None
        status = "refused" if res.outcome == "refused" else "error"
        if status == "refused":
            st.refused += 1
        else:
            st.errors += 1
        self.warn(src, res.error or f"{url}: failed")
        if prev is not None and prev["status"] == "ok":
            await self.archive.save(dict(prev, checked_at=now, error=res.error, run_id=self.run_id))
        else:
            await self.archive.save(dict(row, status=status))
        return None, None

    def _reuse(self, prev: dict, st: SourceStats) -> tuple[dict | None, bytes | None]:
        if prev["status"] != "ok":
            st.blocked += prev["status"] == "blocked"
            return None, None
        st.answered += 1
        return prev, read_payload(self.data_dir, prev["sha256"])

    # --- reports -------------------------------------------------------------
    def _report_hints(self, link: Link) -> Hints:
        title = link.best_title
        info = parse_title(title)
        published = link.date or trs.published_from_url(link.url)
        return Hints(title=title, agency=info.agency if info else None, year=info.year if info else None,
                     published=published)  # fmt: skip

    async def report(self, src: registry.Source, link: Link, maybe: bool = False) -> None:
        """Fetch a report page (or file) and its attachments; ``maybe``: decide by the page's own title."""
        hints = self._report_hints(link)
        st = self.stats[src.id]
        if self.config.since and hints.year and hints.year < self.config.since:
            st.skipped_since += 1
            return
        role = "candidate" if maybe else "report"
        row, body = await self.get(src, link.url, role, hints)
        if row is None or body is None:
            return
        media = row.get("media_type") or ""
        if "html" not in media:
            if not maybe:
                st.reports += 1
            return
        html = decode_html(body, None).text
        if maybe:
            own = page_title(html) or ""
            info = parse_title(own)
            if info is None:
                return
            hints = Hints(title=own, agency=info.agency, year=info.year, published=hints.published)
            if self.config.since and hints.year and hints.year < self.config.since:
                st.skipped_since += 1
                return
            row = dict(row, role="report", title=own, agency_hint=hints.agency or row["agency_hint"],
                       year_hint=hints.year)  # fmt: skip
            await self.archive.save(row)
        st.reports += 1
        base = row["final_url"] or link.url
        files = attachment_links(extract_links(html, base)) + body_images(html, base)
        await asyncio.gather(*(self.attachment(src, f, link.url, hints) for f in files))

    async def attachment(self, src: registry.Source, link: Link, parent: str, hints: Hints) -> None:
        h = Hints(
            title=link.best_title or None, agency=hints.agency, year=hints.year, published=hints.published
        )
        row, _ = await self.get(src, link.url, "attachment", h, parent=parent)
        if row is not None:
            self.stats[src.id].attachments += 1

    def _item(self, src: registry.Source, link: Link):
        title = link.best_title
        if is_report_title(title):
            return self.report(src, link)
        if any(title.rstrip().endswith(t) for t in _TRUNCATED) or not title.strip():
            return self.report(src, link, maybe=True)
        return None

    # --- columns -------------------------------------------------------------
    def _column_record(self, src, column, kind, expected, found, extra=0, note=None) -> None:
        st = self.stats[src.id]
        rec = {"source_id": src.id, "column_url": column, "kind": kind, "expected": expected, "found": found,
               "fetched_extra": extra, "note": note, "run_id": self.run_id}  # fmt: skip
        st.columns.append(rec)
        self.ledger.record_column(rec)
        if expected is not None:
            st.expected += expected
            st.found += found

    async def column(self, src: registry.Source, url: str, depth: int) -> None:
        """A TRS-style column: its list pages, entries, sub-columns, and any script-loaded remainder."""

        def render_if(page_html: str, final_url: str) -> str | None:
            return list_needs_browser(page_html, final_url, url)

        row, body = await self.get(src, url, "list", render_if=render_if)
        if body is None:
            return
        html = decode_html(body, (row or {}).get("media_type")).text
        first = trs.parse_list_page(html, row["final_url"] or url, url)
        items: dict[str, Link] = {i.url: i for i in first.items}
        subs = list(first.subcolumns)
        max_pages = src.max_pages or self.config.max_pages
        if row.get("rendered"):
            await self._script_pages(
                src, url, row["final_url"] or url, html, items, subs, max_pages, render_if
            )
        kind, expected, extra, note = "trs", None, 0, None
        if first.page_count:
            pages, cut = trs.page_urls(url, first.page_count, max_pages)
            if cut:
                self.warn(src, f"{url}: column has {first.page_count.pages} list pages; only the first "
                               f"{max_pages} are fetched (max_pages)")  # fmt: skip
            expected = first.page_count.total
            results = await asyncio.gather(*(self.get(src, p, "list", render_if=render_if) for p in pages))
            for (prow, pbody), _p in zip(results, pages, strict=True):
                if pbody is None:
                    continue
                page = trs.parse_list_page(
                    decode_html(pbody, prow.get("media_type")).text, prow["final_url"], url
                )
                for i in page.items:
                    items.setdefault(i.url, i)
                subs.extend(s for s in page.subcolumns if s not in subs)
        model = scripted.parse_list_model(html)
        if model is not None:
            kind, expected = model.kind, model.expected
            statics = scripted.static_page_urls(row["final_url"] or url, model.static_pages, max_pages)
            results = await asyncio.gather(*(self.get(src, p, "list") for p in statics))
            for prow, pbody in results:
                if pbody is None:
                    continue
                page = trs.parse_list_page(decode_html(pbody, None).text, prow["final_url"], url)
                for i in page.items:
                    if i.url not in items:
                        items[i.url] = i
                        extra += 1
            if expected is not None and len(items) < expected:
                note = (f"{len(items)} of {expected} entries found; the rest load through a search API "
                        "whose address the page does not give")  # fmt: skip
                self.warn(src, f"{url}: {note}")
        hanweb, hlinks = scripted.parse_hanweb(html, row["final_url"] or url)
        if hanweb is not None:
            found_extra, note = await self._hanweb_rest(src, url, hanweb, hlinks, items)
            kind, expected, extra = hanweb.kind, hanweb.expected, found_extra
        self._column_record(src, url, kind, expected, len(items), extra, note)
        subs = [sc for sc in subs if self.owner_elsewhere(src, sc) is None]
        tasks = [t for t in (self._item(src, i) for i in items.values()) if t is not None]
        if depth >= (src.max_depth if src.max_depth is not None else self.config.max_depth):
            if subs:
                self.warn(
                    src, f"{url}: {len(subs)} sub-column(s) below the depth limit not crawled (max_depth)"
                )
        else:
            tasks += [self.column(src, s, depth + 1) for s in subs]
        await asyncio.gather(*tasks)

    async def _script_pages(self, src, url, final_url, html, items, subs, max_pages, render_if) -> None:
        """Further pages of a list a script built, found through the pager the script wrote."""
        seen = {url, final_url, column_dir(url), column_dir(url) + "index.html"}
        todo = [p for p in pager_links(html, final_url, url) if p not in seen]
        fetched = 1
        while todo and fetched < max_pages:
            batch = todo[: max_pages - fetched]
            if len(batch) < len(todo):
                self.warn(src, f"{url}: script-built list has more pages than max_pages ({max_pages})")
            fetched += len(batch)
            seen.update(batch)
            todo = []
            results = await asyncio.gather(*(self.get(src, p, "list", render_if=render_if) for p in batch))
            for prow, pbody in results:
                if pbody is None:
                    continue
                text = decode_html(pbody, prow.get("media_type")).text
                page = trs.parse_list_page(text, prow["final_url"], url)
                for i in page.items:
                    items.setdefault(i.url, i)
                subs.extend(s for s in page.subcolumns if s not in subs)
                if prow.get("rendered"):
                    todo += [
                        p
                        for p in pager_links(text, prow["final_url"], url)
                        if p not in seen and p not in todo
                    ]

    async def _hanweb_rest(self, src, url, info, first_links, items) -> tuple[int, str | None]:
        for link in first_links:
            items.setdefault(trs.canonical_url(link.url), link)
        if info.expected is None or len(items) >= info.expected:
            return 0, None
        if info.endpoint is None:
            note = f"{len(items)} of {info.expected} entries found; dataproxy address not on the page"
            self.warn(src, f"{url}: {note}")
            return 0, note
        per = info.per_page or 15
        before = len(items)
        start = len(items) + 1
        max_pages = src.max_pages or self.config.max_pages
        requests = []
        while start <= info.expected and len(requests) < max_pages:
            end = min(info.expected, start + per * 3 - 1)
            requests.append(scripted.hanweb_request(info.endpoint, start, end, per))
            start = end + 1
        results = await asyncio.gather(*(self.get(src, r, "list") for r in requests))
        for (prow, pbody), req in zip(results, requests, strict=True):
            if pbody is None:
                continue
            for link in scripted.parse_hanweb_records(
                decode_html(pbody, None).text, prow["final_url"] or req
            ):
                items.setdefault(trs.canonical_url(link.url), link)
        note = None
        if len(items) < info.expected:
            note = f"{len(items)} of {info.expected} entries found after asking dataproxy.jsp"
            self.warn(src, f"{url}: {note}")
        return len(items) - before, note

    async def generic_column(self, src: registry.Source) -> None:
        """Breadth-first inside the column path, to ``max_depth`` link hops."""
        max_depth = src.max_depth if src.max_depth is not None else self.config.max_depth
        max_pages = src.max_pages or self.config.max_pages
        frontier, fetched, reports, other_documents = [src.start_url], 0, {}, {}

        def generic_render_if(page_html: str, final_url: str) -> str | None:
            return generic_needs_browser(page_html, final_url, src.start_url)

        for depth in range(max_depth + 1):
            if not frontier:
                break
            batch = frontier[: max(0, max_pages - fetched)]
            if len(batch) < len(frontier):
                self.warn(src, f"{src.start_url}: page limit {max_pages} reached; {len(frontier) - len(batch)} "
                               "pages not visited (max_pages)")  # fmt: skip
            fetched += len(batch)
            results = await asyncio.gather(
                *(self.get(src, u, "list", render_if=generic_render_if) for u in batch)
            )
            nxt: list[str] = []
            for (row, body), u in zip(results, batch, strict=True):
                if body is None:
                    continue
                page = generic.parse_generic(
                    decode_html(body, None).text, row["final_url"] or u, src.start_url
                )
                for r in page.reports:
                    reports.setdefault(trs.canonical_url(r.url), r)
                for d in page.other_documents:
                    other_documents.setdefault(d.url, d)
                nxt.extend(f for f in page.follow if f not in self.claimed and f not in nxt)
            frontier = nxt
            if depth == max_depth and frontier:
                self.warn(src, f"{src.start_url}: depth limit {max_depth} reached; {len(frontier)} pages not "
                               "visited (max_depth)")  # fmt: skip
        skipped = [d for u, d in other_documents.items() if trs.canonical_url(u) not in reports]
        if skipped:
            names = "; ".join(f"{d.best_title or '(no title)'} <{d.url}>" for d in skipped[:3])
            more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
            self.warn(src, f"{src.start_url}: {len(skipped)} document link(s) whose title names no report "
                           f"were not fetched: {names}{more}")  # fmt: skip
        self._column_record(src, column_dir(src.start_url), "generic", None, len(reports))
        await asyncio.gather(*(self.report(src, link) for link in reports.values()))

    async def source(self, src: registry.Source) -> None:
        try:
            if src.cms == "generic":
                await self.generic_column(src)
            else:
                await self.column(src, src.start_url, 0)
        except Exception as e:  # one broken source must not stop the others
            self.stats[src.id].errors += 1
            self.warn(src, f"{src.start_url}: crawl aborted: {type(e).__name__}: {e}")
            log.debug("source %s failed", src.id, exc_info=True)
        finally:
            if self._bar is not None:
                self._bar.update(1)

    # --- the run -------------------------------------------------------------
    async def run(self) -> dict[str, SourceStats]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(self.data_dir)
        self.archive = Archive(self.data_dir, self.ledger)
        args = json.dumps({"sources": [s.id for s in self.sources], "since": self.config.since})
        self.run_id, self.resumed = self.ledger.start_run(now_iso(), args)
        self.politeness = Politeness(self.config.politeness)
        self.fetcher = Fetcher(self.config.client, self.politeness)
        self.robots = Robots(self.config.client.user_agent, on_delay=self.politeness.set_min_delay)
        self._legacy_reported: set[str] = set()
        self._urls, self._started = 0, time.monotonic()
        self.gate = RenderGate(self.config.browser, self.fetcher, self.politeness, self._robots_check,
                               self.config.client.user_agent)  # fmt: skip
        if self.config.progress:
            import tqdm

            self._bar = tqdm.tqdm(total=len(self.sources), unit="source", desc="crawl", file=sys.stderr,
                                  dynamic_ncols=True)  # fmt: skip
        await self.archive.start()
        try:
            await asyncio.gather(*(self.source(s) for s in self.sources))
        finally:
            await self.gate.close()
            await self.archive.close()
            await self.fetcher.aclose()
            if self._bar is not None:
                self._bar.close()
        browser_line = self.gate.summary()
        if browser_line:  # a wanted browser that was missing is a warning; a used one, detail (-v)
            log.log(logging.INFO if self.gate.renderer.stats.renders else logging.WARNING, "%s", browser_line)
        self.ledger.finish_run(self.run_id, now_iso())
        self.ledger.close()
        return self.stats


def crawl(
    sources: list[registry.Source], data_dir: Path, config: CrawlConfig | None = None
) -> dict[str, SourceStats]:
    """Run a crawl to completion (library entry point)."""
    return asyncio.run(Crawl(sources, data_dir, config or CrawlConfig()).run())


#: what each summary column counts (printed under the table, and in the README)
COLUMNS = (
    ("pages", "HTTP answers received, any status"),
    ("reused", "documents not fetched again: read back from the archive (resumed run) or unchanged (304)"),
    ("reports", "report pages and report files archived"),
    ("attach", "files (pdf, doc, xls, ...) linked from report pages, archived"),
    ("blocked", "anti-bot answers (412, $_ts challenges), recorded, not archived"),
    ("refused", "addresses not requested: robots.txt Disallow, another domain or port, a private address"),
    ("errors", "failed fetches (network, 5xx, 404, unreachable robots.txt), retried by the next run"),
    (
        "expected",
        "entries the source's list pages announce (a record total the list prints); '-' = none says",
    ),
    ("found", "entries found in those same announcing lists, to hold against expected"),
)


def summary_table(stats: dict[str, SourceStats]) -> str:
    head = ("source", *(name for name, _ in COLUMNS))
    rows = [head]
    for sid, s in stats.items():
        announced = s.announces
        rows.append((sid, s.pages, s.reused, s.reports, s.attachments, s.blocked, s.refused, s.errors,
                     s.expected if announced else "-", s.found if announced else "-"))  # fmt: skip
    tot = [sum(int(r[i]) for r in rows[1:] if str(r[i]).isdigit()) for i in range(1, len(head))]
    rows.append(("TOTAL", *tot))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, lines[1])
    key = max(len(name) for name, _ in COLUMNS)
    lines += ["", *(f"  {name.ljust(key)}  {what}" for name, what in COLUMNS)]
    shortfalls = [f"  {c['source_id']}: {c['column_url']}: {c['note']}" for s in stats.values() for c in s.columns
                  if c.get("note")]  # fmt: skip
    if shortfalls:
        lines += ["", "incomplete lists:", *shortfalls]
    rendered = [f"  {sid}: {s.rendered} page(s)" for sid, s in stats.items() if s.rendered]
    if rendered:
        lines += ["", "rendered in the browser (challenge, script-built list or render=always):", *rendered]
    return "\n".join(lines)


#: exit codes of ``nianbao crawl`` (also in --help and the README)
EXIT_OK, EXIT_SOURCES_FAILED, EXIT_USAGE = 0, 1, 2


def outcome(stats: dict[str, SourceStats]) -> tuple[int, str]:
    """The exit code and the one line that ends the run: did every source give something usable?"""
    failed = [sid for sid, s in stats.items() if not s.reached]
    n = len(stats)
    if not failed:
        return EXIT_OK, f"all {n} source(s) reached"
    if len(failed) == n:
        return EXIT_SOURCES_FAILED, f"{n} of {n} sources reached nothing — is the network reachable?"
    names = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
    return (
        EXIT_SOURCES_FAILED,
        f"{len(failed)} of {n} sources reached nothing ({names}); the others' reports are archived",
    )


def summary_dict(stats: dict[str, SourceStats], data_dir: Path) -> dict:
    """The run's summary for machines (``--summary FILE.json``): per source, the totals and the verdict."""
    code, line = outcome(stats)
    counts = (
        "pages",
        "reused",
        "reports",
        "attachments",
        "blocked",
        "refused",
        "errors",
        "skipped_since",
        "rendered",
    )
    sources = {}
    for sid, s in stats.items():
        sources[sid] = {k: getattr(s, k) for k in counts}
        sources[sid].update(reached=s.reached, expected=s.expected if s.announces else None,
                            found=s.found if s.announces else None, warnings=list(s.warnings),
                            columns=[{k: v for k, v in c.items() if k not in ("source_id", "run_id")}
                                     for c in s.columns])  # fmt: skip
    totals = {k: sum(v[k] for v in sources.values()) for k in counts}
    return {
        "exit_code": code,
        "message": line,
        "data_dir": str(Path(data_dir).resolve()),
        "sources_total": len(stats),
        "sources_failed": [sid for sid, s in stats.items() if not s.reached],
        "totals": totals,
        "columns": dict(COLUMNS),
        "sources": sources,
    }


def config_from_args(args) -> CrawlConfig:
    pol = PolitenessConfig()
    overrides = {}
    if getattr(args, "delay", None) is not None:
        overrides["delay"] = args.delay
    if getattr(args, "per_host", None) is not None:
        overrides["per_host"] = args.per_host
    if getattr(args, "global_limit", None) is not None:
        overrides["global_limit"] = args.global_limit
    pol = replace(pol, **overrides)
    client = ClientConfig()
    if getattr(args, "user_agent", None):
        client = replace(client, user_agent=args.user_agent)
    if getattr(args, "retry_base", None) is not None:
        client = replace(client, retry=RetryPolicy(base=args.retry_base, cap=max(args.retry_base * 8, 0.01)))
    quiet = getattr(args, "quiet", 0)
    progress = not getattr(args, "no_progress", False) and not quiet and sys.stderr.isatty()
    cfg = CrawlConfig(politeness=pol, client=client, since=getattr(args, "since", None), progress=progress)
    if getattr(args, "max_pages", None):
        cfg = replace(cfg, max_pages=args.max_pages)
    if getattr(args, "max_depth", None) is not None:
        cfg = replace(cfg, max_depth=args.max_depth)
    if getattr(args, "no_browser", False):
        cfg = replace(cfg, browser=replace(cfg.browser, enabled=False))
    return cfg


def command(args) -> int:
    """The ``nianbao crawl`` subcommand; returns the exit code (EXIT_*)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        sources = registry.load_sources([args.sources] if args.sources else None)
        sources = registry.select(sources, args.source, args.district)
        shard = parse_shard(args.shard) if getattr(args, "shard", None) else None
    except registry.RegistryError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    if not sources:
        print("error: no source matches the selection", file=sys.stderr)
        return EXIT_USAGE
    if shard is not None:
        selected, sources = len(sources), select_shard(sources, shard)
        print(f"shard {shard}: {len(sources)} of {selected} sources", file=sys.stderr)
        if not sources:
            return 0  # more shards than hosts: this one has nothing to do
    stats = crawl(sources, args.data_dir, config_from_args(args))
    code, line = outcome(stats)
    summary = getattr(args, "summary", None)
    if summary is not None:
        summary.parent.mkdir(parents=True, exist_ok=True)
        summary.write_text(json.dumps(summary_dict(stats, args.data_dir), ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")  # fmt: skip
    if not getattr(args, "quiet", 0):
        print(summary_table(stats))
    if code or not getattr(args, "quiet", 0):
        print(f"crawl: {line}", file=sys.stderr)
    return code
