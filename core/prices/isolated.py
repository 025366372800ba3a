"""Run a price provider in a worker process under a deadline of our own.

yfinance can hang for minutes on a dead connection whatever timeout it is given. The
provider therefore lives in a child process; a call that overruns its deadline is
abandoned, the child is killed, and every ticker of the call fails with the reason. The
next call starts a fresh child. The caller never waits longer than the deadline (plus the
moment it takes to kill a process), and quitting never waits for the network.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from core.domain.prices import BarsResult, IntradayResult, QuotesResult

DEFAULT_DEADLINE = 20.0


def _serve(factory: Callable[[], Any], conn) -> None:
    """The child: build the provider once, then answer (method, args) requests forever."""
    provider = factory()
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        method, args = request
        try:
            conn.send(("ok", getattr(provider, method)(*args)))
        except Exception as exc:  # a provider bug: report it, keep serving
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class IsolatedProvider:
    """A PriceProvider that forwards to `factory()` in a child process, with a deadline."""

    def __init__(
        self,
        factory: Callable[[], Any],
        deadline: float = DEFAULT_DEADLINE,
        name: str = "yahoo",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.factory = factory
        self.deadline = deadline
        self.name = name
        self._clock = clock
        self._ctx = mp.get_context("spawn")  # never fork a process that runs Qt threads
        self._proc = None
        self._conn = None
        self._lock = threading.Lock()  # one request at a time per child

    def daily_bars(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> BarsResult:
        return self._call("daily_bars", (list(tickers), start, end), BarsResult.all_failed,
                          tickers)  # fmt: skip

    def quotes(self, tickers: Sequence[str]) -> QuotesResult:
        return self._call("quotes", (list(tickers),), QuotesResult.all_failed, tickers)

    def intraday(self, tickers: Sequence[str]) -> IntradayResult:
        return self._call("intraday", (list(tickers),), IntradayResult.all_failed, tickers)

    def _call(self, method: str, args: tuple, failed: Callable, tickers: Sequence[str]):
        with self._lock:
            start = self._clock()
            try:
                conn = self._ensure_child()
                conn.send((method, args))
                remaining = self.deadline - (self._clock() - start)
                if remaining <= 0 or not conn.poll(remaining):
                    self._kill()
                    return failed(
                        tickers,
                        f"no answer from {self.name} within {self.deadline:g} s; abandoned",
                    )
                status, value = conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._kill()
                return failed(tickers, f"price worker stopped ({type(exc).__name__})")
            if status == "error":
                return failed(tickers, value)
            return value

    def _ensure_child(self):
        if self._proc is not None and self._proc.is_alive():
            return self._conn
        self._kill()
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_serve, args=(self.factory, child), name="stakewatch-prices", daemon=True
        )
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        return parent

    def _kill(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            conn.close()
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=2)

    def close(self) -> None:
        """Kill the child now, even mid-request (the waiting call then fails at once)."""
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()
