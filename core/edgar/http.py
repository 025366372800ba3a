"""HTTP with manners: a shared rate limiter, a declared User-Agent, retries that honour
Retry-After, and a deadline no request may outlive."""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import json
import random
import re
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from core.edgar.transport import (
    Redirected,
    StatusError,
    TooLarge,
    WallReached,
    exchange,
)

CONTACT_ENV = "STAKEWATCH_SEC_CONTACT"
CONTACT_HELP = (
    "set a contact (your name and e-mail) with: stakewatch settings sec_contact "
    f"\"Jane Doe jane@example.com\" (or ${CONTACT_ENV})"
)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Caps on what an answer may hold, checked on the announced length and while reading:
# EDGAR's largest JSON (a big filer's company facts) is a few tens of MiB; a document is
# held to the importer's own cap for any one file.
MAX_JSON = 64 * 2**20
MAX_DOCUMENT = 512 * 2**20
MAX_REDIRECTS = 3


class HttpError(Exception):
    """A request that failed for good (after retries, or past the deadline); says why."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


class MissingContactError(ValueError):
    """No declared contact: SEC hosts refuse anonymous clients, so nothing is sent."""


def check_contact(contact: str | None) -> str:
    """The contact as it goes into the User-Agent, or MissingContactError saying how to set it."""
    text = " ".join((contact or "").split())
    if not text:
        raise MissingContactError(f"EDGAR needs to know who is asking: {CONTACT_HELP}")
    if not text.isascii() or not _EMAIL.search(text) or len(text) > 200:
        raise MissingContactError(
            f"the SEC contact {text!r} needs a name and an e-mail address in plain ASCII: "
            + CONTACT_HELP
        )
    return text


def user_agent(version: str, contact: str) -> str:
    return f"Stakewatch/{version} {check_contact(contact)}"


def stakewatch_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakewatch")
    except PackageNotFoundError:
        return "0"


class RateLimiter:
    """At most `limit` requests in any `window` seconds, across every thread that shares it.

    A request counts from the moment it is let through until `window` seconds after its
    answer arrived: whenever the server sees it arrive, it lies inside that span, so no
    thread scheduling delay can squeeze more than `limit` arrivals into any window."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._finished: deque[float] = deque()  # answer times, oldest first
        self._in_flight = 0
        self._cond = threading.Condition()
        self.waited = 0.0  # seconds callers spent waiting (for honest benchmarks)

    def reset(self) -> None:
        """Forget past requests (between independent runs, e.g. tests)."""
        with self._cond:
            self._finished.clear()
            self.waited = 0.0

    def acquire(self, deadline: Deadline | None = None) -> float:
        """Wait for a slot; returns the seconds waited. Pair with release()."""
        began = time.monotonic()
        with self._cond:
            while True:
                now = time.monotonic()
                while self._finished and now - self._finished[0] >= self.window:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) < self.limit:
                    self._in_flight += 1
                    waited = now - began
                    self.waited += waited
                    return waited
                pause = self._finished[0] + self.window - now if self._finished else 1.0
                left = deadline.remaining() if deadline is not None else float("inf")
                if left <= 0 or (self._finished and left < pause):
                    raise HttpError("deadline reached while waiting for the rate limit")
                self._cond.wait(min(pause, left))

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._finished.append(time.monotonic())
            self._cond.notify_all()


# EDGAR's fair-access rule is 10 requests a second per client: one limiter for the whole
# process, whichever thread asks.
SEC_LIMITER = RateLimiter(10, 1.0)


