"""HTTP with manners: a shared rate limiter, a declared User-Agent, retries that honour
Retry-After, and a deadline no request may outlive."""

from __future__ import annotations

import email.utils
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CONTACT_ENV = "STAKEWATCH_SEC_CONTACT"
CONTACT_HELP = (
    "set a contact (your name and e-mail) with: stakewatch settings sec_contact "
    f"\"Jane Doe jane@example.com\" (or ${CONTACT_ENV})"
)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 1 << 16


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

    def remaining(self) -> float:
        if self.cancelled.is_set():
            return 0.0
        if self.seconds is None:
            return float("inf")
        return max(0.0, self.start + self.seconds - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def cancel(self) -> None:
        self.cancelled.set()


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
    """GET/POST with a shared limiter, fixed headers, retries and a deadline."""

    def __init__(
        self,
        headers: dict[str, str],
        limiter: RateLimiter,
        *,
        retries: int = 4,
        timeout: float = 30.0,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.headers = dict(headers)
        self.limiter = limiter
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.sleep = sleep
        self.requests = 0
        self._count_lock = threading.Lock()

    def get_json(self, url: str, deadline: Deadline) -> object:
        return self._json(self._request("GET", url, None, deadline, None))

    def post_json(self, url: str, payload: object, deadline: Deadline,
                  headers: dict[str, str] | None = None) -> object:  # fmt: skip
        body = json.dumps(payload).encode()
        extra = {"Content-Type": "application/json", **(headers or {})}
        return self._json(self._request("POST", url, body, deadline, None, extra))

    def download(self, url: str, target: Path, deadline: Deadline) -> int:
        """Stream the body into `target`; returns its size in bytes."""
        return self._request("GET", url, None, deadline, target)

    @staticmethod
    def _json(data: bytes) -> object:
        try:
            return json.loads(data)
        except ValueError:
            raise HttpError("the answer was not JSON") from None

    def _request(self, method, url, body, deadline: Deadline, target: Path | None,
                 extra: dict[str, str] | None = None):  # fmt: skip
        attempt = 0
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
                    return self._once(method, url, body, deadline, target, extra)
                finally:
                    self.limiter.release()
            except urllib.error.HTTPError as exc:
                status = exc.code
                wait = _retry_after(exc.headers)
                exc.close()
                if status not in RETRY_STATUSES or attempt > self.retries:
                    raise HttpError(_status_reason(status, attempt), status) from None
                reason = _status_reason(status, attempt)
            except TimeoutError:
                # A server that holds the line this long will not answer the next try in
                # time either: give up at once (the deadline bounds the timeout).
                raise HttpError(f"no answer within {_fmt(deadline, self.timeout)}") from None
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                why = getattr(exc, "reason", exc)
                if isinstance(why, TimeoutError):  # timed out while connecting
                    raise HttpError(f"no answer within {_fmt(deadline, self.timeout)}") from None
                if attempt > self.retries:
                    raise HttpError(f"cannot connect: {why}") from None
                reason = f"cannot connect: {why}"
            pause = wait if wait is not None else self.backoff * 2 ** (attempt - 1)
            pause += random.uniform(0, 0.1) if wait is None else 0.0
            if pause >= deadline.remaining():
                raise HttpError(f"{reason}; retrying after {pause:.0f}s would pass the deadline")
            self.sleep(pause)

    def _once(self, method, url, body, deadline: Deadline, target, extra):
        headers = {**self.headers, **(extra or {})}
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        timeout = max(0.05, min(self.timeout, deadline.remaining()))
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if target is None:
                return resp.read()
            size = 0
            with open(target, "wb") as f:
                while chunk := resp.read(CHUNK):
                    if deadline.expired():
                        raise TimeoutError
                    f.write(chunk)
                    size += len(chunk)
            return size


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
