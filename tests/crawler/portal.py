"""A TRS-style district portal served on 127.0.0.1, for crawler tests (and later the fault harness / demo).

``Portal()`` starts a threaded HTTP server on an ephemeral port; ``portal.url(path)``
gives addresses; ``portal.requests`` logs every path asked for.  ``EXPECTED_*``
name exactly what a correct crawl finds and stores.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PDF = b"%PDF-1.4\n% test report 2024\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"docx body of the 2024 fgw report" + b"\x00" * 40
SHARED_PDF = b"%PDF-1.4\n% the same table annex, linked from two reports\n%%EOF\n"
COL = "/zwgk_1/zfxxgknb/"

TS_CHALLENGE = (
    b"<html><head><meta charset='utf-8'><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;"
    b"$_ts.cd='qxxxx';</script><script src='/abc/def.js' r='m'></script></head><body></body></html>"
)


def _list_page(title: str, items: list[tuple[str, str, str]], subs: list[tuple[str, str]] = (), pages: int = 0,
               current: int = 0, charset: str = "utf-8") -> bytes:  # fmt: skip
    lis = "\n".join(
        f'<li><a href="{h}" title="{t}" target="_blank">{t}</a><span>{d}</span></li>' for h, t, d in items
    )
    nav = "\n".join(f'<a href="{h}">{t}</a>' for h, t in subs)
    script = f'<script>createPageHTML({pages}, {current}, "index", "html");</script>' if pages else ""
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}</title></head><body>"
        f'<div class="nav"><a href="/">首页</a><a href="/zwgk_1/zfxxgkzn/">政府信息公开指南</a>'
        f'<a href="/zwgk_1/zfxxgknb/202501/t20250120_100.html">最新：2024年报</a></div>'
        f'<div class="sub">{nav}</div><ul class="list">{lis}</ul><div class="page">{script}</div></body></html>'
    )
    return html.encode("gb18030" if charset.lower() in ("gbk", "gb2312") else "utf-8")


def _report(title: str, attachments: list[tuple[str, str]] = (), charset: str = "utf-8") -> bytes:
    links = "".join(f'<p><a href="{h}">{t}</a></p>' for h, t in attachments)
    html = (
        f'<html><head><meta charset="{charset}"><meta name="ArticleTitle" content="{title}">'
        f"<title>{title}</title></head><body><h1>{title}</h1><table><tr><td>收到申请数</td><td>12</td></tr>"
        f"</table>{links}</body></html>"
    )
    return html.encode("gb18030" if charset.lower() in ("gbk", "gb2312") else "utf-8")


R = {  # report path -> title
    "district24": (COL + "202501/t20250120_100.html", "重庆市测试区2024年政府信息公开工作年度报告"),
    "district23": (COL + "202401/t20240118_90.html", "重庆市测试区2023年政府信息公开工作年度报告"),
    "district21": (COL + "202201/t20220115_70.html", "重庆市测试区2021年政府信息公开工作年度报告"),
    "fgw24": (
        COL + "bm/fgw/202501/t20250122_200.html",
        "重庆市测试区发展和改革委员会2024年政府信息公开工作年度报告",
    ),
    "fgw23": (
        COL + "bm/fgw/202401/t20240125_190.html",
        "重庆市测试区发展和改革委员会2023年政府信息公开工作年度报告",
    ),
    "npjd24": (
        COL + "jz/npjd/202501/t20250116_300.html",
        "重庆市测试区南彭街道办事处2024年政府信息公开工作年度报告",
    ),
    "npjd23": (
        COL + "jz/npjd/202401/t20240131_290.html",
        "重庆市测试区南彭街道办事处2023年政府信息公开工作年度报告",
    ),
}
BLOCKED = COL + "jz/npjd/202301/t20230130_280.html"
OFFSITE = COL + "jz/npjd/202201/t20220128_270.html"
TO_PRIVATE = COL + "jz/npjd/202101/t20210127_260.html"
DISALLOWED_COLUMN = COL + "jz/private/"
ATTACH = {
    "fgw24.pdf": COL + "bm/fgw/202501/P020250122_1.pdf",
    "fgw24.docx": COL + "bm/fgw/202501/P020250122_2.docx",
    "fgw24.shared": COL + "bm/fgw/202501/P020250122_3.pdf",
    "npjd24.shared": COL + "jz/npjd/202501/P020250116_9.pdf",
}

EXPECTED_REPORTS = {path for path, _ in R.values()}
EXPECTED_ATTACHMENTS = {
    ATTACH["fgw24.pdf"]: R["fgw24"][0],
    ATTACH["fgw24.docx"]: R["fgw24"][0],
    ATTACH["fgw24.shared"]: R["fgw24"][0],
    ATTACH["npjd24.shared"]: R["npjd24"][0],
}
EXPECTED_PAYLOADS_ATTACHMENTS = 3  # the shared annex is stored once


def build_site() -> dict[str, tuple[int, dict[str, str], bytes]]:
    t = {k: v[1] for k, v in R.items()}
    p = {k: v[0] for k, v in R.items()}
    site: dict[str, tuple[int, dict[str, str], bytes]] = {}
    html = {"Content-Type": "text/html; charset=utf-8"}
    gbk = {"Content-Type": "text/html"}  # no charset: the <meta> must decide
    site["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        f"User-agent: *\nDisallow: {DISALLOWED_COLUMN}\n".encode(),
    )
    subs = [("bm/fgw/", "区发展改革委"), ("jz/npjd/index.html", "南彭街道"), ("jz/private/", "内部"),
            ("../zfxxgkzn/", "指南")]  # fmt: skip
    site[COL] = site[COL + "index.html"] = (200, html, _list_page("政府信息公开年报", [
        ("./202501/t20250120_100.html", t["district24"], "2025-01-20"),
        ("./202501/t20250120_101.html", "重庆市测试区2024年政府信息公开工作年度报告解读", "2025-01-20"),
    ], subs, pages=3, current=0))  # fmt: skip
    site[COL + "index_1.html"] = (200, html, _list_page("政府信息公开年报", [
        ("./202401/t20240118_90.html", t["district23"], "2024-01-18"),
    ], subs, pages=3, current=1))  # fmt: skip
    site[COL + "index_2.html"] = (200, html, _list_page("政府信息公开年报", [
        ("./202201/t20220115_70.html", "重庆市测试区2021年政府信息公开工作...", "2022-01-15"),
        ("./202201/t20220115_71.html", "关于做好政府信息公开工作的...", "2022-01-15"),
    ], subs, pages=3, current=2))  # fmt: skip
    fgw = COL + "bm/fgw/"
    site[fgw] = site[fgw + "index.html"] = (200, gbk, _list_page("区发展改革委", [
        ("./202501/t20250122_200.html", t["fgw24"], "2025-01-22"),
        ("./202401/t20240125_190_wap.html", t["fgw23"], "2024年01月25日"),
        ("./202401/t20240125_190.html", t["fgw23"], ""),
    ], charset="gb2312"))  # fmt: skip
    npjd = COL + "jz/npjd/"
    site[npjd] = site[npjd + "index.html"] = (200, html, _list_page("南彭街道", [
        ("./202501/t20250116_300.html", t["npjd24"], "2025-01-16"),
    ], pages=2, current=0))  # fmt: skip
    site[npjd + "index_1.html"] = (200, html, _list_page("南彭街道", [
        ("./202401/t20240131_290.html", t["npjd23"], "2024-01-31"),
        ("./202301/t20230130_280.html", "重庆市测试区南彭街道办事处2022年政府信息公开工作年度报告", "2023-01-30"),
        ("./202201/t20220128_270.html", "重庆市测试区南彭街道办事处2021年政府信息公开工作年度报告", "2022-01-28"),
        ("./202101/t20210127_260.html", "重庆市测试区南彭街道办事处2020年政府信息公开工作年度报告", "2021-01-27"),
    ], pages=2, current=1))  # fmt: skip
    priv = DISALLOWED_COLUMN
    site[priv] = site[priv + "index.html"] = (200, html, _list_page("内部", [
        ("./202501/t20250101_900.html", "重庆市测试区内部2024年政府信息公开工作年度报告", "2025-01-01")]))  # fmt: skip
    site[priv + "202501/t20250101_900.html"] = (
        200,
        html,
        _report("重庆市测试区内部2024年政府信息公开工作年度报告"),
    )
    site[p["district24"]] = (200, {**html, "ETag": '"d24-v1"'}, _report(t["district24"]))
    site[p["district23"]] = (
        200,
        {**html, "Last-Modified": "Thu, 18 Jan 2024 08:00:00 GMT"},
        _report(t["district23"]),
    )
    site[p["district21"]] = (200, html, _report(t["district21"]))
    site[COL + "202201/t20220115_71.html"] = (200, html, _report("关于做好政府信息公开工作的通知"))
    site[p["fgw24"]] = (200, gbk, _report(t["fgw24"], [
        ("./P020250122_1.pdf", "2024年报.pdf"), ("./P020250122_2.docx", "2024年报.docx"),
        ("./P020250122_3.pdf", "附表.pdf"), ("P020250122_1.pdf", "重复链接")], charset="gbk"))  # fmt: skip
    site[p["fgw23"]] = (200, gbk, _report(t["fgw23"], charset="gb2312"))
    site[p["fgw23"].replace(".html", "_wap.html")] = site[p["fgw23"]]
    site[p["npjd24"]] = (200, html, _report(t["npjd24"], [("./P020250116_9.pdf", "附表.pdf")]))
    site[p["npjd23"]] = (200, html, _report(t["npjd23"]))
    site[ATTACH["fgw24.pdf"]] = (200, {"Content-Type": "application/pdf"}, PDF)
    site[ATTACH["fgw24.docx"]] = (200, {"Content-Type": "application/octet-stream"}, DOCX)
    site[ATTACH["fgw24.shared"]] = (200, {"Content-Type": "application/pdf"}, SHARED_PDF)
    site[ATTACH["npjd24.shared"]] = (200, {"Content-Type": "application/pdf"}, SHARED_PDF)
    site[BLOCKED] = (412, {"Content-Type": "text/html"}, TS_CHALLENGE)
    site[OFFSITE] = (302, {"Location": "http://example.invalid/stolen.html"}, b"")
    site[TO_PRIVATE] = (302, {"Location": "http://10.0.0.1/internal.html"}, b"")
    return site


class Portal:
    """The fixture portal.  Flaky answers: ``flaky`` maps a path to statuses served before the real page."""

    def __init__(self, site: dict | None = None, flaky: dict[str, list[tuple[int, dict]]] | None = None,
                 latency: float = 0.0, host: str = "127.0.0.1"):  # fmt: skip
        self.site = site if site is not None else build_site()
        self.flaky = {k: list(v) for k, v in (flaky if flaky is not None else default_flaky()).items()}
        self.requests: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.latency = latency
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                import time

                path = self.path.split("?", 1)[0]
                with portal.lock:
                    portal.requests.append((self.path, dict(self.headers)))
                    queued = portal.flaky.get(path)
                    early = queued.pop(0) if queued else None
                if portal.latency:
                    time.sleep(portal.latency)
                if early is not None:
                    status, headers, body = early[0], early[1], b"temporarily unavailable"
                else:
                    entry = portal.site.get(path, (404, {"Content-Type": "text/html"}, b"not found"))
                    if getattr(entry, "with_headers", False):  # answers that depend on the request (cookies)
                        status, headers, body = entry(self.path, dict(self.headers))
                    else:
                        status, headers, body = entry(self.path) if callable(entry) else entry
                    etag = headers.get("ETag")
                    lm = headers.get("Last-Modified")
                    if (etag and self.headers.get("If-None-Match") == etag) or (
                        lm and self.headers.get("If-Modified-Since") == lm
                    ):
                        status, body = 304, b""
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Portal:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _ in self.requests]


def default_flaky() -> dict[str, list[tuple[int, dict]]]:
    return {
        R["npjd23"][0]: [(503, {}), (500, {})],
        R["district21"][0]: [(429, {"Retry-After": "1"})],
    }


def registry_csv(portal: Portal, **extra_cols: str) -> str:
    cols = ["id", "district", "agency", "level", "start_url", "cms", "allow_private", "delay", *extra_cols]
    row = ["test-district", "测试区", "", "district", portal.url(COL + "index.html"), "trs", "true", "0",
           *extra_cols.values()]  # fmt: skip
    return ",".join(cols) + "\n" + ",".join(row) + "\n"
