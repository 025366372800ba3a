"""One HTTP exchange under a wall: a watchdog closes the socket when the deadline passes,
every read waits at most the time left, and a body past its size cap is cut off."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from typing import BinaryIO
from urllib.parse import urlsplit

CHUNK = 1 << 16
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Redirected(Exception):
    def __init__(self, status: int, location: str | None) -> None:
        super().__init__(status)
        self.status = status
        self.location = location


class StatusError(Exception):
    def __init__(self, status: int, headers) -> None:
        super().__init__(status)
        self.status = status
        self.headers = headers


class TooLarge(Exception):
    """The answer passed its cap (announced or while reading); the message says which."""


class WallReached(Exception):
    """The watchdog closed the connection: the deadline (or a cancel) came first."""


class _Watchdog:
    """Shuts the connection's socket at the deadline or on cancel, so no read outlives it
    (a server trickling one byte a second never lets a per-read timeout fire)."""

    def __init__(self, conn: http.client.HTTPConnection, deadline, limit: float) -> None:
        self.conn = conn
        self.fired = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        left = min(deadline.remaining(), limit)
        self._unhook = deadline.on_cancel(self.fire)
        if left != float("inf"):
            self._timer = threading.Timer(left, self.fire)
            self._timer.daemon = True  # never holds the process open
            self._timer.start()

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            sock = self.conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._unhook()


def _bounded_connect(wait: float):
    """socket.create_connection whose name lookup waits at most `wait` seconds: a lookup has
    no socket a watchdog could shut, so it runs on a daemon thread that is left behind if
    the resolver does not answer (an address given as digits needs no lookup)."""

    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT,
                          source_address=None, **_kwargs):  # fmt: skip
        host, port = address
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return socket.create_connection((host, port), timeout, source_address)
        error: OSError = OSError(f"{host}: no address")
        for ip in _resolve(host, port, wait):  # each address in turn, as create_connection
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                error = exc
        raise error

    return create_connection


def _resolve(host: str, port: int, wait: float) -> list[str]:
    found: list = []
    done = threading.Event()

    def look_up() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            found.append(exc)
        finally:
            done.set()

    threading.Thread(target=look_up, name="resolve", daemon=True).start()
    if not done.wait(max(0.0, wait)):
        raise TimeoutError(f"looking up {host} took more than {wait:.1f} s")
    if found and isinstance(found[0], OSError):
        raise found[0]
    return list(dict.fromkeys(info[4][0] for info in found))


def exchange(method: str, url: str, body: bytes | None, headers: dict[str, str], deadline,
             timeout: float, sink: BinaryIO, cap: int,
             limit: float | None = None) -> int:  # fmt: skip
    """Send one request and stream a 2xx body into `sink` (at most `cap` bytes); returns the
    body's size. Each read waits at most `timeout`; the whole exchange ends by the deadline
    or after `limit` seconds, whichever comes first. Raises Redirected, StatusError,
    TooLarge, WallReached, TimeoutError, OSError or http.client.HTTPException."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise http.client.InvalidURL(f"not an http(s) address: {url[:100]!r}")
    per_read = max(0.05, min(timeout, deadline.remaining()))
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=per_read, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=per_read)
    conn._create_connection = _bounded_connect(  # type: ignore[attr-defined]
        min(deadline.remaining(), float("inf") if limit is None else limit))
    dog = _Watchdog(conn, deadline, float("inf") if limit is None else limit)
    try:
        try:
            target = parts.path or "/"
            conn.request(method, target + (f"?{parts.query}" if parts.query else ""),
                         body=body, headers=headers)  # fmt: skip
            resp = conn.getresponse()
            if resp.status in REDIRECTS:
                raise Redirected(resp.status, resp.getheader("Location"))
            if not 200 <= resp.status < 300:
                raise StatusError(resp.status, resp.headers)
            announced = (resp.getheader("Content-Length") or "").strip()
            if announced.isdigit() and int(announced) > cap:
                raise TooLarge(f"the answer would be {int(announced):,} bytes, more than the "
                               f"{_mib(cap)} limit")  # fmt: skip
            size = 0
            while True:
                left = deadline.remaining()
                if left <= 0 or dog.fired:
                    raise WallReached
                if conn.sock is not None:
                    conn.sock.settimeout(max(0.05, min(timeout, left)))
                chunk = resp.read1(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise TooLarge(f"the answer is larger than the {_mib(cap)} limit")
                sink.write(chunk)
            if dog.fired:  # the socket was shut under the read: the body is cut, not whole
                raise WallReached
            return size
        except (OSError, http.client.HTTPException, ValueError):
            if dog.fired:
                raise WallReached from None
            raise
    finally:
        dog.stop()
        conn.close()


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"
