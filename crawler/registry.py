"""The source registry: which portal columns to crawl, and what each one may do.

A registry is a CSV file with a header row, one row per portal column, in
UTF-8; a file that is not UTF-8 is read as GB18030 (what Chinese Excel saves
as "CSV") with a warning that says so.
Required columns: ``id,district,agency,level,start_url,cms,allow_private``.
Optional override columns (empty = crawl default): ``delay`` (seconds between
requests to the host), ``per_host`` (concurrent requests to the host),
``max_pages`` (list pages per column), ``max_depth`` (sub-column depth),
``allowed_domains`` (space-separated extra hosts redirects may land on),
``render`` (``auto``: a browser only for a page that needs one; ``always``:
every HTML page rendered; ``never``), ``verified`` (``true`` once ``nianbao
sources check`` found the column live and listing reports, ``false`` for a row
inferred from a pattern and not yet checked; empty: not said), ``note`` (free
text, ignored).

Validation happens on load so a typo fails the run before any request is sent,
with the file and line in the message.  Keywords (``level``, ``cms``,
``allow_private``) are matched without regard to case — Excel writes TRUE and
FALSE — and nothing else is loosened.  ``allow_private`` is the only switch
that lets a source reach loopback or private addresses; the shipped registry
never sets it.
"""

from __future__ import annotations

import csv
import ipaddress
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REQUIRED = ("id", "district", "agency", "level", "start_url", "cms", "allow_private")
LEVELS = ("district", "department", "street", "township")
CMS_FAMILIES = ("trs", "generic", "fjtrs", "hanweb")
RENDER_MODES = ("auto", "always", "never")
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n", ""}

DEFAULT_REGISTRY_DIR = Path(__file__).resolve().parent.parent / "data" / "sources"

