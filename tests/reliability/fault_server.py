"""A scriptable HTTP server on 127.0.0.1 that misbehaves on purpose, and a small
TRS-like column (the *fault site*) whose report pages trigger every fault.

The server speaks HTTP/1.1 over raw sockets (one thread per connection, one
request per connection, ``Connection: close``) so a handler can do what a
well-behaved server library never would: reset the connection mid-body, send
fewer bytes than ``Content-Length`` promises, trickle a body, stall, or stream
without end.  ``routes`` maps a path (query and fragment ignored) to a handler
``(conn, req, n)`` where ``n`` counts earlier requests to that path, so "three
503s, then the page" is one line.  Every accepted connection and every request
is logged; nothing but 127.0.0.x is ever bound.

``fault_site(server, other)`` fills a server with the fault column and returns
the list of faults, each saying whether its document must end up stored (a
transient fault, retried through) or must be refused or surface as an error
naming its address (a permanent one).
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import io
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}  # fmt: skip
HTML = "text/html; charset=utf-8"


@dataclass
class Request:
    method: str
    target: str  # as sent: path and query
    path: str  # without query
    headers: dict[str, str]


class Conn:
    """One accepted connection; write helpers that never raise on a peer that went away."""

    def __init__(self, sock: socket.socket, server: FaultServer):
        self.sock = sock
        self.server = server
        self.closed = False

    def send(self, data: bytes) -> bool:
        if self.closed:
            return False
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def head(self, status: int, headers: dict[str, str] | list[tuple[str, str]]) -> bool:
        items = headers.items() if isinstance(headers, dict) else headers
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
        lines += [f"{k}: {v}" for k, v in items]
        lines.append("Connection: close")
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(self, status: int, body: bytes = b"", ctype: str = HTML, **extra: str) -> None:
        headers = {"Content-Type": ctype, "Content-Length": str(len(body))}
        headers.update({k.replace("_", "-"): v for k, v in extra.items()})
        if self.head(status, headers):
            self.send(body)

    def reset(self) -> None:
        """Close with RST instead of FIN (SO_LINGER 0)."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.closed = True

    def sleep(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; False once it is."""
        return not self.server.stopping.wait(seconds)


Handler = Callable[[Conn, Request, int], None]


class FaultServer:
    """``with FaultServer() as s: s.routes["/x"] = ok(b"...")``; ``s.url("/x")``."""

    def __init__(self, host: str = "127.0.0.1"):
        assert host.startswith("127."), "the fault server binds loopback only"
        self.host = host
        self.routes: dict[str, Handler] = {}
        self.patterns: list[tuple[re.Pattern, Handler]] = []  # tried when no route matches
        self.requests: list[tuple[float, str]] = []  # (time, target)
        self.connections = 0
        self.counts: dict[str, int] = {}
        self.times: dict[str, list[float]] = {}  # path -> monotonic time of each request
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    # lifecycle ---------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self._acceptor.join(2)
        self.sock.close()
        for t in list(self._threads):
            t.join(2)

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    # logs ----------------------------------------------------------------------
    def targets(self) -> list[str]:
        with self.lock:
            return [t for _, t in self.requests]

    def hits(self, path: str) -> int:
        """Requests whose path (query ignored) is ``path``."""
        return sum(1 for t in self.targets() if t.split("?", 1)[0] == path)

    # serving ---------------------------------------------------------------
    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with self.lock:
                self.connections += 1
            t = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _read_request(self, sock: socket.socket) -> Request | None:
        sock.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
            if len(data) > 65536:
                return None
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        line, *rest = head.split("\r\n")
        parts = line.split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for h in rest:
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
        return Request(parts[0], parts[1], parts[1].split("?", 1)[0].split("#", 1)[0], headers)

    def _serve(self, sock: socket.socket) -> None:
        conn = Conn(sock, self)
        try:
            req = self._read_request(sock)
            if req is None:
                return
            with self.lock:
                self.requests.append((time.monotonic(), req.target))
                n = self.counts.get(req.path, 0)
                self.counts[req.path] = n + 1
                self.times.setdefault(req.path, []).append(time.monotonic())
                handler = self.routes.get(req.path)
                if handler is None:
                    handler = next((h for p, h in self.patterns if p.fullmatch(req.path)), None)
            if handler is None:
                conn.respond(404, b"not found", "text/plain")
            else:
                handler(conn, req, n)
        except Exception:  # a handler bug must not kill the server
            conn.reset()
        finally:
            with contextlib.suppress(OSError):
                sock.close()


# --- handlers -------------------------------------------------------------------
def ok(body: bytes, ctype: str = HTML, **extra: str) -> Handler:
    def h(conn: Conn, req: Request, n: int) -> None:
        conn.respond(200, body, ctype, **extra)

    return h


def first(times: int, fault: Handler, then: Handler) -> Handler:
    """``fault`` for the first ``times`` requests (all, if times < 0), then ``then``."""

    def h(conn: Conn, req: Request, n: int) -> None:
        (fault if times < 0 or n < times else then)(conn, req, n)

    return h


def status(code: int, **extra: str) -> Handler:
    def h(conn: Conn, req: Request, n: int) -> None:
        conn.respond(code, b"temporarily unavailable", "text/plain", **extra)

    return h


def burst(codes: list[int], then: Handler) -> Handler:
    """Answer ``codes`` in turn (e.g. 503, 500, 502), then hand over to ``then``."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if n < len(codes):
            conn.respond(codes[n], b"overloaded", "text/plain")
        else:
            then(conn, req, n - len(codes))

    return h


def retry_after_date(seconds: float) -> Handler:
    """429 whose Retry-After is an HTTP-date ``seconds`` from now."""

    def h(conn: Conn, req: Request, n: int) -> None:
        conn.respond(429, b"slow down", "text/plain", Retry_After=email.utils.formatdate(time.time() + seconds,
                                                                                         usegmt=True))  # fmt: skip

    return h


def drip(interval: float, declared: int = 100_000) -> Handler:
    """Headers, then one byte every ``interval`` s, for ever: only a whole-exchange timeout ends it."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if not conn.head(200, {"Content-Type": HTML, "Content-Length": str(declared)}):
            return
        for _ in range(declared):
            if not conn.send(b" ") or not conn.sleep(interval):
                return

    return h


def stall(seconds: float = 600) -> Handler:
    """Headers and a few bytes, then silence (a read timeout must fire)."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if conn.head(200, {"Content-Type": HTML, "Content-Length": "5000"}) and conn.send(b"<html>"):
            conn.sleep(seconds)

    return h


def reset_mid_body(body: bytes) -> Handler:
    """Full headers, half the body, then a TCP reset."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if conn.head(200, {"Content-Type": HTML, "Content-Length": str(len(body))}):
            conn.send(body[: len(body) // 2])
            time.sleep(0.05)
        conn.reset()

    return h


def short_body(body: bytes) -> Handler:
    """Content-Length says the whole body; a clean close after half of it."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if conn.head(200, {"Content-Type": HTML, "Content-Length": str(len(body))}):
            conn.send(body[: len(body) // 2])

    return h


@cache
def bomb_bytes(decompressed: int) -> bytes:
    """gzip of ``decompressed`` zero bytes (about 1,000:1), built in 1 MiB steps."""
    buf = io.BytesIO()
    block = b"\0" * (1 << 20)
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as g:
        left = decompressed
        while left > 0:
            g.write(block[: min(left, len(block))])
            left -= len(block)
    return buf.getvalue()


def gzip_bomb(decompressed: int, ctype: str = "application/pdf") -> Handler:
    def h(conn: Conn, req: Request, n: int) -> None:
        data = bomb_bytes(decompressed)
        if conn.head(
            200, {"Content-Type": ctype, "Content-Encoding": "gzip", "Content-Length": str(len(data))}
        ):
            conn.send(data)

    return h


def gzipped(body: bytes, ctype: str = HTML) -> Handler:
    """A legitimate gzip-encoded answer (must be stored decoded)."""

    def h(conn: Conn, req: Request, n: int) -> None:
        data = gzip.compress(body, mtime=0)
        if conn.head(
            200, {"Content-Type": ctype, "Content-Encoding": "gzip", "Content-Length": str(len(data))}
        ):
            conn.send(data)

    return h


def oversize_declared(size: int) -> Handler:
    """Content-Length above the cap; a little body, then close."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if conn.head(200, {"Content-Type": "application/pdf", "Content-Length": str(size)}):
            conn.send(b"%PDF-1.4\n" + b"0" * 65536)

    return h


def oversize_chunked(size: int) -> Handler:
    """No Content-Length: chunked, ``size`` bytes in 256 KiB chunks (stops when the peer leaves)."""

    def h(conn: Conn, req: Request, n: int) -> None:
        if not conn.head(200, {"Content-Type": "application/pdf", "Transfer-Encoding": "chunked"}):
            return
        chunk = b"%PDF" + b"1" * (256 * 1024 - 4)
        sent = 0
        while sent < size and not conn.server.stopping.is_set():
            if not conn.send(b"%x\r\n" % len(chunk) + chunk + b"\r\n"):
                return
            sent += len(chunk)
        conn.send(b"0\r\n\r\n")

    return h


def redirect(location: str | Callable[[Request, int], str], code: int = 302) -> Handler:
    def h(conn: Conn, req: Request, n: int) -> None:
        loc = location(req, n) if callable(location) else location
        conn.respond(code, b"", "text/html", Location=loc)

    return h


# --- the fault site -------------------------------------------------------------
COL = "/fault/col/"
SUB_GBK = COL + "gbk/"  # a GBK list page declared utf-8 in the header
SUB_NODECL = COL + "nodecl/"  # a GBK list page with no charset anywhere


def report_title(name: str) -> str:
    return f"重庆市故障区{name}2024年政府信息公开工作年度报告"


def report_html(name: str, links: list[tuple[str, str]] = (), *, meta: bool = True, pad: int = 2000) -> str:
    a = "".join(f'<p><a href="{h}">{t}</a></p>' for h, t in links)
    head = '<meta charset="utf-8">' if meta else ""
    return (f"<html><head>{head}<meta name=\"ArticleTitle\" content=\"{report_title(name)}\"><title>{report_title(name)}"
            f"</title></head><body><h1>{report_title(name)}</h1><table><tr><td>收到申请数</td><td>12</td></tr></table>"
            f"{a}<!-- {'填充' * pad} --></body></html>")  # fmt: skip


def list_html(items: list[tuple[str, str]], subs: list[tuple[str, str]] = (), pages: int = 0, current: int = 0,
              meta: str | None = "utf-8") -> str:  # fmt: skip
    lis = "".join(f'<li><a href="{h}" title="{t}">{t}</a><span>2025-01-20</span></li>' for h, t in items)
    nav = "".join(f'<a href="{h}">{t}</a>' for h, t in subs)
    script = f'<script>createPageHTML({pages}, {current}, "index", "html");</script>' if pages else ""
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return (f"<html><head>{head}<title>政府信息公开年报</title></head><body><div class=\"sub\">{nav}</div>"
            f"<ul class=\"list\">{lis}</ul><div class=\"page\">{script}</div></body></html>")  # fmt: skip


@dataclass
class Fault:
    kind: str  # the fault family, for the report's "faults injected" count
    path: str  # the address that carries it
    expect: str  # "stored" (retried/decoded through) | "error" (surfaced, nothing stored) | "refused"
    injected: int = 1  # fault answers served (for transient faults: how many before success)
    note: str = ""
    body: bytes | None = None  # for "stored": the exact bytes that must be archived


@dataclass
class SiteSpec:
    faults: list[Fault] = field(default_factory=list)
    expected_docs: set[str] = field(default_factory=set)  # paths that must be stored
    max_pages: int = 20
    pages_claimed: int = 100_000
    forbidden_targets: list[str] = field(default_factory=list)  # private/off-host addresses pointed at


PRIVATE_TARGETS = (
    "http://10.0.0.1/internal.html",
    "http://192.168.1.1/admin",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/x",
    "http://[::ffff:10.0.0.1]/x",
    "http://localhost./x",
    "http://2130706433/x",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/x",
)


def fault_site(server: FaultServer, other: FaultServer | None = None, *, scale: float = 1.0,
               bomb: int = 200 * 1024 * 1024, oversize: int = 60 * 1024 * 1024,
               drip_interval: float = 0.25, max_pages: int = 20) -> SiteSpec:  # fmt: skip
    """Install the fault column on ``server``; ``other`` is an off-domain server (127.0.0.2) nobody may reach.

    ``bomb``/``oversize`` are decompressed / streamed sizes; they must exceed the crawler's max body."""
    spec = SiteSpec(max_pages=max_pages)
    r = server.routes
    items: list[tuple[str, str]] = []
    n = 0

    def add(kind: str, name: str, handler_for: Callable[[bytes], Handler], expect: str, injected: int = 1,
            note: str = "", body: bytes | None = None, listed: bool = True) -> str:  # fmt: skip
        nonlocal n
        n += 1
        path = f"{COL}202501/t20250120_{n}.html"
        page = body if body is not None else report_html(name).encode()
        r[path] = handler_for(page)
        if listed:
            items.append((f"./202501/t20250120_{n}.html", report_title(name)))
        spec.faults.append(Fault(kind, path, expect, injected, note, page if expect == "stored" else None))
        if expect == "stored":
            spec.expected_docs.add(path)
        return path

    good = ok

    # 5xx bursts, then the page; and a server that never recovers
    add("5xx burst", "重试甲", lambda b: burst([503, 500, 502], good(b)), "stored", 3)
    add("5xx burst", "重试乙", lambda b: status(503), "error", 4, "503 on every attempt")
    # 429 with Retry-After as seconds and as an HTTP-date
    add(
        "429 Retry-After seconds",
        "限流甲",
        lambda b: first(1, status(429, Retry_After="1"), good(b)),
        "stored",
    )
    add("429 Retry-After date", "限流乙", lambda b: first(1, retry_after_date(2), good(b)), "stored")
    # slow drip (only the whole-exchange timeout ends it) and a stalled body (read timeout)
    add("slow drip", "慢速甲", lambda b: drip(drip_interval), "error")
    add("stalled body", "慢速乙", lambda b: stall(), "error")
    # connection reset mid-body, once and always
    add("reset mid-body", "重置甲", lambda b: first(2, reset_mid_body(b), good(b)), "stored", 2)
    add("reset mid-body", "重置乙", lambda b: reset_mid_body(b), "error", 4)
    # bodies shorter than their Content-Length
    add("short body", "截断甲", lambda b: first(1, short_body(b), good(b)), "stored")
    add("short body", "截断乙", lambda b: short_body(b), "error", 4)
    # charset: GBK bytes declared utf-8, and GBK with no declaration at all; both must still lead to their file
    for name, kind, decl in (("编码甲", "wrong charset", "text/html; charset=utf-8"),
                             ("编码乙", "absent charset", "text/html")):  # fmt: skip
        att = f"{COL}202501/P020250120_{n + 1}.pdf"
        att_body = f"%PDF-1.4\n% {name}\n".encode()
        r[att] = ok(att_body, "application/pdf")
        spec.expected_docs.add(att)
        page = report_html(name, [(att.rsplit("/", 1)[1], f"{name}附件.pdf")], meta=False).encode("gb18030")
        add(kind, name, lambda b, decl=decl: ok(b, decl), "stored", body=page)
    # gzip: a legitimate encoded page, and a bomb (small on the wire, huge inflated)
    add("gzip page", "压缩甲", lambda b: gzipped(b), "stored", 0)
    add("gzip bomb", "压缩乙", lambda b: gzip_bomb(bomb, HTML), "error",
        note=f"{len(bomb_bytes(bomb)) // 1024} KiB → {bomb >> 20} MiB")  # fmt: skip
    # bodies over the size cap, declared and streamed
    add("over size cap (declared)", "超大甲", lambda b: oversize_declared(oversize), "error")
    add("over size cap (streamed)", "超大乙", lambda b: oversize_chunked(oversize), "error")
    # redirect loops: two pages pointing at each other, and one pointing at itself with a growing query
    loop_a = add("redirect loop", "循环甲", lambda b: redirect(f"{COL}loop/b.html"), "error")
    r[f"{COL}loop/b.html"] = redirect(loop_a)
    add("redirect loop", "循环乙",
        lambda b: redirect(lambda req, k: req.target.split("?")[0] + f"?k={k}"), "error")  # fmt: skip
    # redirects to private addresses (must be refused before any connection)
    for i, target in enumerate(PRIVATE_TARGETS):
        add("redirect to private address", f"私网{'甲乙丙丁戊己庚辛'[i]}", lambda b, t=target: redirect(t), "refused",
            note=target)  # fmt: skip
        spec.forbidden_targets.append(target)
    # off-domain hosts on the loopback range: a redirect and an attachment link to 127.0.0.2
    if other is not None:
        other.routes["/stolen.html"] = ok(report_html("外站").encode())
        other.routes["/x.pdf"] = ok(b"%PDF-1.4 other host\n", "application/pdf")
        add("redirect off domain", "外站甲", lambda b: redirect(other.url("/stolen.html")), "refused",
            note=other.url("/stolen.html"))  # fmt: skip
        page = report_html("外站乙", [(other.url("/x.pdf"), "外站附件.pdf")]).encode()
        add("link off domain", "外站乙", lambda b: ok(b), "stored", 0, body=page)
        spec.forbidden_targets.append(other.url("/x.pdf"))
    # the same address with fragments and query noise: one document (and its attachment: one file)
    att = f"{COL}202501/P020250120_noise.pdf"
    r[att] = ok(b"%PDF-1.4\n% noise annex\n", "application/pdf")
    spec.expected_docs.add(att)
    noisy_links = [
        (att.rsplit("/", 1)[1] + s, "附件.pdf") for s in ("", "#page=2", "?utm_source=wx&utm_medium=m")
    ]
    noise = add("fragment/query noise", "噪声", lambda b: ok(b), "stored", 3,
                body=report_html("噪声", noisy_links).encode())  # fmt: skip
    rel = "./202501/" + noise.rsplit("/", 1)[1]
    items += [(rel + "#top", report_title("噪声")), (rel + "?from=list", report_title("噪声")),
              (rel + "?utm_source=weibo&utm_medium=social&utm_campaign=nb", report_title("噪声"))]  # fmt: skip

    # the column: page 1 lists every report and two GBK sub-columns, and claims 100,000 pages
    subs = [("gbk/", "编码子栏目"), ("nodecl/index.html", "无声明子栏目")]
    r[COL] = r[COL + "index.html"] = ok(list_html(items, subs, spec.pages_claimed, 0).encode())
    spec.faults.append(Fault("endless pagination", COL + "index_N.html", "bounded",
                             spec.pages_claimed - 1, f"createPageHTML({spec.pages_claimed}, …)"))  # fmt: skip

    def page_n(conn: Conn, req: Request, k: int) -> None:
        num = req.path.rsplit("_", 1)[-1].split(".")[0]
        body = list_html([], [], spec.pages_claimed, int(num) if num.isdigit() else 0).encode()
        conn.respond(200, body)

    server.patterns.append((re.compile(re.escape(COL) + r"index_\d+\.html"), page_n))
    # the GBK sub-columns each list one report
    for sub, name, ctype, meta in ((SUB_GBK, "子栏目甲", "text/html; charset=utf-8", None),
                                   (SUB_NODECL, "子栏目乙", "text/html", None)):  # fmt: skip
        path = f"{sub}202501/t20250121_{len(spec.expected_docs) + 900}.html"
        body = report_html(name, meta=False).encode("gb18030")
        r[path] = ok(body, ctype)
        listing = list_html([("./202501/" + path.rsplit("/", 1)[1], report_title(name))], meta=meta)
        r[sub] = r[sub + "index.html"] = ok(listing.encode("gb18030"), ctype)
        spec.expected_docs.add(path)
        spec.faults.append(Fault("wrong charset" if "utf-8" in ctype else "absent charset", sub, "stored",
                                 note="GBK list page", body=body))  # fmt: skip
        spec.faults[-1].path = path
    r["/robots.txt"] = lambda c, q, k: c.respond(404, b"", "text/plain")
    return spec


def registry_csv(server: FaultServer, max_pages: int, delay: str = "0", per_host: str = "4") -> str:
    cols = "id,district,agency,level,start_url,cms,allow_private,delay,per_host,max_pages,max_depth,allowed_domains,note"
    row = (f"fault-site,故障区,,district,{server.url(COL + 'index.html')},trs,true,{delay},{per_host},{max_pages},2,,"
           "fault harness")  # fmt: skip
    return cols + "\n" + row + "\n"
