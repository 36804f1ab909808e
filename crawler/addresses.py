"""Keep the crawler off loopback, private and link-local networks.

A registry row, a redirect or a DNS answer could point a crawl at an internal
service.  Every hop is checked before a connection is made: IP literals
directly, host names after resolving them (every address returned must be
public).  Only a source with ``allow_private`` may go to non-public addresses
(the tests and the demo serve on 127.0.0.1).

Known limit: httpx resolves the name again when it connects, so a DNS answer
that changes between the two look-ups (rebinding) is not caught.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket


class AddressRefused(Exception):
    """The address is not one this source may connect to."""


class Unresolvable(AddressRefused):
    """The name does not resolve: a network failure (perhaps passing), not a refusal."""


def ip_is_public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def check_ip(ip: str, allow_private: bool) -> None:
    if not allow_private and not ip_is_public(ip):
        raise AddressRefused(f"{ip} is a loopback, private, link-local or reserved address")


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


async def check_host(host: str, port: int, allow_private: bool) -> None:
    """Raise AddressRefused unless every address of ``host`` may be contacted."""
    ip = _literal(host)
    if ip is not None:
        check_ip(ip, allow_private)
        return
    if allow_private:
        return
    name = host.lower().rstrip(".")  # "localhost." is the same name, fully qualified
    if name == "localhost" or name.endswith(".localhost"):
        raise AddressRefused(f"{host} is a loopback name")
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise Unresolvable(f"{host} does not resolve ({e})") from None
    for info in infos:
        try:
            check_ip(info[4][0], allow_private)
        except AddressRefused as e:
            raise AddressRefused(f"{host} resolves to {e}") from None
