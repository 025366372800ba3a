"""Cached prices: daily bars, splits and latest quotes; everything returned is domain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.prices import DailyBar, Quote, Split
from core.storage import schema as t

_BAR_COLUMNS = ("ticker", "date", "open", "high", "low", "close", "adj_close", "volume",
                "source", "fetched_at")  # fmt: skip
_UPSERT_BAR_SQLITE = (
    f"INSERT INTO price_bars ({', '.join(_BAR_COLUMNS)}) VALUES "
    f"({', '.join('?' * len(_BAR_COLUMNS))}) ON CONFLICT (ticker, date) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _BAR_COLUMNS[2:])
)
_SELECT_BARS_SQLITE = (
    "SELECT date, open, high, low, close, adj_close, volume, source FROM price_bars "
    "WHERE ticker = ? AND date >= ? AND date <= ? ORDER BY date"
)


def _upsert(session: Session, table, rows: list[dict], keys: Sequence[str]) -> None:
    """Insert rows, replacing those whose key exists (SQLite and PostgreSQL)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=updates), rows)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class PriceStore:
    """Typed access to the price tables for the length of one session."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- bars -----------------------------------------------------------------------------
    def last_dates(self, tickers: Iterable[str]) -> dict[str, dt.date]:
        q = (
            select(t.PriceBar.ticker, func.max(t.PriceBar.date))
            .where(t.PriceBar.ticker.in_(set(tickers)))
            .group_by(t.PriceBar.ticker)
        )
        return {ticker: last for ticker, last in self.s.execute(q)}

    def save_bars(self, bars: Sequence[DailyBar], fetched_at: dt.datetime) -> None:
        if not bars:
            return
        conn = self.s.connection()
        rows = [
            (b.ticker, b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume, b.source,
             fetched_at)
            for b in bars
        ]  # fmt: skip
        if conn.dialect.name == "sqlite":
            # Dates and times in SQLAlchemy's SQLite text form, so ORM reads agree.
            stamp = fetched_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            conn.exec_driver_sql(_UPSERT_BAR_SQLITE, [
                (*r[:1], r[1].isoformat(), *r[2:9], stamp)
                for r in rows
            ])  # fmt: skip
            return
        _upsert(self.s, t.PriceBar.__table__, [dict(zip(_BAR_COLUMNS, r, strict=True))
                                                for r in rows], ("ticker", "date"))  # fmt: skip

    def bars(
        self, ticker: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[DailyBar]:
        start = start or dt.date.min
        end = end or dt.date.max
        conn = self.s.connection()
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                _SELECT_BARS_SQLITE, (ticker, start.isoformat(), end.isoformat())
            )
            fromiso = dt.date.fromisoformat
            return [
                DailyBar(ticker, fromiso(d), o, h, lo, c, a, v, src)
                for d, o, h, lo, c, a, v, src in rows
            ]
        q = (
            select(t.PriceBar)
            .where(t.PriceBar.ticker == ticker, t.PriceBar.date.between(start, end))
            .order_by(t.PriceBar.date)
        )
        return [
            DailyBar(b.ticker, b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume,
                     b.source)
            for b in self.s.scalars(q)
        ]  # fmt: skip

    def closes(self, ticker: str, end: dt.date) -> tuple[list, list[float]]:
        """One ticker's (dates, closes) up to `end`, ascending: the lean read returns need
        (ten years of one ticker is 2,500 rows; no bar objects are made)."""
        conn = self.s.connection()
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        rows = conn.exec_driver_sql(
            f"SELECT date, close FROM price_bars WHERE ticker = {mark} AND date <= {mark} "
            "ORDER BY date", (ticker, end.isoformat() if mark == "?" else end)).fetchall()
        return [r[0] for r in rows], [r[1] for r in rows]

    def bar_count(self, ticker: str) -> int:
        q = select(func.count()).select_from(t.PriceBar).where(t.PriceBar.ticker == ticker)
        return self.s.scalar(q) or 0

    def close_on_or_before(self, ticker: str, day: dt.date) -> DailyBar | None:
        bars = self.s.scalars(
            select(t.PriceBar)
            .where(t.PriceBar.ticker == ticker, t.PriceBar.date <= day)
            .order_by(t.PriceBar.date.desc())
            .limit(1)
        ).all()
        if not bars:
            return None
        b = bars[0]
        return DailyBar(b.ticker, b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume,
                        b.source)  # fmt: skip

    # -- splits ---------------------------------------------------------------------------
    def splits(self, tickers: Iterable[str]) -> dict[str, list[Split]]:
        q = (
            select(t.StockSplit)
            .where(t.StockSplit.ticker.in_(set(tickers)))
            .order_by(t.StockSplit.ticker, t.StockSplit.date)
        )
        out: dict[str, list[Split]] = {}
        for s in self.s.scalars(q):
            out.setdefault(s.ticker, []).append(Split(s.ticker, s.date, s.ratio))
        return out

    def save_splits(self, splits: Sequence[Split], source: str, fetched_at: dt.datetime) -> None:
        _upsert(self.s, t.StockSplit.__table__, [
            {"ticker": s.ticker, "date": s.date, "ratio": s.ratio, "source": source,
             "fetched_at": fetched_at}
            for s in splits
        ], ("ticker", "date"))  # fmt: skip

    # -- quotes ---------------------------------------------------------------------------
    def save_quotes(self, quotes: Iterable[Quote], fetched_at: dt.datetime) -> None:
        _upsert(self.s, t.LatestQuote.__table__, [
            {"ticker": q.ticker, "price": q.price, "previous_close": q.previous_close,
             "currency": q.currency, "market_state": q.market_state,
             "quote_time": q.quote_time, "fetched_at": fetched_at, "source": q.source}
            for q in quotes
        ], ("ticker",))  # fmt: skip

    def quotes(self, tickers: Iterable[str]) -> dict[str, tuple[Quote, dt.datetime]]:
        """Cached quotes with the time each was fetched."""
        q = select(t.LatestQuote).where(t.LatestQuote.ticker.in_(set(tickers)))
        return {
            r.ticker: (
                Quote(r.ticker, r.price, r.previous_close, r.currency, _aware(r.quote_time),
                      r.market_state, r.source),
                _aware(r.fetched_at),
            )
            for r in self.s.scalars(q)
        }  # fmt: skip
