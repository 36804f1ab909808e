"""How hard the crawler may press on each host and in total.

Per host: at most ``per_host`` requests in flight and a minimum gap between
request starts (``delay``, stretched by a random 0-50 % so requests do not
arrive on a fixed beat).  Across hosts: a global cap, so many sources crawl in
parallel without the machine or the uplink becoming the bottleneck.  A 429 or
a robots.txt Crawl-delay pushes that host's next slot further out.
"""

from __future__ import annotations

import asyncio
import random
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class PolitenessConfig:
    per_host: int = 2
    delay: float = 1.0
    jitter: float = 0.5  # fraction of delay added at random
    global_limit: int = 16

    def __post_init__(self) -> None:
        # a limit of 0 is a semaphore nobody ever acquires: a crawl that waits forever, sending nothing
        for name in ("per_host", "global_limit"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1 (got {getattr(self, name)})")
        if self.delay < 0 or self.jitter < 0:
            raise ValueError("delay and jitter must not be negative")


class _Host:
    def __init__(self, per_host: int, delay: float):
        self.sem = asyncio.Semaphore(per_host)
        self.delay = delay
        self.lock = asyncio.Lock()
        self.next_start = 0.0


class Politeness:
    def __init__(self, config: PolitenessConfig, rng: random.Random | None = None):
        self.config = config
        self.rng = rng or random.Random()
        self._hosts: dict[str, _Host] = {}
        self._global = asyncio.Semaphore(config.global_limit)

    def host(self, key: str, per_host: int | None = None, delay: float | None = None) -> _Host:
        h = self._hosts.get(key)
        if h is None:
            h = self._hosts[key] = _Host(
                per_host or self.config.per_host, self.config.delay if delay is None else delay
            )
        return h

    def set_min_delay(self, key: str, delay: float) -> None:
        """Raise (never lower) a host's delay, e.g. from robots.txt Crawl-delay."""
        h = self.host(key)
        h.delay = max(h.delay, delay)

    def back_off(self, key: str, seconds: float) -> None:
        """No new request to this host for ``seconds`` (a 429 / Retry-After)."""
        h = self.host(key)
        h.next_start = max(h.next_start, time.monotonic() + seconds)

    def _gap(self, h: _Host) -> float:
        if h.delay <= 0:
            return 0.0
        return h.delay * (1.0 + self.config.jitter * self.rng.random())

    @asynccontextmanager
    async def slot(self, key: str, per_host: int | None = None, delay: float | None = None):
        h = self.host(key, per_host, delay)
        async with h.sem:
            async with h.lock:
                wait = h.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                h.next_start = max(h.next_start, time.monotonic()) + self._gap(h)
            async with self._global:
                yield
