"""Own portfolios' statements and holdings, for the length of one session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from core.domain.own import CheckedHolding, OwnHolding
from core.domain.positions import PortfolioRef
from core.storage import schema as t

_HOLDINGS = t.OwnHolding.__table__
_COPIED = ("ticker", "cusip", "shares", "cost_per_share", "note", "verified")
_SET = ("cusip", "shares", "cost_per_share", "note", "verified", "modified_at")
_NEW = ("statement_id", "ticker", *_SET, "created_at")
_UPDATE_SQL = (f"UPDATE own_holdings SET {', '.join(f'{n} = ?' for n in _SET)} "
               "WHERE id = ?")  # fmt: skip
_INSERT_SQL = f"INSERT INTO own_holdings ({', '.join(_NEW)}) VALUES ({', '.join('?' * len(_NEW))})"


def _same(value):
    return value


def _binder(column, dialect):
    """The column's own conversion of a value for the driver (the ORM would apply it)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or _same


def _holding(h: t.OwnHolding, day: dt.date) -> OwnHolding:
    return OwnHolding(h.id, day, h.ticker, h.cusip, Decimal(h.shares),
                      Decimal(h.cost_per_share) if h.cost_per_share is not None else None,
                      h.note, h.verified, h.created_at, h.modified_at)  # fmt: skip


