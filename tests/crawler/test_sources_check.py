"""``nianbao sources check`` against loopback portals: live, dead, blocked, script-built and disallowed rows."""

from __future__ import annotations

import asyncio
import csv

import pytest

from crawler import registry
from crawler.browser import BrowserConfig, unavailable_reason
from crawler.sources_check import RowCheck, analyse_page, check_sources, detect_cms
from nianbao.cli import main
from tests.conftest import SHARED
from tests.crawler import browser_portal as B
from tests.crawler import portal as P
from tests.crawler.test_scripted_lists import _hanweb_site

HEAD = "id,district,agency,level,start_url,cms,allow_private,delay,verified,note\n"


def _registry(tmp_path, rows: list[tuple[str, str]]):
    text = HEAD + "".join(f"{sid},测试区,,district,{url},trs,true,0,false,x\n" for sid, url in rows)
    path = tmp_path / "reg.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def portals():
    with P.Portal(flaky={}) as trs_site, P.Portal(site=B.challenge_site(), flaky={}) as wall, \
            P.Portal(site=B.script_list_site(), flaky={}) as js, P.Portal(site=_hanweb_site(), flaky={}) as hw:  # fmt: skip
        yield trs_site, wall, js, hw


def _rows(portals):
    trs_site, wall, js, hw = portals
    return [
        ("live", trs_site.url(P.COL + "index.html")),
        ("gone", trs_site.url("/zwgk_1/nosuch/index.html")),
        ("private", trs_site.url(P.DISALLOWED_COLUMN + "index.html")),
        ("wall", wall.url(B.COL + "index.html")),
        ("js", js.url(B.COL + "index.html")),
        ("hanweb", hw.url("/col/col1229/index.html")),
    ]


def test_check_rows(tmp_path, portals):
    sources = registry.load_registry(_registry(tmp_path, _rows(portals)))
    checks = {c.id: c for c in asyncio.run(check_sources(sources))}
    live = checks["live"]
    assert (live.status, live.robots, live.cms, live.items, live.pages, live.newest_year, live.dead) == (
        200, "allowed", "trs", 2, 3, 2024, False)  # fmt: skip
    assert checks["gone"].dead and checks["gone"].status == 404
    assert checks["private"].robots == "disallowed" and checks["private"].status is None
    wall = checks["wall"]
    assert wall.status == 412 and "$_ts" in wall.blocked and "challenge" in wall.browser and not wall.dead
    js = checks["js"]
    assert (js.items, js.cms) == (0, "generic") and "scripts" in js.browser
    hw = checks["hanweb"]
    assert (hw.cms, hw.items, hw.pages, hw.newest_year) == ("hanweb", 2, 3, 2022)
    trs_site = portals[0]
    assert trs_site.paths().count(P.COL + "index.html") == 1


@pytest.mark.skipif(
    unavailable_reason() is not None, reason=f"no browser to render with: {unavailable_reason()}"
)
def test_render_rows_that_need_a_browser(tmp_path, portals):
    rows = [r for r in _rows(portals) if r[0] in ("wall", "js", "live")]
    sources = registry.load_registry(_registry(tmp_path, rows))
    checks = {c.id: c for c in asyncio.run(check_sources(sources, browser=BrowserConfig()))}
    wall, js, live = checks["wall"], checks["js"], checks["live"]
    assert wall.rendered and wall.status == 412 and not wall.blocked and "challenge" in wall.browser
    assert (wall.items, wall.pages, wall.newest_year) == (2, 2, 2021)
    assert js.rendered and js.items == 3 and js.newest_year == 2022 and "rendered" in js.browser
    assert not live.rendered and live.browser == ""


def test_command_writes_table_and_fails_on_dead_rows(tmp_path, portals, capsys):
    reg = _registry(tmp_path, _rows(portals))
    out = tmp_path / "check.csv"
    assert main(["sources", "check", "--sources", str(reg), "--out", str(out), "--mark-verified"]) == 1
    rows = {r["id"]: r for r in csv.DictReader(out.read_text(encoding="utf-8").splitlines())}
    assert rows["gone"]["dead"] == "True" and rows["live"]["items"] == "2"
    verified = {s.id: s.verified for s in registry.load_registry(reg)}
    assert verified["live"] is True and verified["gone"] is False and verified["hanweb"] is True
    assert verified["wall"] is False  # blocked rows keep what they said until a browser run shows more
    assert "1 dead" in capsys.readouterr().err
    assert main(["sources", "check", "--sources", str(reg), "--source", "live", "--format", "markdown"]) == 0
    assert "| live | 200 |" in capsys.readouterr().out


def test_bad_registry_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD + "a,区,,district,http://x.gov.cn/,trs,false,0,maybe,\n", encoding="utf-8")
    assert main(["sources", "check", "--sources", str(bad)]) == 2
    assert "verified 'maybe'" in capsys.readouterr().err
    bad.write_text("id,district,agency,level,start_url,cms,allow_private,render\na,区,,district,http://x.gov.cn/,"
                   "trs,false,sometimes\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(registry.RegistryError, match="render 'sometimes'"):
        registry.load_registry(bad)


def test_detect_cms_families():
    assert detect_cms('<script>createPageHTML(3, 0, "index", "html");</script>') == "trs"
    assert detect_cms("<script type='text/xml'><datastore></datastore></script>") == "hanweb"
    assert detect_cms("listModel({ pagebar: {} })") == "fjtrs"
    assert detect_cms("<html><body><a href='/a.html'>x</a></body></html>") == "generic"


def test_real_fujian_list_page():
    page = SHARED / "sources" / "fj-pingtan-zfxxgknb-list.html"
    if not page.exists():
        pytest.skip(f"stored Pingtan list page not found at {page} (it lives in ../shared)")
    check = RowCheck("pt", "平潭", "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm")
    analyse_page(check, page.read_text(encoding="utf-8"), check.start_url, check.start_url)
    assert check.cms == "fjtrs" and check.items == 10 and check.pages == 2
    assert check.newest_year == 2025 and "listModel" in check.browser


def test_shipped_registry_marks_inferred_rows_unverified():
    sources = registry.load_sources()
    guessed = [s for s in sources if s.verified is False]
    assert len(guessed) >= 100 and all(s.level in ("street", "township") for s in guessed)
    by_district = {s.district for s in guessed}
    assert {"渝北区", "荣昌区", "城口县", "巫溪县", "渝中区"} <= by_district
    urls = [s.start_url.split("//", 1)[1].removeprefix("www.") for s in sources]
    assert len(urls) == len(set(urls)), "two rows for one column"
    rc = {
        s.start_url.rsplit("/jz/", 1)[1].split("/", 1)[0]
        for s in sources
        if s.district == "荣昌区" and "/jz/" in s.start_url
    }
    assert len(rc) == 21  # 6 streets and 15 towns
