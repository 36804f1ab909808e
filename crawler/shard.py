"""Splitting a crawl across machines by host: ``nianbao crawl --shard K/N``.

The unit of a shard is the host, not the source: politeness is kept per host,
so two machines that never share a host can each crawl at full speed without
pressing any server harder than one machine would; and the sources that share
a host (a district column and its sub-columns registered as rows of their own)
stay together, so the hand-over of a sub-column to the row that owns it still
works inside one shard.  The hash is of the host name alone (lower-cased, a
leading ``www.`` dropped, the port kept when it is not the scheme's default),
so the assignment never depends on which other sources are in the registry,
on their order, or on the Python process (``hash()`` is salted; SHA-1 is not).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.registry import RegistryError, Source

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based: shard 1/2 and 2/2
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"K/N"`` with 1 <= K <= N; anything else is a one-line error naming the value."""
    k, sep, n = text.partition("/")
    try:
        shard = Shard(int(k), int(n))
    except ValueError:
        shard = None
    if not sep or shard is None or shard.count < 1 or not 1 <= shard.index <= shard.count:
        raise RegistryError(f"--shard {text!r}: expected K/N with 1 <= K <= N (e.g. 1/4)")
    return shard


def host_key(url: str) -> str:
    """The host a start address belongs to, as politeness sees it (www/bare twins are one server)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def shard_of(url: str, count: int) -> int:
    """The 1-based shard of ``url``'s host among ``count``."""
    digest = hashlib.sha1(host_key(url).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select_shard(sources: list[Source], shard: Shard | None) -> list[Source]:
    if shard is None:
        return sources
    return [s for s in sources if shard_of(s.start_url, shard.count) == shard.index]