def _version(h: OwnHolding | None) -> tuple | None:
    """What makes a row "the same row": its id, its modified time and its values."""
    if h is None:
        return None
    return (h.id, h.modified_at, h.shares, h.cost_per_share, h.cusip, h.note, h.verified)


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

    def delete(self, portfolio: PortfolioRef) -> int:
        """Delete an own portfolio with its statements; returns how many holdings went."""
        n = self.s.scalar(
            select(func.count()).select_from(t.OwnHolding).join(t.OwnStatement)
            .where(t.OwnStatement.portfolio_id == portfolio.id)
        ) or 0  # fmt: skip
        statements = select(t.OwnStatement.id).where(t.OwnStatement.portfolio_id == portfolio.id)
        self.s.execute(delete(t.OwnHolding).where(t.OwnHolding.statement_id.in_(statements)))
        self.s.execute(delete(t.OwnStatement).where(t.OwnStatement.portfolio_id == portfolio.id))
        self.s.execute(delete(t.Portfolio).where(t.Portfolio.id == portfolio.id))
        return n

    # -- statements -----------------------------------------------------------------------
    def statement_dates(self, portfolio: PortfolioRef) -> list[dt.date]:
        q = (select(t.OwnStatement.as_of).where(t.OwnStatement.portfolio_id == portfolio.id)
             .order_by(t.OwnStatement.as_of))  # fmt: skip
        return list(self.s.scalars(q))

    def holdings(self, portfolio: PortfolioRef, day: dt.date | None = None) -> list[OwnHolding]:
        q = (select(t.OwnHolding, t.OwnStatement.as_of).join(t.OwnStatement)
             .where(t.OwnStatement.portfolio_id == portfolio.id)
             .order_by(t.OwnStatement.as_of, t.OwnHolding.ticker))  # fmt: skip
        if day is not None:
            q = q.where(t.OwnStatement.as_of == day)
        return [_holding(h, d) for h, d in self.s.execute(q)]

    def lock(self, portfolio: PortfolioRef) -> None:
        """Writers of one portfolio's statements queue here, so "is there a statement that
        day?" stays true until this transaction ends (PostgreSQL: a row lock on the
        portfolio; SQLite: the write session's BEGIN IMMEDIATE already holds the lock)."""
        self.s.execute(select(t.Portfolio.id).where(t.Portfolio.id == portfolio.id)
                       .with_for_update())  # fmt: skip

    def _statement(self, portfolio: PortfolioRef, day: dt.date) -> t.OwnStatement:
        """The statement of that date, made from the one before it if new (positions hold
        until the next statement, so a new one starts with what stood). Runs under the
        portfolio's lock: two adds on one new date make one statement, both rows in it."""
        self.lock(portfolio)
        st = self.s.scalar(select(t.OwnStatement).where(
            t.OwnStatement.portfolio_id == portfolio.id, t.OwnStatement.as_of == day))  # fmt: skip
        if st is not None:
            return st
        before = self.s.scalar(
            select(t.OwnStatement).where(t.OwnStatement.portfolio_id == portfolio.id,
                                         t.OwnStatement.as_of < day)
            .order_by(t.OwnStatement.as_of.desc()).limit(1)
        )  # fmt: skip
        st = t.OwnStatement(portfolio_id=portfolio.id, as_of=day)
        self.s.add(st)
        self.s.flush()
        if before is not None:  # one INSERT ... SELECT: a statement may hold thousands
            c = _HOLDINGS.c
            now = bindparam("now", t.utcnow(), type_=c.created_at.type)
            self.s.execute(insert(_HOLDINGS).from_select(
                ["statement_id", *_COPIED, "created_at", "modified_at"],
                select(bindparam("st", st.id, type_=c.statement_id.type),
                       *(c[name] for name in _COPIED), now, now)
                .where(c.statement_id == before.id)))  # fmt: skip
        return st

    def put_many(self, portfolio: PortfolioRef, holdings: list[CheckedHolding]) -> None:
        """`put` for many holdings (one per ticker and date) at once: statement by
        statement in date order, each made as `put` makes it, then one UPDATE for the
        tickers it holds already and one INSERT for the rest (a CSV of 100,000 lines)."""
        by_day: dict[dt.date, list[CheckedHolding]] = {}
        for h in holdings:
            by_day.setdefault(h.date, []).append(h)
        c = _HOLDINGS.c
        conn = self.s.connection()
        raw = conn.dialect.name == "sqlite"  # tuples straight to the driver, values bound once
        shares, stamp, flag = (_binder(c[name], conn.dialect) if raw else _same
                               for name in ("shares", "modified_at", "verified"))  # fmt: skip
        for day in sorted(by_day):
            st = self._statement(portfolio, day)
            held = {ticker: row_id for ticker, row_id in
                    self.s.execute(select(c.ticker, c.id).where(c.statement_id == st.id))}
            now = stamp(t.utcnow())
            changed, new = [], []
            for h in by_day[day]:
                values = (h.cusip, shares(h.shares),
                          shares(h.cost) if h.cost is not None else None, h.note,
                          flag(h.verified), now)  # fmt: skip
                if h.ticker in held:
                    changed.append((*values, held[h.ticker]))
                else:
                    new.append((st.id, h.ticker, *values, now))
            if raw:
                if changed:
                    conn.exec_driver_sql(_UPDATE_SQL, changed)
                if new:
                    conn.exec_driver_sql(_INSERT_SQL, new)
                continue
            if changed:
                self.s.execute(update(_HOLDINGS).where(c.id == bindparam("row_id")),
                               [dict(zip((*_SET, "row_id"), v, strict=True)) for v in changed])
            if new:
                self.s.execute(insert(_HOLDINGS), [dict(zip(_NEW, v, strict=True)) for v in new])

    def put(self, portfolio: PortfolioRef, h: CheckedHolding) -> int:
        """Set the ticker's holding in the statement of h.date (added or replaced)."""
        st = self._statement(portfolio, h.date)
        row = self.s.scalar(select(t.OwnHolding).where(
            t.OwnHolding.statement_id == st.id, t.OwnHolding.ticker == h.ticker))  # fmt: skip
        if row is None:
            row = t.OwnHolding(statement_id=st.id, ticker=h.ticker)
            self.s.add(row)
        row.cusip, row.shares, row.cost_per_share = h.cusip, h.shares, h.cost
        row.note, row.verified = h.note, h.verified
        self.s.flush()
        return row.id

    def replace_statement(self, portfolio: PortfolioRef, day: dt.date,
                          holdings: list[OwnHolding] | None) -> None:  # fmt: skip
        """Make the statement exactly `holdings`, ids and times kept (undo and redo)."""
        st = self.s.scalar(select(t.OwnStatement).where(
            t.OwnStatement.portfolio_id == portfolio.id, t.OwnStatement.as_of == day))  # fmt: skip
        if st is not None:
            self.s.execute(delete(t.OwnHolding).where(t.OwnHolding.statement_id == st.id))
            if holdings is None:
                self.s.delete(st)
                return
        elif holdings is None:
            return
        else:
            st = t.OwnStatement(portfolio_id=portfolio.id, as_of=day)
            self.s.add(st)
        self.s.flush()
        for h in holdings:
            self.s.add(t.OwnHolding(id=h.id, statement_id=st.id, ticker=h.ticker, cusip=h.cusip,
                                    shares=h.shares, cost_per_share=h.cost_per_share,
                                    note=h.note, verified=h.verified, created_at=h.created_at,
                                    modified_at=h.modified_at))  # fmt: skip

    def swap_rows(self, portfolio: PortfolioRef, day: dt.date,
                  expect: dict[str, OwnHolding | None], target: dict[str, OwnHolding | None],
                  keep_statement: bool) -> list[str]:  # fmt: skip
        """Undo or redo of one statement's rows, checked against row versions: every ticker
        in `expect` must still be exactly as recorded (same id, same modified time, same
        values; None: absent). If so, each becomes as in `target` (ids and times kept) and
        []; if not, nothing is done and the tickers someone else changed are returned.
        Rows not named are another writer's and stay. Without `keep_statement` the statement
        goes if no row is left in it."""
        self.lock(portfolio)
        st = self.s.scalar(select(t.OwnStatement).where(
            t.OwnStatement.portfolio_id == portfolio.id, t.OwnStatement.as_of == day))  # fmt: skip
        current = {h.ticker: h for h in self.holdings(portfolio, day)} if st else {}
        changed = [tk for tk, h in expect.items() if _version(current.get(tk)) != _version(h)]
        if changed:
            return sorted(changed)
        if st is None:
            if not any(target.values()):
                return []
            st = t.OwnStatement(portfolio_id=portfolio.id, as_of=day)
            self.s.add(st)
            self.s.flush()
        for ticker, h in target.items():
            if ticker in current:
                self.s.execute(delete(t.OwnHolding).where(t.OwnHolding.id == current[ticker].id))
            if h is not None:
                self.s.execute(insert(t.OwnHolding.__table__).values(
                    id=h.id, statement_id=st.id, ticker=h.ticker, cusip=h.cusip,
                    shares=h.shares, cost_per_share=h.cost_per_share, note=h.note,
                    verified=h.verified, created_at=h.created_at, modified_at=h.modified_at))
        if not keep_statement:
            left = self.s.scalar(select(func.count()).select_from(t.OwnHolding)
                                 .where(t.OwnHolding.statement_id == st.id))  # fmt: skip
            if not left:
                self.s.execute(delete(t.OwnStatement).where(t.OwnStatement.id == st.id))
        return []

    def remove(self, holding_id: int) -> OwnHolding | None:
        row = self.s.get(t.OwnHolding, holding_id)
        if row is None:
            return None
        st = self.s.get(t.OwnStatement, row.statement_id)
        assert st is not None
        gone = _holding(row, st.as_of)
        # The statement stays, even empty: "nothing held from that date" is a statement too.
        self.s.delete(row)
        return gone

    def portfolio_of_holding(self, holding_id: int) -> int | None:
        q = (select(t.OwnStatement.portfolio_id).join(t.OwnHolding)
             .where(t.OwnHolding.id == holding_id))  # fmt: skip
        return self.s.scalar(q)