@dataclass
class Deadline:
    """A point in time (monotonic) past which no request may run; None means no limit."""

    seconds: float | None
    start: float = field(default_factory=time.monotonic)
    cancelled: threading.Event = field(default_factory=threading.Event)
    _hooks: dict[int, Callable[[], None]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remaining(self) -> float:
        if self.cancelled.is_set():
            return 0.0
        if self.seconds is None:
            return float("inf")
        return max(0.0, self.start + self.seconds - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def cancel(self) -> None:
        """Stop: every request still running under this deadline has its socket shut."""
        self.cancelled.set()
        with self._lock:
            hooks = list(self._hooks.values())
        for hook in hooks:
            hook()

    def on_cancel(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call `hook` on cancel (at once if cancelled already); returns its remover."""
        key = id(hook)
        with self._lock:
            self._hooks[key] = hook
        if self.cancelled.is_set():
            hook()

        def remove() -> None:
            with self._lock:
                self._hooks.pop(key, None)

        return remove

    def share(self, fraction: float) -> Deadline:
        """A deadline for one part of the work: `fraction` of the time left (or none)."""
        if self.seconds is None:
            return Deadline(None)
        part = Deadline(self.remaining() * fraction)
        self.on_cancel(part.cancel)  # note: held until this deadline is dropped
        return part


def _retry_after(headers) -> float | None:
    """Seconds from Retry-After (delta or HTTP date) or OpenFIGI's ratelimit-reset."""
    raw = headers.get("Retry-After") or headers.get("ratelimit-reset")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpClient:
    """GET/POST with a shared limiter, fixed headers, retries, size caps and a deadline.

    Redirects are followed only to the same scheme and host (at most MAX_REDIRECTS hops,
    each a request the limiter counts), so a key or contact header never reaches another
    host."""

    def __init__(
        self,
        headers: dict[str, str],
        limiter: RateLimiter,
        *,
        retries: int = 4,
        timeout: float = 30.0,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        max_json: int = MAX_JSON,
        max_download: int = MAX_DOCUMENT,
        request_limit: float | None = None,
    ) -> None:
        self.headers = dict(headers)
        self.limiter = limiter
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.sleep = sleep
        self.max_json = max_json
        self.max_download = max_download
        self.request_limit = request_limit  # seconds for a whole request (None: the deadline)
        self.requests = 0
        self._count_lock = threading.Lock()

    def get_json(self, url: str, deadline: Deadline) -> object:
        return self._json_request("GET", url, None, deadline, None)

    def post_json(self, url: str, payload: object, deadline: Deadline,
                  headers: dict[str, str] | None = None) -> object:  # fmt: skip
        body = json.dumps(payload).encode()
        extra = {"Content-Type": "application/json", **(headers or {})}
        return self._json_request("POST", url, body, deadline, extra)

    def download(self, url: str, target: Path, deadline: Deadline) -> int:
        """Stream the body into `target` (at most max_download bytes); returns its size."""
        def open_sink():
            return open(target, "wb")

        try:
            return self._request("GET", url, None, deadline, open_sink, self.max_download)
        except HttpError:
            target.unlink(missing_ok=True)  # a cut or refused body is not left behind
            raise

    def _json_request(self, method, url, body, deadline, extra) -> object:
        # Spooled: a big answer goes to the temporary folder while it arrives, not to memory.
        with tempfile.SpooledTemporaryFile(max_size=1 << 20, prefix="stakewatch-") as sink:

            def fresh_sink():
                sink.seek(0)
                sink.truncate()  # a retry starts over
                return contextlib.nullcontext(sink)

            self._request(method, url, body, deadline, fresh_sink, self.max_json, extra)
            sink.seek(0)
            try:
                return json.load(sink)
            except (ValueError, UnicodeDecodeError):
                raise HttpError("the answer was not JSON") from None
            except RecursionError:
                raise HttpError("the answer is JSON nested too deeply") from None

    def _request(self, method, url, body, deadline: Deadline, open_sink, cap: int,
                 extra: dict[str, str] | None = None) -> int:  # fmt: skip
        attempt = 0
        hops = 0
        origin = _origin(url)
        while True:
            attempt += 1
            if deadline.expired():
                raise HttpError(_deadline_reason(deadline))
            self.limiter.acquire(deadline)
            with self._count_lock:
                self.requests += 1
            wait = None
            try:
                try:
                    headers = {**self.headers, **(extra or {})}
                    with open_sink() as sink:
                        return exchange(method, url, body, headers, deadline, self.timeout,
                                        sink, cap, self.request_limit)  # fmt: skip
                finally:
                    self.limiter.release()
            except Redirected as exc:
                hops += 1
                url = _follow(origin, url, exc, hops)
                if exc.status == 303:
                    method, body = "GET", None
                attempt -= 1  # a hop is not a failure: it does not use up a retry
                continue
            except TooLarge as exc:
                raise HttpError(str(exc)) from None
            except WallReached:
                if deadline.expired():
                    raise HttpError(_deadline_reason(deadline)) from None
                raise HttpError(f"not done within {self.request_limit:g}s (a request's own "
                                "time limit)") from None
            except StatusError as exc:
                status = exc.status
                wait = _retry_after(exc.headers)
                if status not in RETRY_STATUSES or attempt > self.retries:
                    raise HttpError(_status_reason(status, attempt), status) from None
                reason = _status_reason(status, attempt)
            except TimeoutError:
                # A server that holds the line this long will not answer the next try in
                # time either: give up at once (the deadline bounds the timeout).
                raise HttpError(f"no answer within {_fmt(deadline, self.timeout)}") from None
            except http.client.InvalidURL as exc:
                raise HttpError(str(exc)) from None
            except (ConnectionError, OSError, http.client.HTTPException) as exc:
                why = str(exc) or type(exc).__name__
                if attempt > self.retries:
                    raise HttpError(f"cannot connect: {why}") from None
                reason = f"cannot connect: {why}"
            pause = wait if wait is not None else self.backoff * 2 ** (attempt - 1)
            pause += random.uniform(0, 0.1) if wait is None else 0.0
            if pause >= deadline.remaining():
                raise HttpError(f"{reason}; retrying after {pause:.0f}s would pass the deadline")
            self.sleep(pause)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _follow(origin, url: str, exc: Redirected, hops: int) -> str:
    """The next hop's address, if it stays on the first request's scheme and host."""
    if not exc.location:
        raise HttpError(f"redirected ({exc.status}) without a Location")
    target = urljoin(url, exc.location.strip())
    if _origin(target) != origin:
        host = urlsplit(target).hostname or target[:60]
        raise HttpError(f"redirected ({exc.status}) to another host ({host}): not followed")
    if hops > MAX_REDIRECTS:
        raise HttpError(f"more than {MAX_REDIRECTS} redirects: not followed")
    return target


def _status_reason(status: int, attempt: int) -> str:
    words = {403: "refused (403)", 404: "not found (404)", 429: "rate limited (429)"}
    text = words.get(status, f"HTTP {status}")
    return text + (f" after {attempt} tries" if attempt > 1 else "")


def _fmt(deadline: Deadline, timeout: float) -> str:
    seconds = timeout if deadline.seconds is None else min(timeout, deadline.seconds)
    return f"{seconds:.1f}s"


def _deadline_reason(deadline: Deadline) -> str:
    if deadline.cancelled.is_set():
        return "cancelled"
    return f"not done within the deadline ({deadline.seconds:g}s)"
