"""Own portfolios and their ledgers of transactions, for the length of one session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from core.domain.ledger import CHANGES_SHARES, Holding, Transaction, TxType, replay
from core.domain.positions import PortfolioRef
from core.storage import schema as t

_TX = t.OwnTransaction.__table__
BULK = 50  # entries added at once above which one multi-row INSERT is used
_FIELDS = ("date", "type", "ticker", "cusip", "shares", "price", "fees", "amount", "ratio",
           "currency", "note", "origin", "verified")  # fmt: skip


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _tx(row: t.OwnTransaction) -> Transaction:
    def dec(v) -> Decimal | None:
        return None if v is None else Decimal(v)

    return Transaction(row.id, row.date, TxType(row.type), row.ticker, row.cusip,
                       dec(row.shares), dec(row.price), dec(row.fees) or Decimal(0),
                       dec(row.amount), dec(row.ratio), row.currency, row.note, row.origin,
                       row.verified, _aware(row.created_at), _aware(row.modified_at))  # fmt: skip


def _values(tx: Transaction) -> dict:
    out = {name: getattr(tx, name) for name in _FIELDS}
    out["type"] = tx.type.value
    return out


def _same(value):
    return value


def _binder(column, dialect):
    """The column's own conversion of a value for the driver (the ORM would apply it)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or _same


def version(tx: Transaction | None) -> tuple | None:
    """What makes a row "the same row": its id, its values and its modified time."""
    if tx is None:
        return None
    return (tx.id, tx.modified_at, *(getattr(tx, n) for n in _FIELDS))


