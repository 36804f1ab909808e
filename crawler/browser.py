"""Headless Chromium for the pages a plain HTTP client cannot read.

Three kinds of page need a browser: an anti-bot challenge (HTTP 412/202 with a
``$_ts`` script that sets a cookie and reloads), a list that a script builds
from JSON, and a row marked ``render=always``.  The browser is one more
fetcher behind the same rules as every request: it never touches the network
itself.  Every request the page makes is intercepted and handed to the crawl's
own fetcher (robots.txt, the per-host politeness slot, the domain, port and
private-address checks, timeouts, body cap); the answer is fulfilled back into
the page.  As a second fence Chromium is started with a host-resolver rule
that resolves nothing and a proxy that does not exist, so a request that
somehow escapes interception (a WebSocket) cannot leave the machine either.

The page the crawl already fetched is fulfilled from memory for the first
navigation, so a render costs no second request for it; images, fonts, media
and style sheets are never loaded.  The browser is started on the first render
of a run and closed at the end; if its memory passes the cap it is closed and
started afresh for the next render.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import re
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.blocks import block_reason
from crawler.client import FetchResult

_BLOCKED_TYPES = frozenset({"image", "font", "media", "stylesheet", "texttrack", "manifest", "websocket",
                            "eventsource"})  # fmt: skip
_META_CHARSET = re.compile(r"<meta\b[^>]*charset[^>]*>", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
BROWSER_ENV = "NIANBAO_CHROMIUM"

LAUNCH_ARGS = (
    "--no-sandbox",  # the crawler runs as root in containers; the page is fenced by interception instead
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--renderer-process-limit=4",
    "--js-flags=--max-old-space-size=256",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing resolves: the page reaches the net only through us
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


@dataclass(frozen=True)
class BrowserConfig:
    enabled: bool = True
    executable: str | None = None  # None: found automatically (find_browser)
    render_timeout: float = 30.0  # one render, all its requests included
    settle: float = 0.3  # quiet time (no request in flight) after which the DOM is read
    challenge_wait: float = 2.0  # quiet time allowed for a challenge page to reload itself
    max_navigations: int = 6  # main-frame documents per render (challenge reloads)
    concurrency: int = 2  # pages rendered at once
    memory_cap: int = 1024 * 1024 * 1024  # bytes, the browser's processes together
    contexts: int = 8  # hosts whose browser context (cookies, tabs) is kept open at once
    resource_cache: int = 32 * 1024 * 1024  # bytes of scripts/JSON kept so no address is fetched twice


def find_browser(explicit: str | None = None) -> str | None:
    """A Chromium executable: explicit, $NIANBAO_CHROMIUM, Playwright's own download, then the system's."""
    for cand in (explicit, os.environ.get(BROWSER_ENV)):
        if cand:
            return cand if os.access(cand, os.X_OK) else None
    roots = [os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or "", str(Path.home() / ".cache" / "ms-playwright")]
    for root in filter(None, roots):
        for pattern in (
            "chromium-*/chrome-linux*/chrome",
            "chromium_headless_shell-*/chrome-linux*/headless_shell",
        ):
            hits = sorted(glob.glob(os.path.join(root, pattern)), reverse=True)
            if hits and os.access(hits[0], os.X_OK):
                return hits[0]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_available() -> bool:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return False
    return True


def unavailable_reason(explicit: str | None = None) -> str | None:
    """Why no page can be rendered here, or None when one can."""
    if not playwright_available():
        return "the playwright package is not installed (make setup)"
    if find_browser(explicit) is None:
        return "no Chromium found (make browser, or set NIANBAO_CHROMIUM to its path)"
    return None


def utf8_dom(html: str) -> bytes:
    """The serialized DOM as UTF-8 with a charset declaration that says so (the original may say gb2312)."""
    html = _META_CHARSET.sub("", html)
    m = _HEAD.search(html)
    tag = '<meta charset="utf-8">'
    html = html[: m.end()] + tag + html[m.end() :] if m else tag + html
    return html.encode("utf-8")


def _process_memory(root_pid: int) -> int:
    """Bytes (PSS where the kernel gives it, else RSS) of the browser processes below ``root_pid``."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        pid = int(text.split(" ", 1)[0])
        name = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(pid)
        names[pid] = name
    total, todo = 0, list(children.get(root_pid, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if "chrom" not in names.get(pid, "") and "headless" not in names.get(pid, ""):
            continue
        total += _one_process_memory(pid)
    return total


def _one_process_memory(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return 0


@dataclass
class RenderedResult(FetchResult):
    """A page as the browser left it; ``original`` is the answer the crawl's client received."""

    original: FetchResult | None = None
    browser: str = ""
    seconds: float = 0.0
    requests: int = 0  # requests the page made that went out (through the crawl's fetcher)
    cached: int = 0  # requests answered from this run's resource cache
    skipped: int = 0  # images, fonts, media, style sheets not loaded
    refused: list[str] = field(default_factory=list)  # requests refused by the crawl's rules, with why
    navigations: int = 0
    cookies: list[dict] = field(default_factory=list)  # the browser's cookies for the host afterwards


@dataclass
class RenderStats:
    launches: int = 0
    renders: int = 0
    seconds: list[float] = field(default_factory=list)
    peak_memory: int = 0
    restarts: int = 0  # memory cap reached


# fetch(url, headers) -> FetchResult, with the source's rules bound in
SubFetch = Callable[[str, dict[str, str]], Awaitable[FetchResult]]


class Renderer:
    """One Chromium per run, started on the first render; one browser context per host."""

    def __init__(self, config: BrowserConfig, user_agent: str):
        self.config = config
        self.user_agent = user_agent
        self.stats = RenderStats()
        self._pw = None
        self._browser = None
        self._profile: str | None = None
        self._contexts: dict[str, object] = {}  # host -> context, oldest first
        self._busy: dict[str, int] = {}  # host -> renders running in its context
        self._restart = False  # over the memory cap: close once no render runs
        self._idle_pages: dict[str, list] = {}  # a new tab costs more than a render: tabs are reused
        self._start_lock = asyncio.Lock()
        self._sem = asyncio.Semaphore(max(1, config.concurrency))
        self._cache: dict[tuple[str, str], FetchResult] = {}  # (source, url): a source's rules admitted it
        self._cache_bytes = 0
        self.version = ""

    @property
    def started(self) -> bool:
        return self._browser is not None

    async def _start(self):
        async with self._start_lock:
            if self._browser is not None:
                return self._browser
            from playwright.async_api import async_playwright

            exe = find_browser(self.config.executable)
            if exe is None:
                raise RuntimeError("no Chromium found (make browser, or set NIANBAO_CHROMIUM)")
            self._pw = await async_playwright().start()
            # launch() gives Chromium a new, empty profile directory of its own each time
            self._profile = tempfile.mkdtemp(prefix="nianbao-chromium-")
            self._browser = await self._pw.chromium.launch(
                executable_path=exe, headless=True, args=[*LAUNCH_ARGS, f"--disk-cache-dir={self._profile}"]
            )
            self.version = f"Chromium {self._browser.version}"
            self.stats.launches += 1
            return self._browser

    async def close(self) -> None:
        async with self._start_lock:
            for ctx in self._contexts.values():
                with contextlib.suppress(Exception):
                    await ctx.close()
            self._contexts.clear()
            self._idle_pages.clear()
            if self._browser is not None:
                with contextlib.suppress(Exception):
                    await self._browser.close()
                self._browser = None
            if self._pw is not None:
                with contextlib.suppress(Exception):
                    await self._pw.stop()
                self._pw = None
            if self._profile:
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None

    def memory(self) -> int:
        """Bytes the browser's processes use now (0 when not running)."""
        return _process_memory(os.getpid()) if self._browser is not None else 0

    async def _context(self, host_key: str):
        ctx = self._contexts.get(host_key)
        if ctx is None:
            idle = [k for k in self._contexts if not self._busy.get(k)]
            for key in idle[: max(0, len(self._contexts) - self.config.contexts + 1)]:
                await self._drop_context(key)  # its cookies already went to the plain client
            browser = await self._start()
            ctx = await browser.new_context(user_agent=self.user_agent, service_workers="block",
                                            java_script_enabled=True, accept_downloads=False)  # fmt: skip
            self._contexts[host_key] = ctx
        return ctx

    async def render(self, url: str, first: FetchResult, fetch: SubFetch, host_key: str,
                     scope: str = "") -> RenderedResult:  # fmt: skip
        """Load ``url`` (its first answer already in hand) and return the DOM once the page is quiet."""
        async with self._sem:
            started = time.monotonic()
            self._busy[host_key] = self._busy.get(host_key, 0) + 1
            try:
                out = await asyncio.wait_for(
                    self._render(url, first, fetch, host_key, scope), self.config.render_timeout
                )
            except TimeoutError:
                out = RenderedResult(url, url, "error", error=f"{url}: render took longer than "
                                     f"{self.config.render_timeout} s", original=first)  # fmt: skip
                await self._drop_context(host_key)  # its tab may still be running the page's script
            except Exception as e:  # noqa: BLE001 - a crashed page or browser is one failed render
                out = RenderedResult(url, url, "error", error=f"{url}: render failed: {type(e).__name__}: {e}",
                                     original=first)  # fmt: skip
                await self._drop_context(host_key)
            finally:
                self._busy[host_key] -= 1
            out.seconds = time.monotonic() - started
            self.stats.renders += 1
            self.stats.seconds.append(out.seconds)
            await self._check_memory()
            return out

    async def _drop_context(self, host_key: str) -> None:
        self._idle_pages.pop(host_key, None)
        ctx = self._contexts.pop(host_key, None)
        if ctx is not None:
            with contextlib.suppress(Exception):
                await ctx.close()

    async def _check_memory(self) -> None:
        used = self.memory()
        self.stats.peak_memory = max(self.stats.peak_memory, used)
        if used > self.config.memory_cap:
            self._restart = True
        if self._restart and not any(self._busy.values()):  # never under a render still running
            self._restart = False
            self.stats.restarts += 1
            await self.close()  # the next render starts a fresh browser

    def _remember(self, key: tuple[str, str], res: FetchResult) -> None:
        if res.outcome != "ok" or self._cache_bytes + len(res.body) > self.config.resource_cache:
            return
        self._cache[key] = res
        self._cache_bytes += len(res.body)

    async def _render(self, url: str, first: FetchResult, fetch: SubFetch, host_key: str,
                      scope: str) -> RenderedResult:  # fmt: skip
        ctx = await self._context(host_key)
        out = RenderedResult(url, url, "error", original=first)
        documents: list[FetchResult] = []
        state = {"inflight": 0, "last": time.monotonic(), "first_served": False}
        idle = self._idle_pages.setdefault(host_key, [])
        page = idle.pop() if idle else await ctx.new_page()

        async def handle(route) -> None:
            req = route.request
            state["inflight"] += 1
            state["last"] = time.monotonic()
            try:
                await _answer(route, req)
            except Exception:  # noqa: BLE001 - the tab went away mid-request: nothing left to answer
                with contextlib.suppress(Exception):
                    await route.abort("failed")
            finally:
                state["inflight"] -= 1
                state["last"] = time.monotonic()

        async def _answer(route, req) -> None:
            target = req.url.split("#", 1)[0]
            main_doc = req.is_navigation_request() and req.frame == page.main_frame
            if req.resource_type in _BLOCKED_TYPES:
                out.skipped += 1
                await route.abort("blockedbyclient")
                return
            if req.method not in ("GET", "HEAD"):
                out.refused.append(f"{target}: {req.method} request not sent (the crawler only reads)")
                await route.abort("blockedbyclient")
                return
            if main_doc and not state["first_served"] and target == first.final_url.split("#", 1)[0]:
                state["first_served"] = True
                documents.append(first)
                out.navigations += 1
                await _fulfill(route, first)
                return
            if main_doc:
                out.navigations += 1
                if out.navigations > self.config.max_navigations:
                    out.refused.append(
                        f"{target}: more than {self.config.max_navigations} page loads in one render"
                    )
                    await route.abort("blockedbyclient")
                    return
            elif (scope, target) in self._cache:
                out.cached += 1
                await _fulfill(route, self._cache[(scope, target)])
                return
            headers = {}
            cookies = await ctx.cookies([target]) if urlsplit(target).scheme in ("http", "https") else []
            if cookies:
                headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
            referer = req.headers.get("referer")
            if referer:
                headers["Referer"] = referer
            if req.resource_type in ("xhr", "fetch"):
                headers["X-Requested-With"] = "XMLHttpRequest"
            res = await fetch(target, headers)
            if res.outcome == "refused":
                out.refused.append(res.error or f"{target}: refused")
                await route.abort("blockedbyclient")
                return
            if res.status is None:  # timed out, connection failed
                await route.abort("failed")
                return
            out.requests += 1
            if main_doc:
                documents.append(res)
            else:
                self._remember((scope, target), res)
            await _fulfill(route, res)

        await page.route("**/*", handle)
        reusable = False
        try:
            await page.goto(first.final_url, wait_until="commit")
            await self._settle(page, state, documents)
            html = await _content(page)
            await page.unroute("**/*", handle)
            await page.goto("about:blank")  # stops the page's timers before the tab waits for the next render
            reusable = True
        finally:
            if reusable and self._idle_pages.get(host_key) is idle:
                idle.append(page)
            else:
                with contextlib.suppress(Exception):
                    await page.close()
        last = documents[-1] if documents else first
        out.cookies = list(await ctx.cookies())
        body = utf8_dom(html)
        out.final_url = last.final_url
        out.status = last.status
        out.headers = [(b"Content-Type", b"text/html; charset=utf-8"),
                       (b"X-Nianbao-Rendered-By", self.version.encode()),
                       (b"Content-Length", str(len(body)).encode())]  # fmt: skip
        out.request_headers = last.request_headers
        out.body = body
        out.browser = self.version
        out.legacy_tls = any(d.legacy_tls for d in documents)
        out.attempts = sum(d.attempts for d in documents)
        reason = block_reason(last.status or 0, "text/html", last.body) if last.status else None
        if reason or (last.status in (412, 202)):
            out.outcome, out.error = "blocked", f"{url}: blocked: {reason or f'HTTP {last.status}'} (not solved by the browser)"  # fmt: skip
        elif last.status is not None and last.status >= 400:
            out.outcome, out.error = "http_error", f"{url}: HTTP {last.status}"
        else:
            out.outcome = "ok"
        return out

    async def _settle(self, page, state: dict, documents: list[FetchResult]) -> None:
        """Wait until nothing is in flight for ``settle`` seconds (longer while a challenge may reload)."""
        while True:
            await asyncio.sleep(0.05)
            last = documents[-1] if documents else None
            challenged = last is not None and (last.status in (412, 202))
            quiet = self.config.challenge_wait if challenged else self.config.settle
            if state["inflight"] or time.monotonic() - state["last"] < quiet:
                continue
            try:
                ready = await page.evaluate("document.readyState")
            except Exception:  # noqa: BLE001 - the page is navigating: not settled
                state["last"] = time.monotonic()
                continue
            if ready == "complete":
                return


async def _content(page) -> str:
    for _ in range(20):
        try:
            return await page.content()
        except Exception:  # noqa: BLE001 - a navigation between settle and read: try again
            await asyncio.sleep(0.1)
    return await page.content()


async def _fulfill(route, res: FetchResult) -> None:
    headers: dict[str, str] = {}
    for k, v in res.headers:
        name, value = k.decode("latin-1"), v.decode("latin-1")
        if name.lower() in ("content-length", "x-nianbao-original-content-encoding"):
            continue
        key = name.lower()
        headers[key] = f"{headers[key]}\n{value}" if key == "set-cookie" and key in headers else value
    await route.fulfill(status=res.status or 200, headers=headers, body=res.body)
