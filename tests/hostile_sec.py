"""A local EDGAR/OpenFIGI (127.0.0.1) that misbehaves on purpose: bodies that trickle a
byte a second or never end, a Content-Length of 2 GiB, redirects to another host, raw JSON
of any shape, OpenFIGI listings holding escapes, and a second host that records what
reaches it. Everything else it answers exactly as tests/fake_sec.py does."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fake_sec import FakeSec, _handler

GIB2 = 2 * 2**30


@dataclass(frozen=True)
class Play:
    """How one path is answered: `kind` is trickle, endless, huge_length, redirect, raw."""

    kind: str
    location: str = ""  # redirect: where to
    status: int = 200  # redirect: 301/302/303/307/308; raw: the status
    body: bytes = b""  # raw: the body


class Elsewhere:
    """Another host: answers 200 to anything and records each request's headers."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _answer(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                outer.seen.append((self.command, self.path, dict(self.headers.items())))
                body = b"[]"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        # "localhost", not 127.0.0.1: another host name, so another origin to the client.
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://localhost:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HostileSec(FakeSec):
    """FakeSec plus `plays` (path -> Play) and `figi_raw` (CUSIP -> the raw answer item)."""

    def __init__(self) -> None:
        super().__init__()
        self.plays: dict[str, Play] = {}
        self.figi_raw: dict[str, object] = {}
        self.bytes_sent: dict[str, int] = {}
        self.elsewhere = Elsewhere()
        self.server.RequestHandlerClass = _hostile_handler(self)
        # A client that hangs up mid-answer is what these tests want: noted, not printed
        # (socketserver would print a traceback into the stderr a test reads).
        self.server_errors: list[str] = []
        self.server.handle_error = lambda _req, _addr: self.server_errors.append(
            repr(sys.exc_info()[1]))  # fmt: skip

    def close(self) -> None:
        super().close()
        self.elsewhere.close()

    # -- programming it -------------------------------------------------------------------
    def trickle(self, path: str) -> None:
        self.plays[path] = Play("trickle")

    def endless(self, path: str) -> None:
        self.plays[path] = Play("endless")

    def huge_length(self, path: str) -> None:
        self.plays[path] = Play("huge_length")

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.plays[path] = Play("redirect", location=location, status=status)

    def raw(self, path: str, body: bytes | str, status: int = 200) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.plays[path] = Play("raw", status=status, body=data)

    def raw_json(self, path: str, data: object) -> None:
        self.raw(path, json.dumps(data))


def _hostile_handler(fake: HostileSec):
    base = _handler(fake)

    class Handler(base):
        def _play(self) -> bool:
            """Play this path's misbehaviour; False when the fake's answer is wanted."""
            play = fake.plays.get(self.path)
            if play is None:
                return False
            self._begin()  # logged like any request
            with contextlib.suppress(OSError):  # the client hung up: what it should do
                getattr(self, "_" + play.kind)(play)
            return True

        def _count(self, n: int) -> None:
            with fake._lock:
                fake.bytes_sent[self.path] = fake.bytes_sent.get(self.path, 0) + n

        def _trickle(self, _play: Play) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(10**6))
            self.end_headers()
            self.wfile.write(b"{")
            while not fake.released.wait(1.0):  # one byte a second, for ever
                self.wfile.write(b" ")
                self.wfile.flush()
                self._count(1)

        def _endless(self, _play: Play) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")  # no length: the body ends when we do
            self.end_headers()
            chunk = b'["endless", ' * 5000
            while not fake.released.is_set():
                self.wfile.write(chunk)
                self._count(len(chunk))
            self.close_connection = True

        def _huge_length(self, _play: Play) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(GIB2))
            self.end_headers()
            chunk = b"x" * 65536
            end = time.monotonic() + 60
            while not fake.released.is_set() and time.monotonic() < end:
                self.wfile.write(chunk)
                self._count(len(chunk))

        def _redirect(self, play: Play) -> None:
            self.send_response(play.status)
            self.send_header("Location", play.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _raw(self, play: Play) -> None:
            self._send(play.status, play.body)

        def do_GET(self) -> None:
            if not self._play():
                super().do_GET()

        def do_POST(self) -> None:
            if self.path == "/v3/mapping" and fake.figi_raw and self.path not in fake.plays:
                self._figi_raw()
                return
            if self.path in fake.plays:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._play()
                return
            super().do_POST()

        def _figi_raw(self) -> None:
            """OpenFIGI's answer with the programmed raw items in place of the real ones."""
            jobs = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self._begin(len(jobs))
            out = []
            for job in jobs:
                cusip = job.get("idValue")
                if cusip in fake.figi_raw:
                    out.append(fake.figi_raw[cusip])
                elif cusip in fake.figi:
                    out.append({"data": fake.figi[cusip]})
                else:
                    out.append({"warning": "No identifier found."})
            self._json(out)

    return Handler
