"""``nianbao sources check``: what each registry row will give, asked before a long crawl.

Per row one robots.txt read (per origin) and one request for the start page,
through the crawl's own fetcher (same User-Agent, address rules, timeouts,
legacy-TLS fallback), at most one request per host at a time.  The start page
is read, not rendered: a row that needs a browser is reported as such (with
``--render`` it is rendered the way a crawl would, and judged by what the
browser shows).  A row
is *dead* when its start page cannot be had at all (unreachable, HTTP error,
a redirect off the row's domains); a challenge is *blocked*, not dead.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from crawler import registry
from crawler.browser import BrowserConfig, RenderedResult, unavailable_reason
from crawler.client import ClientConfig, Fetcher
from crawler.discovery import scripted, trs
from crawler.politeness import Politeness, PolitenessConfig
from crawler.render_policy import is_challenge, list_needs_browser
from crawler.rendering import RenderGate
from crawler.robots import Robots
from extract.charset import decode_html
from extract.titles import parse_title

_TRS = re.compile(r"createPageHTML\s*\(|/t\d{8}_\d+\.s?html?|name=['\"]?(?:ColumnName|SiteName)['\"]?", re.I)
_HANWEB = re.compile(r"<datastore>|dataproxy\.jsp|\.jpage\s*\(|/col/col\d+/|hanweb", re.I)
_FJ = re.compile(r"listModel\s*\(\s*\{", re.I)


def detect_cms(html: str) -> str:
    """The CMS family a list page's markup betrays: fjtrs (listModel), hanweb, trs, else generic."""
    if _FJ.search(html):
        return "fjtrs"
    if _HANWEB.search(html):
        return "hanweb"
    if _TRS.search(html):
        return "trs"
    return "generic"


@dataclass
class RowCheck:
    id: str
    district: str
    start_url: str
    status: int | None = None
    redirect: str = ""  # where the start address ended up, when it moved
    tls: str = ""  # "legacy" (old TLS only) or the TLS error
    robots: str = ""  # allowed / disallowed / unavailable (…)
    cms: str = ""  # detected family (the row says: registry cms)
    items: int = 0  # report entries on the first list page
    pages: int | None = None  # list pages the column announces
    browser: str = ""  # why a browser is needed, if it is
    blocked: str = ""  # the block reason, if the answer was one
    newest_year: int | None = None  # newest statistics year among the first page's entries
    rendered: bool = False  # the findings come from the page as the browser left it (--render)
    dead: bool = False
    error: str = ""


