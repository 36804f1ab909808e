"""One polite, bounded, checked HTTP fetch (with its redirects) per call.

httpx follows no redirect on its own here: every hop is checked first (the
host must be one the source may visit, every address it resolves to must be
allowed, robots.txt must allow the path) so a redirect can never carry the
crawl to another site or into a private network.  Bodies are streamed and cut
off at ``max_body`` so a runaway response cannot fill memory.  Servers that
only speak old TLS (common on county portals) get a second try with a legacy
TLS context; that is reported, never silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.addresses import AddressRefused, Unresolvable, check_host
from crawler.blocks import block_reason
from crawler.politeness import Politeness
from crawler.retries import RetryableStatus, RetryPolicy, is_retryable_status, parse_retry_after, with_retries
from crawler.robots import Verdict

DEFAULT_USER_AGENT = (
    "nianbao/0.1 (+https://github.com/nianbao/nianbao; government annual report research crawler)"
)
_DROP_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}


@dataclass(frozen=True)
class ClientConfig:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 15.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0  # whole exchange, against slow-drip servers
    max_body: int = 50 * 1024 * 1024
    max_redirects: int = 5
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class FetchResult:
    url: str
    final_url: str
    outcome: str  # ok | not_modified | blocked | http_error | error | refused
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    request_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    http_version: str = "HTTP/1.1"
    body: bytes = b""
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    legacy_tls: bool = False
    attempts: int = 0

    def header(self, name: str) -> str | None:
        key = name.lower().encode()
        for k, v in self.headers:
            if k.lower() == key:
                return v.decode("latin-1")
        return None

    @property
    def content_type(self) -> str:
        return self.header("content-type") or ""


class _TooLarge(Exception):
    pass


def _legacy_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()  # certificates are still verified
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    ctx.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)
    with contextlib.suppress(ssl.SSLError):
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "SSL" in str(exc) or "TLS" in str(exc)


RobotsCheck = Callable[[str], Awaitable[Verdict]]


class Fetcher:
    """Shared by every source of a crawl; one connection pool, one politeness book."""

    def __init__(self, config: ClientConfig, politeness: Politeness):
        self.config = config
        self.politeness = politeness
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout, pool=None)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
        common = dict(timeout=timeout, limits=limits, follow_redirects=False, trust_env=False,
                      headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"})  # fmt: skip
        self._client = httpx.AsyncClient(**common)
        self._legacy = httpx.AsyncClient(verify=_legacy_context(), **common)
        self._legacy_hosts: set[str] = set()

    def add_cookies(self, cookies: list[dict]) -> None:
        """Cookies a browser earned (a solved challenge): sent by the plain client from now on."""
        for c in cookies:
            for client in (self._client, self._legacy):
                client.cookies.set(
                    c["name"], c["value"], domain=c.get("domain") or "", path=c.get("path") or "/"
                )

    async def aclose(self) -> None:
        await self._client.aclose()
        await self._legacy.aclose()

    async def fetch(
        self,
        url: str,
        *,
        domains: frozenset[str],
        allow_private: bool,
        ports: frozenset[int] | None = None,
        conditional: dict[str, str] | None = None,
        robots: RobotsCheck | None = None,
        per_host: int | None = None,
        delay: float | None = None,
        check_blocks: bool = True,
        headers: dict[str, str] | None = None,
    ) -> FetchResult:
        """GET ``url`` following at most ``max_redirects`` checked hops."""
        current, redirects = url, []
        for _hop in range(self.config.max_redirects + 1):
            parts = urlsplit(current)
            host = (parts.hostname or "").lower()
            if parts.scheme not in ("http", "https") or not host:
                return FetchResult(url, current, "refused", error=f"{current}: not an http(s) address",
                                   redirects=redirects)  # fmt: skip
            if host not in domains:
                why = f"redirect from {url} to {current} leaves the allowed domains" if redirects else \
                    f"{current}: host {host} is not among the source's domains"  # fmt: skip
                return FetchResult(url, current, "refused", error=why, redirects=redirects)
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError as e:  # "host:99999" in a Location header
                return FetchResult(url, current, "refused", error=f"{current}: {e}", redirects=redirects)
            if ports is not None and port not in ports:
                # same host, another service: a redirect to :22 or :6379 is not the portal
                return FetchResult(url, current, "refused", redirects=redirects,
                                   error=f"{current}: port {port} is not the source's (allowed: {sorted(ports)})")  # fmt: skip
            try:
                await check_host(host, port, allow_private)
            except Unresolvable as e:  # counted as an error (the next run tries again), not a refusal
                return FetchResult(url, current, "error", error=f"{current}: {e}", redirects=redirects)
            except AddressRefused as e:
                return FetchResult(
                    url, current, "refused", error=f"{current}: refused: {e}", redirects=redirects
                )
            if robots is not None:
                verdict = await robots(current)
                if not verdict:
                    # unreachable robots.txt: an error the next run retries; a Disallow rule: a refusal
                    outcome = "error" if verdict.unreachable else "refused"
                    return FetchResult(
                        url, current, outcome, error=f"{current}: {verdict.reason}", redirects=redirects
                    )
            result = await self._one(url, current, {**(headers or {}), **(conditional or {})} or None, per_host,
                                     delay)  # fmt: skip
            result.redirects = redirects
            if result.outcome == "error" or result.status is None or not (300 <= result.status < 400) \
                    or result.status == 304:  # fmt: skip
                if result.outcome in ("ok", "http_error") and check_blocks:
                    reason = block_reason(result.status or 0, result.content_type, result.body)
                    if reason:
                        result.outcome, result.error = "blocked", f"{current}: blocked: {reason}"
                return result
            location = result.header("location")
            if not location:
                result.outcome, result.error = "error", f"{current}: HTTP {result.status} without Location"
                return result
            redirects.append(current)
            try:
                current = urljoin(current, location.strip())
            except ValueError as e:  # an unparseable Location ("http://[::1/")
                result.outcome, result.error = (
                    "error",
                    f"{current}: HTTP {result.status} to a bad Location: {e}",
                )
                return result
            conditional = None
        return FetchResult(url, current, "error", error=f"{url}: more than {self.config.max_redirects} redirects",
                           redirects=redirects)  # fmt: skip

    async def _one(self, original: str, url: str, conditional, per_host, delay) -> FetchResult:
        parts = urlsplit(url)
        key = parts.netloc.lower()
        host = (parts.hostname or "").lower()
        attempts = 0

        async def attempt() -> FetchResult:
            nonlocal attempts
            attempts += 1
            async with self.politeness.slot(key, per_host, delay):
                res = await self._exchange(original, url, conditional, host)
            if res.status is not None and is_retryable_status(res.status):
                ra = parse_retry_after(res.header("retry-after"))
                if ra is not None:
                    self.politeness.back_off(key, min(ra, self.config.retry.retry_after_cap))
                raise RetryableStatus(res.status, ra, res)
            return res

        try:
            res = await with_retries(attempt, self.config.retry)
        except httpx.TimeoutException as e:
            res = FetchResult(original, url, "error", error=f"{url}: timed out ({type(e).__name__})")
        except httpx.TransportError as e:
            res = FetchResult(
                original, url, "error", error=f"{url}: connection failed: {type(e).__name__}: {e}"
            )
        except _TooLarge as e:
            res = FetchResult(original, url, "error", error=f"{url}: {e}")
        except TimeoutError:
            res = FetchResult(
                original, url, "error", error=f"{url}: took longer than {self.config.total_timeout} s"
            )
        res.attempts = attempts
        if res.outcome == "ok" and res.status is not None and res.status >= 400:
            res.outcome = "http_error"
            res.error = f"{url}: HTTP {res.status}"
        return res

    async def _exchange(self, original: str, url: str, conditional, host: str) -> FetchResult:
        legacy = host in self._legacy_hosts
        try:
            return await self._send(
                self._legacy if legacy else self._client, original, url, conditional, legacy
            )
        except httpx.ConnectError as e:
            if legacy or not url.startswith("https:") or not _is_tls_error(e):
                raise
        self._legacy_hosts.add(host)
        return await self._send(self._legacy, original, url, conditional, True)

    async def _send(self, client: httpx.AsyncClient, original, url, conditional, legacy) -> FetchResult:
        headers = dict(conditional or {})
        async with asyncio.timeout(self.config.total_timeout):
            async with client.stream("GET", url, headers=headers) as r:
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.config.max_body:
                    raise _TooLarge(f"body of {declared} bytes exceeds the {self.config.max_body}-byte limit")
                chunks, size = [], 0
                async for chunk in r.aiter_bytes():
                    size += len(chunk)
                    if size > self.config.max_body:
                        raise _TooLarge(f"body exceeds the {self.config.max_body}-byte limit")
                    chunks.append(chunk)
                body = b"".join(chunks)
                headers_out = [(k, v) for k, v in r.headers.raw if k.lower() not in _DROP_HEADERS]
                enc = r.headers.get("content-encoding")
                if enc:
                    headers_out.append((b"X-Nianbao-Original-Content-Encoding", enc.encode("latin-1")))
                headers_out.append((b"Content-Length", str(len(body)).encode()))
                outcome = "not_modified" if r.status_code == 304 else "ok"
                return FetchResult(
                    original, url, outcome, status=r.status_code, headers=headers_out,
                    request_headers=list(r.request.headers.raw), http_version=r.http_version,
                    body=body, legacy_tls=legacy,
                )  # fmt: skip


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