class OwnStore:
    def __init__(self, session: Session) -> None:
        self.s = session

    # -- portfolios -----------------------------------------------------------------------
    def create(self, name: str) -> PortfolioRef:
        p = t.Portfolio(name=name, kind="own", cik=None)
        self.s.add(p)
        self.s.flush()
        return PortfolioRef(p.id, p.name, p.kind, p.cik)

    def name_taken(self, name: str) -> bool:
        q = select(t.Portfolio.id).where(func.lower(t.Portfolio.name) == name.lower())
        return self.s.scalar(q) is not None

    def rename(self, portfolio: PortfolioRef, name: str) -> None:
        row = self.s.get(t.Portfolio, portfolio.id)
        assert row is not None
        row.name = name

    def delete(self, portfolio: PortfolioRef) -> None:
        """Delete an own portfolio with its ledger."""
        self.s.execute(delete(t.OwnTransaction)
                       .where(t.OwnTransaction.portfolio_id == portfolio.id))  # fmt: skip
        self.s.execute(delete(t.Portfolio).where(t.Portfolio.id == portfolio.id))

    def lock(self, portfolio: PortfolioRef) -> None:
        """Writers of one portfolio's ledger queue here, so the ledger read to check an
        entry is the ledger it joins (PostgreSQL: a row lock on the portfolio; SQLite: the
        write session's BEGIN IMMEDIATE already holds the lock)."""
        self.s.execute(select(t.Portfolio.id).where(t.Portfolio.id == portfolio.id)
                       .with_for_update())  # fmt: skip

    # -- the ledger -----------------------------------------------------------------------
    def transactions(self, portfolio: PortfolioRef,
                     until: dt.date | None = None) -> list[Transaction]:  # fmt: skip
        """The book's ledger by date (Core rows, no ORM objects: a ledger may be long)."""
        q = (select(_TX).where(_TX.c.portfolio_id == portfolio.id)
             .order_by(_TX.c.date, _TX.c.id))  # fmt: skip
        if until is not None:
            q = q.where(_TX.c.date <= until)
        return [_tx(r) for r in self.s.execute(q)]

    def transaction(self, tx_id: int) -> tuple[int, Transaction] | None:
        row = self.s.get(t.OwnTransaction, tx_id)
        return None if row is None else (row.portfolio_id, _tx(row))

    def change_dates(self, portfolio: PortfolioRef) -> list[dt.date]:
        """The dates on which the book's holdings change (its "reports" for charts)."""
        q = (select(t.OwnTransaction.date).distinct()
             .where(t.OwnTransaction.portfolio_id == portfolio.id,
                    t.OwnTransaction.type.in_([k.value for k in CHANGES_SHARES]))
             .order_by(t.OwnTransaction.date))  # fmt: skip
        return list(self.s.scalars(q))

    def holdings(self, portfolio: PortfolioRef, day: dt.date | None = None,
                 basis: str = "fifo") -> list[Holding]:  # fmt: skip
        """The positions the ledger derives for `day` (after every entry: None)."""
        book = replay(self.transactions(portfolio, day), day, basis)
        return sorted(book.holdings.values(), key=lambda h: h.ticker)

    def add(self, portfolio: PortfolioRef, txs: Sequence[Transaction]) -> list[Transaction]:
        """Insert the entries (ids given are kept: undo puts a row back as it was)."""
        now = t.utcnow()
        if len(txs) > BULK and all(tx.id is None for tx in txs):
            # A CSV of 100,000 lines: one executemany, then the new ids read back. They
            # are this book's ids above its newest: nobody else adds to it under the lock.
            self.lock(portfolio)
            newest = self.s.scalar(select(func.max(_TX.c.id))
                                   .where(_TX.c.portfolio_id == portfolio.id)) or 0  # fmt: skip
            self._insert_many(portfolio, txs, now)
            ids = self.s.scalars(select(_TX.c.id).where(
                _TX.c.portfolio_id == portfolio.id, _TX.c.id > newest)
                .order_by(_TX.c.id)).all()  # fmt: skip
            return [Transaction(i, x.date, x.type, x.ticker, x.cusip, x.shares, x.price, x.fees,
                                x.amount, x.ratio, x.currency, x.note, x.origin, x.verified,
                                now, now) for x, i in zip(txs, ids, strict=True)]  # fmt: skip
        out = []
        for tx in txs:
            row = t.OwnTransaction(portfolio_id=portfolio.id, **_values(tx),
                                   created_at=tx.created_at or now,
                                   modified_at=tx.modified_at or now)  # fmt: skip
            if tx.id is not None:
                row.id = tx.id
            self.s.add(row)
            out.append(row)
        self.s.flush()
        return [_tx(r) for r in out]

    def _insert_many(self, portfolio: PortfolioRef, txs: Sequence[Transaction],
                     now: dt.datetime) -> None:  # fmt: skip
        """One executemany; on SQLite straight to the driver, each value bound once by its
        column's own conversion (the ORM's per-row work is most of a 100,000-line CSV)."""
        conn = self.s.connection()
        names = [*_FIELDS, "portfolio_id", "created_at", "modified_at"]
        if conn.dialect.name != "sqlite":
            self.s.execute(insert(_TX), [{**_values(tx), "portfolio_id": portfolio.id,
                                          "created_at": now, "modified_at": now}
                                         for tx in txs])  # fmt: skip
            return
        bind = [_binder(_TX.c[n], conn.dialect) for n in _FIELDS]
        stamp = _binder(_TX.c.created_at, conn.dialect)(now)  # the same for every row
        tail = (portfolio.id, stamp, stamp)
        kind = _FIELDS.index("type")
        rows = []
        for tx in txs:
            values = [getattr(tx, n) for n in _FIELDS]
            values[kind] = tx.type.value
            rows.append((*(b(v) for b, v in zip(bind, values, strict=True)), *tail))
        conn.exec_driver_sql(f"INSERT INTO own_transactions ({', '.join(names)}) VALUES "
                             f"({', '.join('?' * len(names))})", rows)  # fmt: skip

    def update(self, tx: Transaction) -> Transaction:
        assert tx.id is not None
        row = self.s.get(t.OwnTransaction, tx.id)
        assert row is not None
        for name, value in _values(tx).items():
            setattr(row, name, value)
        row.modified_at = tx.modified_at or t.utcnow()
        self.s.flush()
        return _tx(row)

    def remove(self, tx_id: int) -> None:
        self.s.execute(delete(t.OwnTransaction).where(t.OwnTransaction.id == tx_id))

    def remove_many(self, tx_ids: Sequence[int]) -> None:
        for start in range(0, len(tx_ids), 500):  # within every driver's parameter limit
            chunk = list(tx_ids[start : start + 500])
            self.s.execute(delete(_TX).where(_TX.c.id.in_(chunk)))

    def put_back(self, portfolio: PortfolioRef, txs: Sequence[Transaction]) -> None:
        """Rows an undo or redo puts back exactly as they were: ids, times and values."""
        if not txs:
            return
        self.s.execute(insert(_TX), [{**_values(tx), "id": tx.id, "portfolio_id": portfolio.id,
                                      "created_at": tx.created_at,
                                      "modified_at": tx.modified_at} for tx in txs])

