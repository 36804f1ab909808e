"""robots.txt, read once per origin and obeyed for every request to it.

Parsed with Protego (Scrapy's parser).  RFC 9309 decides what an answer
means: a robots.txt answering 4xx ("unavailable") means no rules at all; a 5xx
answer or no answer ("unreachable") means the whole host is disallowed *for
now* — "cannot tell" must not become "allowed", but neither is it a refusal:
the fetch is an error the next run retries, and the message says which of the
two happened.  A 429 (after its retries) counts as unreachable, not as "no
rules": a host asking us to slow down has not said we may crawl it.  Crawl-delay, when larger than ours, becomes the host's delay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego


@dataclass(frozen=True)
class Verdict:
    """What robots.txt says about one address."""

    allowed: bool
    reason: str | None = None  # why not, for the message
    unreachable: bool = False  # robots.txt could not be read: disallowed for now, an error to retry

    def __bool__(self) -> bool:
        return self.allowed


@dataclass
class RobotsRule:
    parser: Protego | None  # None: everything allowed
    blocked_reason: str | None = None  # set: robots.txt unreachable, everything disallowed for now

    def allows(self, url: str, user_agent: str) -> bool:
        return self.verdict(url, user_agent).allowed

    def verdict(self, url: str, user_agent: str) -> Verdict:
        if self.blocked_reason:
            return Verdict(False, f"{self.blocked_reason}; host treated as disallowed for now", True)
        if self.parser is None or self.parser.can_fetch(url, user_agent):
            return Verdict(True)
        return Verdict(False, "disallowed by robots.txt")


def parse_robots(status: int | None, body: bytes) -> RobotsRule:
    """The rule for an origin from the answer to its /robots.txt."""
    if status is None or status >= 500 or status == 429:  # 429 "too many requests" is no permission either
        return RobotsRule(
            None, f"robots.txt unavailable (HTTP {status})" if status else "robots.txt unreachable"
        )
    if status >= 400 or status < 200:
        return RobotsRule(None)
    return RobotsRule(Protego.parse(body.decode("utf-8", "replace")))


def robots_url(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}/robots.txt"


# fetch_robots(url) -> (status or None, body)
FetchRobots = Callable[[str], Awaitable[tuple[int | None, bytes]]]


class Robots:
    def __init__(self, user_agent: str, on_delay: Callable[[str, float], None] | None = None):
        self.user_agent = user_agent
        self._on_delay = on_delay
        self._rules: dict[str, asyncio.Future[RobotsRule]] = {}

    async def rule(self, url: str, fetch: FetchRobots) -> RobotsRule:
        key = robots_url(url)
        fut = self._rules.get(key)
        if fut is None:
            fut = self._rules[key] = asyncio.get_running_loop().create_future()
            try:
                status, body = await fetch(key)
                rule = parse_robots(status, body)
            except Exception as e:  # any failure to read it: cannot tell, so disallow (for now)
                rule = RobotsRule(None, f"robots.txt unreachable ({e})")
            if rule.parser is not None and self._on_delay:
                delay = rule.parser.crawl_delay(self.user_agent)
                if delay:
                    self._on_delay(urlsplit(url).netloc.lower(), float(delay))
            fut.set_result(rule)
        return await fut

    async def allowed(self, url: str, fetch: FetchRobots) -> Verdict:
        return (await self.rule(url, fetch)).verdict(url, self.user_agent)
