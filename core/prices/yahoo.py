"""Yahoo Finance through yfinance: the only module that imports yfinance or pandas.

Daily bars come from one `yf.download` call per chunk of at most 50 tickers, unadjusted
for dividends (auto_adjust=False) with split events (actions=True). Quotes come from
Yahoo's batch quote endpoint through yfinance's own session (cookie and crumb), one request
for all tickers. The latest session's 1-minute closes come from `Ticker.history(period="1d",
interval="1m")`, one request per ticker. Rate limits are retried with exponential
backoff; everything else that goes wrong for a ticker comes back as its failure reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from core.domain.prices import (
    BarsResult,
    DailyBar,
    IntradayResult,
    Quote,
    QuotesResult,
    Split,
    price_problem,
)

CHUNK = 50
QUOTE_URL = "https://query1.finance.yahoo.com/v7/finance/quote"
PRICE_FIELDS = ("Open", "High", "Low", "Close", "Adj Close", "Volume", "Stock Splits")
_RATE_LIMIT_MARKERS = ("rate limit", "too many requests", "429")


class _ErrorLog(logging.Handler):
    """Collects what yfinance logs about failed downloads ("['TSP']: possibly delisted...")."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().strip())

    def reason_for(self, ticker: str) -> str | None:
        for line in self.lines:
            if f"'{ticker}'" in line and "]:" in line:
                return line.split("]:", 1)[1].strip()
        return None


def _plain(problem: BaseException | str) -> str:
    """A failure reason a person can read, from whatever yfinance or curl raised or said."""
    text = problem if isinstance(problem, str) else f"{type(problem).__name__}: {problem}"
    low = text.lower()
    if ("could not resolve host" in low or "dnserror" in low or "name resolution" in low
            or "network is unreachable" in low):  # fmt: skip
        return "no network: cannot resolve Yahoo's address"
    if "timed out" in low or "timeout" in low:
        return "Yahoo did not answer in time"
    if "connection refused" in low or "couldn't connect" in low or "failed to connect" in low:
        return "cannot connect to Yahoo"
    if _is_rate_limit(text):
        return "rate limited by Yahoo (HTTP 429)"
    text = text.split(" See http", 1)[0]
    return text if len(text) <= 160 else text[:157] + "..."


_NETWORK = ("no network", "cannot connect to Yahoo", "Yahoo did not answer")


def _is_rate_limit(text: str) -> bool:
    low = text.lower()
    return any(m in low for m in _RATE_LIMIT_MARKERS)