def analyse_page(check: RowCheck, html: str, page_url: str, column_url: str) -> None:
    """Fill the list-page findings of ``check`` from the start page's HTML (pure)."""
    check.cms = detect_cms(html)
    page = trs.parse_list_page(html, page_url, column_url)
    links = list(page.items)
    if page.page_count:
        check.pages = page.page_count.pages
    model = scripted.parse_list_model(html)
    if model is not None and model.expected and model.per_page:
        check.pages = -(-model.expected // model.per_page)
        if len(links) < model.expected:
            check.browser = "list continues through a site-search script (listModel)"
    hanweb, hlinks = scripted.parse_hanweb(html, page_url)
    if hanweb is not None:
        links += [h for h in hlinks if h.url not in {x.url for x in links}]
        if hanweb.expected and hanweb.per_page:
            check.pages = -(-hanweb.expected // hanweb.per_page)
    check.items = len(links)
    years = [info.year for info in (parse_title(link.best_title) for link in links) if info and info.year]
    check.newest_year = max(years) if years else None
    if not check.browser:
        check.browser = list_needs_browser(html, page_url, column_url) or ""
    if not links and page.subcolumns and check.pages is None:
        check.pages = 0  # a parent column: its entries sit in the sub-columns


async def _check_row(
    src: registry.Source, fetcher: Fetcher, robots: Robots, gate: RenderGate | None
) -> RowCheck:
    check = RowCheck(src.id, src.district, src.start_url)
    common = dict(domains=src.domains(), ports=src.ports(), allow_private=src.allow_private, per_host=1,
                  delay=src.delay)  # fmt: skip

    async def fetch_robots(url: str):
        res = await fetcher.fetch(url, check_blocks=False, **common)
        if res.status in (412, 202) or res.outcome == "refused":
            return 404, b""
        return res.status, res.body

    rule = await robots.rule(src.start_url, fetch_robots)
    if rule.blocked_reason:
        check.robots = f"unavailable ({rule.blocked_reason})"
    else:
        check.robots = "allowed" if rule.allows(src.start_url, robots.user_agent) else "disallowed"
    if check.robots != "allowed":
        check.error = f"{src.start_url}: not fetched: robots.txt {check.robots}"
        return check
    res = await fetcher.fetch(src.start_url, **common)
    check.status = res.status
    if gate is not None:
        res = await _rendered(src, res, gate, fetcher, common, check)
    if res.final_url != src.start_url:
        check.redirect = res.final_url
    if res.legacy_tls:
        check.tls = "legacy"
    elif res.error and ("SSL" in res.error or "TLS" in res.error or "certificate" in res.error.lower()):
        check.tls = res.error
    if res.outcome == "blocked":
        check.blocked = (res.error or "").rsplit("blocked: ", 1)[-1]
        if is_challenge(res.status, res.content_type, res.body):
            check.browser = "anti-bot challenge (a browser solves it)"
        return check
    if res.outcome != "ok":
        check.dead = True
        check.error = res.error or f"{src.start_url}: failed"
        return check
    analyse_page(check, decode_html(res.body, res.content_type).text, res.final_url, src.start_url)
    if check.rendered:
        check.browser = check.browser or "yes (rendered)"
    return check


async def _rendered(src, res, gate: RenderGate, fetcher: Fetcher, common: dict, check: RowCheck):
    """The start page as a crawl would keep it, rendered when it needs a browser."""

    def render_if(html: str, final_url: str) -> str | None:
        return list_needs_browser(html, final_url, src.start_url)

    async def again():
        return await fetcher.fetch(src.start_url, **common)

    plain = res
    out, why = await gate.after_fetch(src, src.start_url, res, render_if, again)
    if isinstance(out, RenderedResult) and out.outcome == "ok":
        check.rendered = True
        check.blocked = ""  # solved: the column can be crawled
        check.browser = f"yes ({why}; rendered)"
        return out
    if why and out.error:
        check.error = out.error
    return plain


async def check_sources(sources: list[registry.Source], client: ClientConfig | None = None,
                        politeness: PolitenessConfig | None = None,
                        browser: BrowserConfig | None = None) -> list[RowCheck]:  # fmt: skip
    """Every row checked; rows of one host one after another, hosts side by side."""
    client = client or ClientConfig()
    pol = Politeness(politeness or PolitenessConfig(per_host=1))
    fetcher = Fetcher(client, pol)
    robots = Robots(client.user_agent, on_delay=pol.set_min_delay)
    gate = None
    if browser is not None and browser.enabled:

        def robots_for(src):
            async def allowed(url: str) -> bool:
                async def fetch_robots(u: str):
                    res = await fetcher.fetch(u, domains=src.domains(), ports=src.ports(),
                                              allow_private=src.allow_private, per_host=1, check_blocks=False)  # fmt: skip
                    return (
                        (404, b"")
                        if res.status in (412, 202) or res.outcome == "refused"
                        else (res.status, res.body)
                    )

                return await robots.allowed(url, fetch_robots)

            return allowed

        gate = RenderGate(browser, fetcher, pol, robots_for, client.user_agent)
    by_host: dict[str, list[registry.Source]] = {}
    for s in sources:
        by_host.setdefault(s.host.removeprefix("www."), []).append(s)
    results: dict[str, RowCheck] = {}

    async def host_rows(rows: list[registry.Source]) -> None:
        for s in rows:
            try:
                results[s.id] = await _check_row(s, fetcher, robots, gate)
            except Exception as e:  # noqa: BLE001 - one row's surprise is that row's error
                results[s.id] = RowCheck(s.id, s.district, s.start_url, dead=True,
                                         error=f"{s.start_url}: {type(e).__name__}: {e}")  # fmt: skip

    try:
        await asyncio.gather(*(host_rows(rows) for rows in by_host.values()))
    finally:
        if gate is not None:
            await gate.close()
        await fetcher.aclose()
    return [results[s.id] for s in sources]


COLUMNS = [f.name for f in fields(RowCheck)]


def to_csv(checks: list[RowCheck]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    for c in checks:
        w.writerow({k: "" if v is None else v for k, v in asdict(c).items()})
    return buf.getvalue()


def to_markdown(checks: list[RowCheck]) -> str:
    head = ["id", "status", "redirect", "tls", "robots", "cms", "items", "pages", "browser", "blocked", "newest",
            "dead", "error"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in checks:
        cells = [c.id, c.status, c.redirect, c.tls, c.robots, c.cms, c.items, c.pages, c.browser, c.blocked,
                 c.newest_year, "DEAD" if c.dead else "", c.error]  # fmt: skip
        lines.append("| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in cells) + " |")
    return "\n".join(lines) + "\n"


def is_verified(c: RowCheck) -> bool:
    """Live, allowed, and listing at least one report (or handing on to sub-columns)."""
    return not c.dead and not c.blocked and c.robots == "allowed" and (c.items > 0 or c.pages == 0)


def mark_verified(path: Path, checks: list[RowCheck]) -> int:
    """Write ``verified`` into the registry file for the checked rows; how many rows changed."""
    verdict = {c.id: ("true" if is_verified(c) else "false") for c in checks if not c.blocked}
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    names = list(reader.fieldnames or [])
    if "verified" not in names:
        names.insert(names.index("note") if "note" in names else len(names), "verified")
    rows, changed = [], 0
    for row in reader:
        new = verdict.get((row.get("id") or "").strip())
        if new is not None and (row.get("verified") or "") != new:
            row["verified"] = new
            changed += 1
        rows.append(row)
    buf = io.StringIO()
    w = csv.DictWriter(buf, names, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    registry.load_registry(path)  # what was written must still load
    return changed


def _registry_files(arg: Path | None) -> list[Path]:
    if arg is None:
        return sorted(registry.DEFAULT_REGISTRY_DIR.glob("*.csv"))
    if arg.is_dir():
        files = sorted(arg.glob("*.csv"))
        if not files:
            raise registry.RegistryError(f"{arg}: no registry CSV files")
        return files
    return [arg]


def command(args) -> int:
    """``nianbao sources check``; 0 when every row is alive, 1 when any is dead, 2 on a bad registry."""
    try:
        files = _registry_files(args.sources)
        sources = registry.select(registry.load_sources(files), args.source or None, args.district)
    except registry.RegistryError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not sources:
        print("error: no source matches the selection", file=sys.stderr)
        return 2
    browser = None
    if getattr(args, "render", False):
        reason = unavailable_reason()
        if reason:
            print(f"error: --render: {reason}", file=sys.stderr)
            return 2
        browser = BrowserConfig()
    checks = asyncio.run(check_sources(sources, browser=browser))
    fmt = args.format or ("csv" if args.out and args.out.suffix.lower() == ".csv" else "markdown")
    text = to_csv(checks) if fmt == "csv" else to_markdown(checks)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.mark_verified:
        for f in files:
            n = mark_verified(f, [c for c in checks if c.id in {s.id for s in registry.load_registry(f)}])
            print(f"{f}: verified column updated on {n} row(s)", file=sys.stderr)
    dead = [c for c in checks if c.dead]
    alive = len(checks) - len(dead)
    if not getattr(args, "quiet", 0):
        print(f"{len(checks)} row(s): {alive} alive, {len(dead)} dead, "
              f"{sum(1 for c in checks if c.blocked)} blocked, {sum(1 for c in checks if c.browser)} need a browser",
              file=sys.stderr)  # fmt: skip
    return 1 if dead else 0
