"""Serve the demo portal on 127.0.0.1 (an ephemeral port), one thread per request.

Directory addresses answer with their ``index.html``, as TRS sites do; the blocked
report answers HTTP 412 with its ``$_ts`` challenge; anything else unknown is 404.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .portal import Resource


class DemoServer:
    def __init__(self, site: dict[str, Resource], host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.requests: list[tuple[str, int]] = []  # (path, status), in arrival order
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "DemoTRS/1.0"

            def _answer(self, with_body: bool) -> None:
                path = unquote(urlsplit(self.path).path) or "/"
                res = server.site.get(path)
                if res is None and path.endswith("/"):
                    res = server.site.get(path + "index.html")
                if res is None:
                    res = Resource(
                        b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8", 404
                    )
                server.requests.append((path, res.status))
                self.send_response(res.status)
                self.send_header("Content-Type", res.content_type)
                self.send_header("Content-Length", str(len(res.body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(res.body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(False)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="demo-portal", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
