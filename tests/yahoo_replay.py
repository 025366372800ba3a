"""Replays of recorded yfinance answers, for the Yahoo provider's tests (no network)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pandas as pd

YAHOO = Path(__file__).parent / "data" / "yahoo"


def load_frame(name: str) -> pd.DataFrame:
    """A recorded yf.download frame, read back the way it was written."""
    path = YAHOO / name
    if name == "download_flat.csv":
        return pd.read_csv(path, index_col=0, parse_dates=True)
    frame = pd.read_csv(path, header=[0, 1], index_col=0, parse_dates=True)
    frame.columns = frame.columns.set_names(["Price", "Ticker"])
    return frame


class RateLimited(Exception):
    """Shaped like yfinance's YFRateLimitError."""

    def __init__(self) -> None:
        super().__init__("Too Many Requests. Rate limited. Try after a while.")


class ReplayDownload:
    """Stands in for yf.download: answers from recorded frames, as yfinance would.

    Unknown tickers get all-NaN columns and an error logged to the "yfinance" logger in
    yfinance's words; `rate_limited` makes the first calls raise like a 429 does.
    """

    def __init__(self, *names: str, rate_limited: int = 0) -> None:
        frames = [load_frame(n) for n in names]
        self.frame = pd.concat(frames, axis=1).sort_index(axis=1) if frames else None
        self.rate_limited = rate_limited
        self.calls: list[dict] = []

    def __call__(self, tickers, start=None, end=None, **kwargs) -> pd.DataFrame:
        self.calls.append({"tickers": list(tickers), "start": start, "end": end, **kwargs})
        if self.rate_limited:
            self.rate_limited -= 1
            raise RateLimited()
        frame = self.frame
        known = set(frame.columns.get_level_values("Ticker")) if frame is not None else set()
        missing = [t for t in tickers if t not in known]
        if missing:
            logging.getLogger("yfinance").error(
                f"{missing}: possibly delisted; no price data found  (1d {start} -> {end})"
            )
        present = [t for t in tickers if t in known]
        if not present:
            return pd.DataFrame(columns=pd.MultiIndex.from_product(
                [["Adj Close", "Close", "High", "Low", "Open", "Volume"], tickers],
                names=["Price", "Ticker"]))  # fmt: skip
        sub = self.frame.loc[:, self.frame.columns.get_level_values("Ticker").isin(present)]
        lo = pd.Timestamp(start) if start else sub.index.min()
        hi = pd.Timestamp(end) - pd.Timedelta(days=1) if end else sub.index.max()  # end exclusive
        sub = sub.loc[(sub.index >= lo) & (sub.index <= hi)]
        if missing:
            fields = sorted(set(sub.columns.get_level_values("Price")))
            nan = pd.DataFrame(float("nan"), index=sub.index,
                               columns=pd.MultiIndex.from_product([fields, missing],
                                                                  names=["Price", "Ticker"]))
            sub = pd.concat([sub, nan], axis=1)
        return sub.sort_index(axis=1)


def quote_payload(*items: dict) -> dict:
    """Yahoo's v7 quote answer around the given results."""
    return {"quoteResponse": {"result": list(items), "error": None}}


def quote_item(symbol: str, price: float, previous: float, when: dt.datetime,
               state: str = "REGULAR") -> dict:  # fmt: skip
    return json.loads(json.dumps({
        "language": "en-US", "region": "US", "quoteType": "EQUITY", "typeDisp": "Equity",
        "quoteSourceName": "Nasdaq Real Time Price", "triggerable": True, "currency": "USD",
        "exchange": "NMS", "fullExchangeName": "NasdaqGS", "marketState": state,
        "regularMarketPrice": price, "regularMarketPreviousClose": previous,
        "regularMarketTime": int(when.timestamp()), "exchangeTimezoneName": "America/New_York",
        "symbol": symbol,
    }))  # fmt: skip


class ReplayHistory:
    """Stands in for `yf.Ticker(t).history(period="1d", interval="1m")`: the frame of
    history_1m_<ticker>.csv (shaped like yfinance 1.7's answer: New York times, one row a
    minute, a minute without a trade has no close), else raises like an unknown symbol."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, ticker: str) -> pd.DataFrame:
        self.calls.append(ticker)
        path = YAHOO / f"history_1m_{ticker.lower()}.csv"
        if not path.exists():
            raise Exception(f"${ticker}: possibly delisted; no price data found  (period=1d)")
        frame = pd.read_csv(path, index_col=0)
        frame.index = pd.to_datetime(frame.index).tz_convert("America/New_York")
        return frame