def _num(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def frame_to_result(frame: Any, tickers: Sequence[str], source: str = "yahoo") -> BarsResult:
    """Bars and splits per ticker from a yf.download frame, whatever its column shape:
    MultiIndex (Price, Ticker) or (Ticker, Price), or flat columns for one ticker.
    Rows without a close (NaN) are skipped, and so are closes no bar can hold (zero,
    negative, infinite, dated before 1990 or in the future: price_problem); a ticker with
    none left fails."""
    import pandas as pd

    result = BarsResult()
    now = dt.datetime.now(dt.UTC)
    if frame is None or len(frame.index) == 0:
        for t in tickers:
            result.failed[t] = "no price data returned"
        return result
    columns = frame.columns
    for ticker in tickers:
        if isinstance(columns, pd.MultiIndex):
            level = next(
                (i for i in range(columns.nlevels) if ticker in columns.get_level_values(i)),
                None,
            )
            if level is None:
                result.failed[ticker] = "no price data returned"
                continue
            sub = frame.xs(ticker, axis=1, level=level)
        elif len(tickers) == 1:
            sub = frame
        else:
            raise ValueError("flat columns for more than one ticker")
        if "Close" not in sub.columns:
            result.failed[ticker] = "no Close column in Yahoo's answer"
            continue
        bars, splits = [], []
        for stamp, row in sub.iterrows():
            day = pd.Timestamp(stamp).date()
            close = _num(row.get("Close"))
            ratio = _num(row.get("Stock Splits"))
            if ratio:
                splits.append(Split(ticker, day, ratio))
            if close is None or price_problem(close, day, now) is not None:
                continue
            volume = _num(row.get("Volume"))
            bars.append(
                DailyBar(
                    ticker=ticker,
                    date=day,
                    open=_num(row.get("Open")),
                    high=_num(row.get("High")),
                    low=_num(row.get("Low")),
                    close=close,
                    adj_close=_num(row.get("Adj Close")),
                    volume=int(volume) if volume is not None else None,
                    source=source,
                )
            )
        if bars:
            result.bars[ticker] = bars
            result.splits[ticker] = splits
        else:
            result.failed[ticker] = "no prices in the requested range"
    return result


def quotes_from_json(payload: dict, tickers: Sequence[str], source: str = "yahoo") -> QuotesResult:
    """Quotes from Yahoo's v7 quote answer ({"quoteResponse": {"result": [...]}})."""
    out = QuotesResult()
    by_symbol = {
        str(item.get("symbol", "")).upper(): item
        for item in (payload.get("quoteResponse") or {}).get("result") or []
        if isinstance(item, dict)
    }
    for ticker in tickers:
        item = by_symbol.get(ticker.upper())
        price = _num(item.get("regularMarketPrice")) if item else None
        stamp = item.get("regularMarketTime") if item else None
        if item is None or price is None or not isinstance(stamp, int | float):
            out.failed[ticker] = "Yahoo returned no quote" if item is None else (
                "Yahoo's quote has no price or time")  # fmt: skip
            continue
        try:
            when = dt.datetime.fromtimestamp(stamp, dt.UTC)
        except (ValueError, OverflowError, OSError):
            when = dt.datetime.max.replace(tzinfo=dt.UTC)  # refused just below
        why = price_problem(price, when, dt.datetime.now(dt.UTC))
        if why is not None:  # dropped, and counted among the failures with the reason
            out.failed[ticker] = f"Yahoo's quote was dropped: {why}"
            continue
        previous = _num(item.get("regularMarketPreviousClose"))
        currency = item.get("currency")
        out.quotes[ticker] = Quote(
            ticker=ticker,
            price=price,
            previous_close=previous if price_problem(previous, None, when) is None else None,
            currency=currency if isinstance(currency, str) and len(currency) <= 5 else None,
            quote_time=when,
            market_state=item.get("marketState"),
            source=source,
        )
    return out


def minute_points(frame: Any) -> list[tuple[dt.datetime, float]]:
    """(UTC time, close) per row of a 1-minute `Ticker.history` frame (indexed by the
    exchange's local time), oldest first; rows without a close are skipped."""
    import pandas as pd

    if frame is None or len(frame.index) == 0 or "Close" not in frame.columns:
        return []
    out = []
    for stamp, close in zip(frame.index, frame["Close"], strict=True):
        value = _num(close)
        if value is None or price_problem(value, None, dt.datetime.now(dt.UTC)):
            continue
        t = pd.Timestamp(stamp)
        t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
        out.append((t.to_pydatetime(), value))
    out.sort(key=lambda p: p[0])
    return out


class YahooFactory:
    """Builds a YahooProvider inside the price worker process (must be picklable)."""

    def __init__(
        self, cache_dir: str | None = None, timeout: float = 10.0, proxy: str | None = None
    ) -> None:
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.proxy = proxy

    def __call__(self) -> YahooProvider:
        return YahooProvider(cache_dir=self.cache_dir, timeout=self.timeout, proxy=self.proxy)


class YahooProvider:
    """PriceProvider over yfinance. `download` and `fetch_quotes` are injectable so tests
    can replay recorded answers; `sleep` so backoff can run on a fake clock."""

    name = "yahoo"

    def __init__(
        self,
        cache_dir: str | None = None,
        timeout: float = 10.0,
        max_tries: int = 4,
        backoff: float = 2.0,
        download: Callable[..., Any] | None = None,
        fetch_quotes: Callable[[Sequence[str]], dict] | None = None,
        history: Callable[..., Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        proxy: str | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.proxy = proxy
        self.timeout = timeout
        self.max_tries = max_tries
        self.backoff = backoff
        self._download = download
        self._fetch_quotes = fetch_quotes
        self._history = history
        self._sleep = sleep
        self._configured = False

    def _yf(self):
        import yfinance as yf  # heavy (pandas): imported on first use only

        if not self._configured:
            # yfinance logs warnings to stderr by default; failures reach users as results.
            yf_log = logging.getLogger("yfinance")
            yf_log.addHandler(logging.NullHandler())
            yf_log.propagate = False
            warnings.filterwarnings("ignore", module=r"yfinance(\.|$)")
            if self.proxy:
                yf.config.network.proxy = self.proxy
            if self.cache_dir:
                # yfinance keeps timezone, cookie and ISIN caches; keep them in our folder.
                yf.cache.set_cache_location(self.cache_dir)
            self._configured = True
        return yf

    # -- daily bars -----------------------------------------------------------------------
    def daily_bars(self, tickers: Sequence[str], start: dt.date, end: dt.date) -> BarsResult:
        out = BarsResult()
        for i in range(0, len(tickers), CHUNK):
            part = self._bars_chunk(list(tickers[i : i + CHUNK]), start, end)
            out.bars.update(part.bars)
            out.splits.update(part.splits)
            out.failed.update(part.failed)
        return out

    def _bars_chunk(self, tickers: list[str], start: dt.date, end: dt.date) -> BarsResult:
        pending, out = tickers, BarsResult()
        for attempt in range(self.max_tries):
            part, rate_limited = self._download_once(pending, start, end)
            out.bars.update(part.bars)
            out.splits.update(part.splits)
            out.failed.update({t: r for t, r in part.failed.items() if t not in rate_limited})
            pending = [t for t in pending if t in rate_limited]
            if not pending:
                break
            if attempt + 1 < self.max_tries:
                self._sleep(self.backoff * 2**attempt)
        for t in pending:
            out.failed[t] = f"rate limited by Yahoo (HTTP 429) after {self.max_tries} tries"
        return out

    def _download_once(
        self, tickers: list[str], start: dt.date, end: dt.date
    ) -> tuple[BarsResult, set[str]]:
        log = _ErrorLog()
        yf_logger = logging.getLogger("yfinance")
        yf_logger.addHandler(log)
        try:
            download = self._download or self._yf().download
            frame = download(
                tickers, start=start.isoformat(), end=(end + dt.timedelta(days=1)).isoformat(),
                interval="1d", auto_adjust=False, actions=True, progress=False, threads=True,
                timeout=self.timeout, multi_level_index=True, group_by="column",
            )  # fmt: skip
        except Exception as exc:  # the whole request failed: every ticker with this reason
            reason = _plain(exc)
            limited = set(tickers) if _is_rate_limit(f"{type(exc).__name__}: {exc}") else set()
            return BarsResult.all_failed(tickers, reason), limited
        finally:
            yf_logger.removeHandler(log)
        result = frame_to_result(frame, tickers)
        limited = set()
        # yfinance logs a lost connection once and then calls each ticker "possibly
        # delisted": with no network, every ticker should say so, not that it is delisted.
        network = next((r for r in map(_plain, log.lines) if r.startswith(_NETWORK)), None)
        for ticker in list(result.failed):
            said = log.reason_for(ticker)
            if said and _is_rate_limit(said):
                limited.add(ticker)
            if said:
                result.failed[ticker] = _plain(said)
            if network and not result.failed[ticker].startswith(_NETWORK):
                result.failed[ticker] = network
        return result, limited

    # -- quotes ---------------------------------------------------------------------------
    def quotes(self, tickers: Sequence[str]) -> QuotesResult:
        tickers = list(tickers)
        for attempt in range(self.max_tries):
            try:
                payload = (self._fetch_quotes or self._quote_json)(tickers)
            except Exception as exc:
                limited = _is_rate_limit(f"{type(exc).__name__}: {exc}")
                if limited and attempt + 1 < self.max_tries:
                    self._sleep(self.backoff * 2**attempt)
                    continue
                reason = (f"rate limited by Yahoo (HTTP 429) after {self.max_tries} tries"
                          if limited else _plain(exc))  # fmt: skip
                return QuotesResult.all_failed(tickers, reason)
            return quotes_from_json(payload, tickers)
        return QuotesResult.all_failed(tickers, "no answer")  # not reached

    def _quote_json(self, tickers: Sequence[str]) -> dict:
        self._yf()
        from yfinance.data import YfData  # yfinance's session: cookie, crumb, retries

        return YfData().get_raw_json(
            QUOTE_URL, params={"symbols": ",".join(tickers), "formatted": "false"},
            timeout=self.timeout,
        )  # fmt: skip

    # -- today's minutes ------------------------------------------------------------------
    def intraday(self, tickers: Sequence[str]) -> IntradayResult:
        out = IntradayResult()
        for ticker in tickers:
            try:
                frame = (self._history or self._minute_history)(ticker)
            except Exception as exc:  # this ticker failed; the others are still asked
                out.failed[ticker] = _plain(exc)
                continue
            points = minute_points(frame)
            if points:
                out.points[ticker] = points
            else:
                out.failed[ticker] = "no minute bars for the latest session"
        return out

    def _minute_history(self, ticker: str) -> Any:
        return self._yf().Ticker(ticker).history(
            period="1d", interval="1m", auto_adjust=False, actions=False,
            timeout=self.timeout, raise_errors=True,
        )  # fmt: skip

    def close(self) -> None:
        pass
