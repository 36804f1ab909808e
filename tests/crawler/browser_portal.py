"""Loopback portals whose pages need a browser: a list built by script from JSON, a cookie challenge
on every page, and a page whose script reaches for a private address and another host."""

from __future__ import annotations

import json

from tests.crawler import portal as P

HTML = {"Content-Type": "text/html; charset=utf-8"}
JS = {"Content-Type": "application/javascript"}
COL = "/zwgk_9/zfxxgknb/"
TOKEN = "TSa1b2c3=solved-7f3e"


def title(i: int) -> str:
    return f"重庆市脚本区第{i}单位{2019 + i}年政府信息公开工作年度报告"


def report_path(i: int) -> str:
    return f"{COL}2025{i:02d}/t2025{i:02d}1{i}_{500 + i}.html"


# --- (1) a list built by script from JSON over two pages, the pager written by script --------------
LIST_JS = """
(function () {
  var m = location.pathname.match(/index_(\\d+)\\.html$/);
  var page = m ? parseInt(m[1], 10) : 0;
  fetch('data_' + page + '.json').then(function (r) { return r.json(); }).then(function (d) {
    var ul = document.getElementById('list');
    d.items.forEach(function (it) {
      var li = document.createElement('li');
      li.innerHTML = '<a href="' + it.href + '" title="' + it.title + '">' + it.title.slice(0, 8) + '…</a>'
                   + '<span>' + it.date + '</span>';
      ul.appendChild(li);
    });
    var pager = document.getElementById('pager');
    for (var p = 0; p < d.pages; p++) {
      var a = document.createElement('a');
      a.href = p === 0 ? 'index.html' : 'index_' + p + '.html';
      a.textContent = String(p + 1);
      pager.appendChild(a);
    }
  });
})();
"""
SCRIPT_LIST_PAGE = (
    "<html><head><meta charset='utf-8'><title>政府信息公开年报</title>"
    "<script src='/js/jquery.min.js'></script></head><body><ul id='list'></ul><div id='pager'></div>"
    "<img src='/images/banner.png'><script src='list.js'></script></body></html>"
).encode()
SCRIPT_LIST_PAGES = {0: [1, 2, 3], 1: [4, 5]}  # list page -> reports on it


def script_list_site() -> dict:
    site: dict = {"/robots.txt": (404, {}, b"")}
    site[COL] = site[COL + "index.html"] = site[COL + "index_1.html"] = (200, HTML, SCRIPT_LIST_PAGE)
    site[COL + "list.js"] = (200, JS, LIST_JS.encode())
    site["/js/jquery.min.js"] = (200, JS, b"window.jQuery = function () {};")
    for page, ids in SCRIPT_LIST_PAGES.items():
        items = [{"href": f"./2025{i:02d}/t2025{i:02d}1{i}_{500 + i}.html", "title": title(i),
                  "date": f"2025-{i:02d}-1{i}"} for i in ids]  # fmt: skip
        body = json.dumps({"pages": len(SCRIPT_LIST_PAGES), "items": items}, ensure_ascii=False).encode()
        site[f"{COL}data_{page}.json"] = (200, {"Content-Type": "application/json; charset=utf-8"}, body)
    for i in range(1, 6):
        site[report_path(i)] = (200, HTML, P._report(title(i)))
    return site


# --- (2) every page answers 412 with a script that sets a cookie and reloads ------------------------
CHALLENGE = (
    "<html><head><meta charset='utf-8'><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=771;"
    f"document.cookie='{TOKEN}; path=/';location.reload();</script></head><body></body></html>"
).encode()
CHALLENGE_REPORTS = (1, 2, 3, 4)
CHALLENGE_PDF = COL + "202501/P020250111_1.pdf"


def _challenged(real: tuple[int, dict, bytes]):
    def answer(path: str, headers: dict) -> tuple[int, dict, bytes]:
        if TOKEN in (headers.get("Cookie") or ""):
            return real
        return 412, {**HTML, "Set-Cookie": "TSsrv=01ab; Path=/"}, CHALLENGE

    answer.with_headers = True
    return answer


def challenge_site() -> dict:
    site: dict = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    }
    lis1 = [
        (f"./2025{i:02d}/t2025{i:02d}1{i}_{500 + i}.html", title(i), f"2025-{i:02d}-1{i}") for i in (1, 2)
    ]
    lis2 = [
        (f"./2025{i:02d}/t2025{i:02d}1{i}_{500 + i}.html", title(i), f"2025-{i:02d}-1{i}") for i in (3, 4)
    ]
    site[COL] = site[COL + "index.html"] = _challenged(
        (200, HTML, P._list_page("年报", lis1, pages=2, current=0))
    )
    site[COL + "index_1.html"] = _challenged((200, HTML, P._list_page("年报", lis2, pages=2, current=1)))
    for i in CHALLENGE_REPORTS:
        files = [("./P020250111_1.pdf", "附件.pdf")] if i == 1 else []
        site[report_path(i)] = _challenged((200, HTML, P._report(title(i), files)))
    site[CHALLENGE_PDF] = _challenged((200, {"Content-Type": "application/pdf"}, P.PDF))
    return site


def served(portal: P.Portal, path: str, with_token: bool) -> int:
    """How often ``path`` was asked for with (or without) the challenge cookie."""
    with portal.lock:
        return sum(
            1 for p, h in portal.requests if p == path and (TOKEN in (h.get("Cookie") or "")) == with_token
        )


# --- (3) a page whose script reaches for 10.0.0.1, another host and a path robots.txt disallows ----------------------------------
GREEDY_PAGE = (
    "<html><head><meta charset='utf-8'><title>年报</title></head><body><ul id='list'></ul><script>"
    "fetch('http://10.0.0.1/internal/secrets.json').catch(function () {});"
    "fetch('http://tracker.example.com/collect?p=1').catch(function () {});"
    "fetch('/private/staff.json').catch(function () {});"
    "fetch('list.json').then(function (r) { return r.json(); }).then(function (d) {"
    "  document.getElementById('list').innerHTML = d.map(function (it) {"
    "    return '<li><a href=\"' + it.href + '\">' + it.title + '</a></li>'; }).join(''); });"
    "</script></body></html>"
).encode()


def greedy_site() -> dict:
    site: dict = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    }
    site["/private/staff.json"] = (200, {"Content-Type": "application/json"}, b"[]")
    site[COL] = site[COL + "index.html"] = (200, HTML, GREEDY_PAGE)
    items = [{"href": f"./2025{i:02d}/t2025{i:02d}1{i}_{500 + i}.html", "title": title(i)} for i in (1, 2)]
    site[COL + "list.json"] = (200, {"Content-Type": "application/json"}, json.dumps(items).encode())
    for i in (1, 2):
        site[report_path(i)] = (200, HTML, P._report(title(i)))
    return site


def registry_row(portal: P.Portal, path: str = COL + "index.html", **extra: str) -> str:
    cols = ["id", "district", "agency", "level", "start_url", "cms", "allow_private", "delay", *extra]
    row = ["js", "脚本区", "", "district", portal.url(path), "trs", "true", "0", *extra.values()]
    return ",".join(cols) + "\n" + ",".join(row) + "\n"
