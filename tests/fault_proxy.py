"""A loopback HTTP relay in front of a real server that fails chosen requests, for the fault tests.

Every request is passed to the real server unchanged, unless ``fault(request)`` says otherwise:
an HTTP status (the relay answers with it; for a status of 500 or more it first passes the request
on, so the server did the work and the client still sees an error), ``"kill"`` (the relay sends
the server the headers and half the body, kills the server, and drops the client's connection) or
``"kill-after-send"`` (the same with the whole body: the server is killed while it works on it).
"""

import http.client
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes


class FaultProxy:
    """Relay ``http://127.0.0.1:<port>/…`` to ``upstream`` (``http://host:port``), failing what ``fault`` picks."""

    def __init__(self, upstream: str, fault: Callable[[Request], int | str | None], kill: Callable[[], None] = None):
        self.upstream = urlsplit(upstream)
        self.fault = fault
        self.kill = kill
        self.seen: list[Request] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                proxy.relay(self)

            do_POST = do_PUT = do_DELETE = do_GET

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, real_url: str) -> str:
        """The relayed form of a URL of the real server."""
        parts = urlsplit(real_url)
        return self.base + parts.path + (f"?{parts.query}" if parts.query else "")

    def relay(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        request = Request(handler.command, handler.path, body)
        self.seen.append(request)
        action = self.fault(request)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=300)
        if action in ("kill", "kill-after-send"):
            upstream.putrequest(request.method, request.path, skip_host=True)
            upstream.putheader("Host", f"{self.upstream.hostname}:{self.upstream.port}")
            for name, value in headers.items():
                upstream.putheader(name, value)
            upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body if action == "kill-after-send" else body[: len(body) // 2])
            self.kill()
            upstream.close()
            handler.close_connection = True          # no answer at all: the client sees a dropped connection
            return
        if isinstance(action, int) and action < 500:
            self.answer(handler, action, b"injected fault", {"Content-Type": "text/plain"})
            return
        upstream.request(request.method, request.path, body=body, headers=headers)
        response = upstream.getresponse()
        payload = response.read()
        upstream.close()
        if isinstance(action, int):
            self.answer(handler, action, b"Injected server error\n", {"Content-Type": "text/plain"})
            return
        passed = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
        self.answer(handler, response.status, payload, passed)

    @staticmethod
    def answer(handler: BaseHTTPRequestHandler, status: int, payload: bytes, headers: dict) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(payload)
        handler.close_connection = True
