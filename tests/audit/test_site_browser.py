"""The audit site opened from disk in headless Chromium (the crawler's browser): what a reader sees and does."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from audit.build import write_audit
from crawler.browser import LAUNCH_ARGS, find_browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def page(audit_data, tmp_path_factory):
    exe = find_browser()
    if exe is None:
        pytest.skip("no headless Chromium found (make system or make browser installs one)")
    pw_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    site = tmp_path_factory.mktemp("audit-site") / "site"
    write_audit(audit_data, site, district="演示区")
    with pw_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=list(LAUNCH_ARGS))
        try:
            pg = browser.new_page(viewport={"width": 1200, "height": 900})
            requests: list[str] = []
            pg.on("request", lambda r: requests.append(r.url))
            pg.goto((site / "演示区" / "2024" / "index.html").as_uri())
            yield pg, site, requests
        finally:
            browser.close()


def _column(pg, table: str, i: int) -> list[str]:
    return pg.eval_on_selector_all(f"#{table} tbody tr", f"rows => rows.map(r => r.cells[{i}].textContent)")


def test_totals_sorting_and_filter_work_from_disk(page):
    pg, _site, requests = page
    assert pg.locator("#totals [data-key=bodies] b").inner_text() == "2"
    assert pg.locator("#totals [data-key=found] b").inner_text() == "2"
    assert pg.locator("#totals [data-key=with_failed_checks] b").inner_text() == "1"
    header = pg.locator("#bodies thead th", has_text="未通过的校验")
    header.click()
    up = _column(pg, "bodies", 8)
    header.click()
    down = _column(pg, "bodies", 8)
    assert up == sorted(up, key=int) and down == sorted(down, key=int, reverse=True) and up != down
    pg.fill("input[data-table=bodies]", "白沙")
    visible = pg.eval_on_selector_all("#bodies tbody tr", "rows => rows.filter(r => !r.hidden).length")
    assert visible == 1
    pg.fill("input[data-table=bodies]", "")
    assert all(u.startswith("file://") for u in requests), requests


def test_body_page_shows_the_failed_check_with_its_numbers_and_the_archived_copy(page):
    pg, site, _ = page
    pg.goto((site / "演示区" / "2024" / "index.html").as_uri())
    pg.click("text=演示区白沙镇人民政府")
    row = pg.locator("#failures tbody tr").first
    cells = row.locator("td").all_inner_texts()
    expected, actual, difference = (int(c) for c in cells[2:5])
    assert cells[0] and expected - actual == difference != 0
    href = pg.locator("a.archived").get_attribute("href")
    archived = (Path(unquote(urlsplit(pg.url).path)).parent / href).resolve()
    assert (
        archived.is_file() and archived.parent == (site / "archive").resolve() and archived.stat().st_size > 0
    )
    shot = site.parent / "audit-body.png"
    pg.screenshot(path=str(shot), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)
    print(f"screenshot: {ARTIFACTS / shot.name}")
