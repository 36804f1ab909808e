"""The crawl's door to the browser: which answers go to it, under whose rules, and what comes back.

The crawl hands every answer of its client here.  Most pass through untouched
and the browser is never started.  A challenge, a list page that builds its
entries by script, or any HTML page of a ``render=always`` row is rendered;
the page's own requests go through the crawl's fetcher with the source's
rules bound in (robots.txt, politeness slot, domains, ports, private
addresses), so a page script can reach nothing the crawler itself may not.

Cookies the browser earns for a host are handed to the plain client, so a
challenge is solved once per host: answers that raced the first solution are
asked again with the cookie before a second render is considered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from urllib.parse import urlsplit

from crawler.browser import BrowserConfig, RenderedResult, Renderer, unavailable_reason
from crawler.client import Fetcher, FetchResult
from crawler.politeness import Politeness
from crawler.render_policy import is_challenge
from extract.charset import decode_html

log = logging.getLogger("nianbao.crawl")

# render_if(html, final_url) -> reason or None: the caller's test for "this list needs a browser"
RenderIf = Callable[[str, str], "str | None"]
Refetch = Callable[[], Awaitable[FetchResult]]


class RenderGate:
    def __init__(
        self, config: BrowserConfig, fetcher: Fetcher, politeness: Politeness, robots_for, user_agent: str
    ):
        self.config = config
        self.fetcher = fetcher
        self.politeness = politeness
        self.robots_for = robots_for  # src -> robots check coroutine for Fetcher.fetch
        self.renderer = Renderer(config, user_agent)
        self._host_locks: dict[str, asyncio.Lock] = {}
        self.solved: dict[str, int] = {}  # host key -> challenges solved there (1 when all is well)
        self.challenges_met = 0
        self.failed = 0  # renders that failed; the client's answer was kept
        self.wanted = 0  # other pages that needed a browser when none was available
        self._unavailable: str | None = None
        self._checked = False

    @property
    def available(self) -> bool:
        if not self._checked:
            self._checked = True
            self._unavailable = None if self.config.enabled else "browser disabled (--no-browser)"
            if self._unavailable is None:
                self._unavailable = unavailable_reason(self.config.executable)
        return self._unavailable is None

    @property
    def unavailable(self) -> str | None:
        return None if self.available else self._unavailable

    async def close(self) -> None:
        await self.renderer.close()

    def _sub_fetch(self, src):
        async def fetch(url: str, headers: dict[str, str]) -> FetchResult:
            return await self.fetcher.fetch(
                url, domains=src.domains(), ports=src.ports(), allow_private=src.allow_private,
                robots=self.robots_for(src), per_host=src.per_host, delay=src.delay, check_blocks=False,
                headers=headers,
            )  # fmt: skip

        return fetch

    async def after_fetch(self, src, url: str, res: FetchResult, render_if: RenderIf | None,
                          refetch: Refetch) -> tuple[FetchResult, str | None]:  # fmt: skip
        """The answer to keep, and why the browser was asked (None: it was not)."""
        mode = getattr(src, "render", "auto")
        if mode == "never" or res.status is None:
            return res, None
        key = urlsplit(res.final_url).netloc.lower()
        if res.outcome == "blocked" and is_challenge(res.status, res.content_type, res.body):
            self.challenges_met += 1
            if not self.available:
                return res, None
            return await self._challenge(src, url, res, key, refetch)
        html = res.outcome == "ok" and "html" in res.content_type.lower()
        if not html:
            return res, None
        reason = "render=always" if mode == "always" else None
        if reason is None and render_if is not None:
            reason = render_if(_text(res), res.final_url)
        if reason is None:
            return res, None
        if not self.available:
            self.wanted += 1
            return res, None
        return await self._render(src, url, res, key), reason

    async def _challenge(self, src, url, res, key, refetch) -> tuple[FetchResult, str | None]:
        lock = self._host_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key in self.solved:  # raced the first solution: the plain client has the cookie now
                again = await refetch()
                if again.outcome != "blocked":
                    return again, None
                res = again
            out = await self._render(src, url, res, key)
            if isinstance(out, RenderedResult) and out.outcome == "ok":
                self.solved[key] = self.solved.get(key, 0) + 1
            return out, "challenge"

    async def _render(self, src, url, res: FetchResult, key: str) -> FetchResult:
        async with self.politeness.slot(key, src.per_host, src.delay):
            pass  # a render counts as a request to the host: it takes its turn in the host's schedule
        out = await self.renderer.render(url, res, self._sub_fetch(src), key, scope=src.id)
        if out.cookies:
            self.fetcher.add_cookies(out.cookies)
        if out.outcome == "error":  # the render failed (timeout, crash): keep what the client had
            self.failed += 1
            return replace(res, error=out.error)
        return out

    def summary(self) -> str | None:
        r = self.renderer.stats
        if not r.renders and not self.challenges_met and not self.wanted:
            return None
        if not r.renders:
            return (f"browser: {self.challenges_met} challenge(s) and {self.wanted} script-built page(s) met, "
                    f"none rendered: {self.unavailable}")  # fmt: skip
        secs = sorted(r.seconds)
        median = secs[len(secs) // 2]
        return (f"browser: {r.renders} page(s) rendered by {self.renderer.version or 'Chromium'} "
                f"(median {median:.2f} s, slowest {secs[-1]:.2f} s, peak memory {r.peak_memory / 2**20:.0f} MiB, "
                f"{r.launches} launch(es)); challenges solved on {len(self.solved)} host(s)")  # fmt: skip


def _text(res: FetchResult) -> str:
    return decode_html(res.body, res.content_type).text
