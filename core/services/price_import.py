"""Load daily bars from a CSV file: all rows or none, bad lines named with their numbers."""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from core.domain.prices import DailyBar, normalize_ticker, price_problem
from core.files import InputFileError, check_input
from core.services.prices import utc_now
from core.storage.database import Database
from core.storage.price_store import PriceStore

REQUIRED = ("date", "close")
OPTIONAL = ("open", "high", "low", "adj close", "adj_close", "volume", "ticker", "source")
MAX_LISTED = 20
# Prices and volumes beyond these fit no real market and no database column (a volume is a
# 64-bit integer): refused with the line named, never an overflow.
MAX_NUMBER = 1e15


class PriceFileError(ValueError):
    """The CSV cannot be loaded; `problems` lists (line, message); nothing was stored."""

    def __init__(self, message: str, problems: list[tuple[int, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True, slots=True)
class PriceImportReport:
    path: Path
    rows: int
    tickers: dict[str, tuple[dt.date, dt.date, int]]  # ticker -> first, last, rows


def _number(text: str, field: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        if not text.isascii():  # float() takes other scripts' digits ("５")
            raise ValueError(text)
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{field} {_shown(text)} is not a number (use the digits 0-9)") from None
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"{field} {_shown(text)} is not a price")
    if value > MAX_NUMBER:
        raise ValueError(f"{field} {_shown(text)} is too large (at most {MAX_NUMBER:,.0f})")
    return value


def _shown(text: str) -> str:
    r = repr(text)
    return r if len(r) <= 40 else r[:36] + "...'"


def read_bars(path: Path, ticker: str | None = None) -> list[DailyBar]:
    """Parse and check every line first; raise PriceFileError listing all bad lines."""
    try:
        check_input(path)
        handle = path.open(newline="", encoding="utf-8-sig")
    except InputFileError as exc:
        raise PriceFileError(str(exc)) from None
    except OSError as exc:
        raise PriceFileError(f"{path}: {exc.strerror or exc}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise PriceFileError(f"{path.name} is empty") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PriceFileError(f"{path.name} is not a CSV text file: {exc}") from None
        names = [h.strip().lower() for h in header]
        col = {n: i for i, n in enumerate(names)}
        missing = [r for r in REQUIRED if r not in col]
        if missing:
            raise PriceFileError(
                f"{path.name}: no {', '.join(missing)} column (the header has: "
                f"{', '.join(header) or 'nothing'})"
            )
        if "ticker" not in col and not ticker:
            raise PriceFileError(f"{path.name} has no ticker column: give --ticker")
        fallback_source = f"csv:{path.name}"
        bars: list[DailyBar] = []
        problems: list[tuple[int, str]] = []
        seen: set[tuple[str, dt.date]] = set()
        try:
            for line_no, row in enumerate(reader, start=2):
                if not any(c.strip() for c in row):
                    continue
                try:
                    bars.append(_bar(row, col, ticker, fallback_source, seen))
                except (ValueError, IndexError) as exc:
                    problems.append((line_no, str(exc)))
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append((reader.line_num, f"unreadable: {exc}"))
    if problems:
        shown = "; ".join(f"line {n}: {m}" for n, m in problems[:MAX_LISTED])
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        raise PriceFileError(
            f"{path.name}: {len(problems)} bad line(s), nothing loaded: {shown}{more}", problems
        )
    if not bars:
        raise PriceFileError(f"{path.name} has no price rows")
    return bars


def _bar(row, col, ticker, fallback_source, seen) -> DailyBar:
    def get(name: str) -> str:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else ""

    t = normalize_ticker(get("ticker") or ticker or "")
    if not t:
        raise ValueError("no ticker")
    try:
        day = dt.date.fromisoformat(get("date").strip()[:10])
    except ValueError:
        raise ValueError(f"date {_shown(get('date'))} is not YYYY-MM-DD") from None
    close = _number(get("close"), "close")
    if close is None or close == 0:
        raise ValueError("close is missing or zero")
    why = price_problem(close, day, utc_now())
    if why is not None:  # a date before 1990 or ahead of today: not a price we can hold
        raise ValueError(f"date {day}: {why}")
    o = _number(get("open"), "open")
    h = _number(get("high"), "high")
    lo = _number(get("low"), "low")
    if h is not None and lo is not None and h < lo:
        raise ValueError(f"high {h} is below low {lo}")
    volume = _number(get("volume"), "volume")
    if (t, day) in seen:
        raise ValueError(f"{t} {day} appears twice")
    seen.add((t, day))
    source = get("source").strip()
    return DailyBar(
        ticker=t, date=day, open=o, high=h, low=lo, close=close,
        adj_close=_number(get("adj close") or get("adj_close"), "adj close"),
        volume=int(volume) if volume is not None else None,
        source=f"{fallback_source} ({source})" if source else fallback_source,
    )  # fmt: skip


def import_csv(db: Database, path: Path, ticker: str | None = None) -> PriceImportReport:
    bars = read_bars(path, ticker)
    with db.session() as s:
        PriceStore(s).save_bars(bars, utc_now())
    summary: dict[str, tuple[dt.date, dt.date, int]] = {}
    for b in bars:
        first, last, n = summary.get(b.ticker, (b.date, b.date, 0))
        summary[b.ticker] = (min(first, b.date), max(last, b.date), n + 1)
    return PriceImportReport(path, len(bars), summary)


def enter_close(db: Database, ticker: str, day: dt.date, close: float) -> DailyBar:
    """A closing price the user typed (e.g. offline, or a ticker Yahoo does not know):
    checked like any price, stored as that day's bar with the user as its source."""
    ticker = normalize_ticker(ticker)
    if not ticker:
        raise PriceFileError("give a ticker")
    problem = price_problem(close, day, utc_now())
    if problem is not None:
        raise PriceFileError(problem)
    bar = DailyBar(ticker, day, None, None, None, float(close), None, None, "you (typed)")
    with db.session() as s:
        PriceStore(s).save_bars([bar], utc_now())
    return bar