log = logging.getLogger("nianbao.registry")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names file and line."""


@dataclass(frozen=True)
class Source:
    id: str
    district: str
    agency: str | None
    level: str
    start_url: str
    cms: str
    allow_private: bool = False
    delay: float | None = None
    per_host: int | None = None
    max_pages: int | None = None
    max_depth: int | None = None
    allowed_domains: tuple[str, ...] = ()
    render: str = "auto"
    verified: bool | None = None
    origin: str = ""  # "file:line", for messages

    @property
    def host(self) -> str:
        return (urlsplit(self.start_url).hostname or "").lower()

    def domains(self) -> frozenset[str]:
        """Hosts this source may fetch from: its own, its www/bare twin, and any listed extra."""
        h = self.host
        twins = {h, h[4:] if h.startswith("www.") else "www." + h}
        if _is_ip(h):
            twins = {h}
        return frozenset(twins | {d.lower() for d in self.allowed_domains})

    def ports(self) -> frozenset[int]:
        """Ports this source may fetch from: the web's defaults (http→https moves are
        routine) and the start address's own."""
        parts = urlsplit(self.start_url)
        return frozenset({80, 443, parts.port or (443 if parts.scheme == "https" else 80)})


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _opt_number(raw: str | None, kind, where: str, name: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise RegistryError(f"{where}: column {name}: {raw!r} is not a {kind.__name__}") from None
    if value < 0:
        raise RegistryError(f"{where}: column {name}: {raw!r} is negative")
    return value


def _address_problem(url: str) -> str | None:
    """Why ``url`` cannot be a start address, or None.  Caught here, not at the first request,
    so the run fails before anything is sent."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "contains white space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as e:  # "http://[::1/a": Invalid IPv6 URL
        return f"is not a valid address ({e})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) address"
    return None


def _parse_row(row: dict[str, str | None], where: str) -> Source:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    sid = cell("id")
    if not sid:
        raise RegistryError(f"{where}: empty id")
    if any(c.isspace() for c in sid):
        raise RegistryError(f"{where}: id {sid!r} contains white space")
    if not cell("district"):
        raise RegistryError(f"{where}: empty district (source {sid})")
    level = cell("level").lower()
    if level not in LEVELS:
        raise RegistryError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)} (source {sid})")
    cms = cell("cms").lower()
    if cms not in CMS_FAMILIES:
        raise RegistryError(f"{where}: cms {cms!r} is not one of {', '.join(CMS_FAMILIES)} (source {sid})")
    url = cell("start_url")
    bad = _address_problem(url)
    if bad:
        raise RegistryError(f"{where}: start_url {url!r} {bad} (source {sid})")
    flag = cell("allow_private").lower()
    if flag not in _TRUE | _FALSE:
        raise RegistryError(f"{where}: allow_private {flag!r} must be true or false (source {sid})")
    render = cell("render").lower() or "auto"
    if render not in RENDER_MODES:
        raise RegistryError(
            f"{where}: render {render!r} is not one of {', '.join(RENDER_MODES)} (source {sid})"
        )
    verified = cell("verified").lower()
    if verified not in _TRUE | _FALSE:
        raise RegistryError(f"{where}: verified {verified!r} must be true, false or empty (source {sid})")
    per_host = _opt_number(row.get("per_host"), int, where, "per_host")
    if per_host == 0:
        raise RegistryError(f"{where}: column per_host must be at least 1 (source {sid})")
    return Source(
        id=sid,
        district=cell("district"),
        agency=cell("agency") or None,
        level=level,
        start_url=url,
        cms=cms,
        allow_private=flag in _TRUE,
        delay=_opt_number(row.get("delay"), float, where, "delay"),
        per_host=per_host,
        max_pages=_opt_number(row.get("max_pages"), int, where, "max_pages"),
        max_depth=_opt_number(row.get("max_depth"), int, where, "max_depth"),
        allowed_domains=tuple((row.get("allowed_domains") or "").split()),
        render=render,
        verified=None if not verified else verified in _TRUE,
        origin=where,
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 — Chinese Excel's "CSV" — said aloud."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such registry file") from None
    except IsADirectoryError:
        raise RegistryError(
            f"{path}: is a directory (give a CSV file, or the directory to --sources)"
        ) from None
    except OSError as e:
        raise RegistryError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = e
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise RegistryError(
            f"{path}:{_line_of(data, utf8_error.start)}: neither UTF-8 nor GB18030 (byte "
            f'0x{data[utf8_error.start]:02x}); save the file as "CSV UTF-8"'
        ) from e
    log.warning(
        '%s: not UTF-8 (line %d); read as GB18030, the encoding Chinese Excel saves as "CSV" '
        '(save as "CSV UTF-8" to silence this)',
        path,
        _line_of(data, utf8_error.start),
    )
    return text


def load_registry(path: Path) -> list[Source]:
    """Read and validate one registry file."""
    path = Path(path)
    text = read_text(path)
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"{path}:1: missing column(s) {', '.join(missing)}")
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for row in reader:
        where = f"{path}:{reader.line_num}"
        if None in row:
            raise RegistryError(f"{where}: more cells than header columns")
        if not any((v or "").strip() for v in row.values()):
            continue
        src = _parse_row(row, where)
        if src.id in seen:
            raise RegistryError(f"{where}: duplicate id {src.id!r} (first at {seen[src.id]})")
        seen[src.id] = where
        sources.append(src)
    return sources


def registry_files(paths: list[Path] | None = None) -> list[Path]:
    """The CSV files named: a directory stands for every ``*.csv`` in it (default: the shipped data/sources/)."""
    files: list[Path] = []
    for p in [Path(p) for p in paths] if paths else [DEFAULT_REGISTRY_DIR]:
        if p.is_dir():
            found = sorted(p.glob("*.csv"))
            if not found:
                raise RegistryError(f"{p}: no registry CSV files (*.csv) in this directory")
            files += found
        else:
            files.append(p)
    return files


def load_sources(paths: list[Path] | None = None) -> list[Source]:
    """Every source of the given files or directories (default: every CSV in data/sources/); ids unique
    across files."""
    out: list[Source] = []
    seen: dict[str, str] = {}
    for p in registry_files(paths):
        for s in load_registry(p):
            if s.id in seen:
                raise RegistryError(f"{s.origin}: duplicate id {s.id!r} (first at {seen[s.id]})")
            seen[s.id] = s.origin
            out.append(s)
    return out


def select(sources: list[Source], ids: list[str] | None = None, district: str | None = None) -> list[Source]:
    """Filter by id and district; an unknown id is an error rather than an empty crawl."""
    if ids:
        known = {s.id for s in sources}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise RegistryError(f"unknown source id(s): {', '.join(unknown)}")
        sources = [s for s in sources if s.id in set(ids)]
    if district:
        sources = [s for s in sources if s.district == district or s.district.startswith(district)]
    return sources
