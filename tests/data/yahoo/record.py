"""Rebuild the recorded yfinance answers in this folder from real daily bars.

The machine that writes Stakewatch has no route to Yahoo, so these files are built from
the real bars in the project's shared data (Yahoo's own numbers, auto_adjust=False), laid
out exactly as `yf.download(..., auto_adjust=False, actions=True, group_by="column",
multi_level_index=True)` of yfinance 1.x returns them and as `DataFrame.to_csv` writes
them: a two-row header (Price, Ticker), an index named Date, columns sorted by price field.
Run from the repository root: python tests/data/yahoo/record.py ../shared/data/prices
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
FIELDS = ["Adj Close", "Close", "Dividends", "High", "Low", "Open", "Stock Splits", "Volume"]


def load(prices: Path, ticker: str) -> pd.DataFrame:
    df = pd.read_csv(prices / f"{ticker}.csv", parse_dates=["date"]).set_index("date")
    out = pd.DataFrame(index=pd.DatetimeIndex(df.index, name="Date"))
    out["Adj Close"] = df["close"]
    out["Close"] = df["close"]
    out["Dividends"] = 0.0
    out["High"] = df["high"]
    out["Low"] = df["low"]
    out["Open"] = df["open"]
    out["Stock Splits"] = 0.0
    out["Volume"] = df["volume"].astype("int64")
    return out


def frame(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    data = pd.concat(parts.values(), axis=1, keys=parts.keys(), names=["Ticker", "Price"])
    data.columns = data.columns.swaplevel(0, 1)
    return data.sort_index(level=0, axis=1)


def main(prices: Path) -> None:
    nvda, crwv, intc = (load(prices, t) for t in ("NVDA", "CRWV", "INTC"))

    # One ticker, MultiIndex columns: CoreWeave around the 2025-06-30 period end.
    frame({"CRWV": crwv.loc["2025-06-23":"2025-07-03"]}).to_csv(HERE / "download_one.csv")

    # Many tickers: CoreWeave listed 2025-03-28, so its columns are NaN before (union index).
    window = slice("2025-03-24", "2025-04-04")
    frame({"NVDA": nvda.loc[window], "CRWV": crwv.loc[window], "INTC": intc.loc[window]}
          ).to_csv(HERE / "download_many.csv")  # fmt: skip

    # NaN last bar: yfinance's row for a session still trading can be all NaN.
    last = nvda.loc["2026-09-21":"2026-09-25"].copy()
    extra = pd.DataFrame(np.nan, index=pd.DatetimeIndex(["2026-09-28"], name="Date"),
                         columns=last.columns)  # fmt: skip
    frame({"NVDA": pd.concat([last, extra])}).to_csv(HERE / "download_nan_last.csv")

    # NVIDIA's 10-for-1 split, effective 2024-06-10: Stock Splits is 10.0 that day.
    split = nvda.loc["2024-06-03":"2024-06-14"].copy()
    split.loc["2024-06-10", "Stock Splits"] = 10.0
    frame({"NVDA": split}).to_csv(HERE / "download_split.csv")

    # Every ticker failed: yfinance returns an empty frame with the usual columns.
    empty = pd.DataFrame(columns=pd.MultiIndex.from_product([FIELDS, ["TSP"]],
                         names=["Price", "Ticker"]), index=pd.DatetimeIndex([], name="Date"))
    empty.to_csv(HERE / "download_empty.csv")

    # multi_level_index=False for one ticker: flat columns.
    flat = crwv.loc["2025-06-23":"2025-06-27"].copy()
    flat.columns.name = None
    flat.to_csv(HERE / "download_flat.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/prices"))
