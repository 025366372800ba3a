"""An own book as a ledger: transactions in, holdings, FIFO or average cost, realised gain
and income out, at any date. Pure functions; one definition of each figure."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


class TxType(StrEnum):
    BUY = "buy"
    SELL = "sell"
    DIVIDEND = "dividend"
    SPLIT = "split"
    TRANSFER_IN = "transfer-in"
    TRANSFER_OUT = "transfer-out"
    FEE = "fee"


# Within one day: a split takes effect first (at the open), then shares arrive, then they
# leave, then cash: so "held on its date" counts that day's buys, whatever the entry order.
DAY_ORDER = {TxType.SPLIT: 0, TxType.TRANSFER_IN: 1, TxType.BUY: 2, TxType.SELL: 3,
             TxType.TRANSFER_OUT: 4, TxType.DIVIDEND: 5, TxType.FEE: 6}  # fmt: skip
SHARES_IN = (TxType.BUY, TxType.TRANSFER_IN)
SHARES_OUT = (TxType.SELL, TxType.TRANSFER_OUT)
CHANGES_SHARES = (*SHARES_IN, *SHARES_OUT, TxType.SPLIT)

COST_BASES = ("fifo", "average")


@dataclass(frozen=True, slots=True)
class Transaction:
    """One ledger entry. `shares` for buy/sell/transfers; `price` per share (None: unknown,
    e.g. a transfer or a position carried over from a statement); `fees` on a trade;
    `amount` the cash of a dividend or a fee; `ratio` a split's new shares per old one."""

    id: int | None
    date: dt.date
    type: TxType
    ticker: str
    cusip: str | None = None
    shares: Decimal | None = None
    price: Decimal | None = None
    fees: Decimal = ZERO
    amount: Decimal | None = None
    ratio: Decimal | None = None
    currency: str = "USD"
    note: str | None = None
    origin: str = "user"  # user, csv, statement (migrated), reconcile
    verified: bool = False  # the ticker is a known company or the price provider knew it
    created_at: dt.datetime | None = None
    modified_at: dt.datetime | None = None

    def as_json(self) -> dict:
        """The entry as exports and `tx list --json` write it (decimals as exact strings)."""

        def text(d: Decimal | None) -> str | None:
            return format(d.normalize(), "f") if d is not None else None

        return {"id": self.id, "date": self.date.isoformat(), "type": self.type.value,
                "ticker": self.ticker, "cusip": self.cusip, "shares": text(self.shares),
                "price": text(self.price), "fees": text(self.fees),
                "amount": text(self.amount), "ratio": text(self.ratio),
                "currency": self.currency, "note": self.note, "origin": self.origin,
                "verified": self.verified}  # fmt: skip

    @property
    def sort_key(self) -> tuple:
        return (self.date, DAY_ORDER[self.type], self.id if self.id is not None else 1 << 62)

    def cash_in(self, close: float | None = None) -> float | None:
        """The net flow into the book on its day, as the returns define it: a buy's cost
        with fees, a fee, a transfer in at its price (else the close) count in; a sale's
        proceeds net of fees, a dividend, a transfer out count out. None: no price known."""
        t = self.type
        if t is TxType.SPLIT:
            return 0.0
        if t in (TxType.DIVIDEND, TxType.FEE):
            amount = float(self.amount or 0)
            return -amount if t is TxType.DIVIDEND else amount
        price = float(self.price) if self.price is not None else close
        if price is None:
            return None
        gross = float(self.shares or 0) * price
        if t is TxType.BUY:
            return gross + float(self.fees)
        if t is TxType.SELL:
            return -(gross - float(self.fees))
        return gross if t is TxType.TRANSFER_IN else -gross


def ordered(txs: Iterable[Transaction]) -> list[Transaction]:
    return sorted(txs, key=lambda t: t.sort_key)


class LedgerError(ValueError):
    """An impossible entry; `tx` is the one named."""

    def __init__(self, message: str, tx: Transaction | None = None) -> None:
        super().__init__(message)
        self.tx = tx


@dataclass(slots=True)
class _Lot:
    shares: Decimal
    cost: Decimal | None  # total cost of these shares; None if unknown
    date: dt.date


@dataclass(frozen=True, slots=True)
class Holding:
    """A position derived from the ledger at a date."""

    ticker: str
    cusip: str | None
    shares: Decimal
    cost: Decimal | None  # remaining cost basis; None when some of it is unknown
    opened: dt.date  # the date of its oldest lot still held

    @property
    def cost_per_share(self) -> Decimal | None:
        return self.cost / self.shares if self.cost is not None and self.shares else None


@dataclass(frozen=True, slots=True)
class Realised:
    """One sale's gain: proceeds net of fees minus the cost of the shares it took."""

    tx: Transaction
    proceeds: Decimal | None
    cost: Decimal | None
    gain: Decimal | None


@dataclass(slots=True)
class Book:
    """The ledger replayed up to a date."""

    day: dt.date | None
    holdings: dict[str, Holding] = field(default_factory=dict)
    realised: list[Realised] = field(default_factory=list)
    dividends: Decimal = ZERO
    fees: Decimal = ZERO  # standalone fees (a trade's fees are in its cost or proceeds)

    @property
    def realised_gain(self) -> Decimal | None:
        gains = [r.gain for r in self.realised]
        return None if any(g is None for g in gains) else sum(gains, ZERO)  # type: ignore[arg-type]


def check_entry(tx: Transaction) -> dict[str, str]:
    """The fields of one entry that cannot be, by name (no other entry needed)."""
    bad: dict[str, str] = {}
    t = tx.type
    if t in (*SHARES_IN, *SHARES_OUT) and (tx.shares is None or tx.shares <= 0):
        bad["shares"] = "must be more than zero"
    if tx.price is not None and tx.price < 0:
        bad["price"] = "is negative"
    if tx.fees < 0:
        bad["fees"] = "is negative"
    if t in (TxType.DIVIDEND, TxType.FEE) and (tx.amount is None or tx.amount <= 0):
        bad["amount"] = f"a {t.value}'s cash amount must be more than zero"
    if t is TxType.SPLIT and (tx.ratio is None or tx.ratio <= 0):
        bad["ratio"] = "a split's ratio (new shares per old share) must be more than zero"
    if tx.currency != "USD":
        bad["currency"] = f"{tx.currency!r}: only USD is supported for now"
    return bad


def replay(txs: Sequence[Transaction], day: dt.date | None = None,
           basis: str = "fifo") -> Book:  # fmt: skip
    """The book after every transaction dated on or before `day` (None: all of them).
    Raises LedgerError naming the first impossible one (a sale of more than is held)."""
    if basis not in COST_BASES:
        raise ValueError(f"cost basis {basis!r}: use fifo or average")
    book = Book(day)
    lots: dict[str, deque[_Lot]] = {}
    cusips: dict[str, str | None] = {}
    for tx in ordered(txs):
        if day is not None and tx.date > day:
            break
        _apply(tx, lots, cusips, book, basis)
    for ticker, q in lots.items():
        shares = sum((lot.shares for lot in q), ZERO)
        if shares > 0:
            costs = [lot.cost for lot in q]
            book.holdings[ticker] = Holding(
                ticker, cusips.get(ticker), shares,
                None if any(c is None for c in costs) else sum(costs, ZERO),  # type: ignore[arg-type]
                min(lot.date for lot in q))  # fmt: skip
    return book


def _apply(tx: Transaction, lots: dict[str, deque[_Lot]], cusips: dict[str, str | None],
           book: Book, basis: str) -> None:  # fmt: skip
    t, q = tx.type, lots.setdefault(tx.ticker, deque())
    if tx.cusip:
        cusips[tx.ticker] = tx.cusip
    else:
        cusips.setdefault(tx.ticker, None)
    if t in SHARES_IN:
        assert tx.shares is not None
        cost = (tx.shares * tx.price + (tx.fees if t is TxType.BUY else ZERO)
                if tx.price is not None else None)  # fmt: skip
        q.append(_Lot(tx.shares, cost, tx.date))
        if basis == "average" and len(q) > 1:
            _merge(q)
    elif t in SHARES_OUT:
        assert tx.shares is not None
        held = sum((lot.shares for lot in q), ZERO)
        if tx.shares > held:
            raise LedgerError(f"{t.value} of {_num(tx.shares)} {tx.ticker} on {tx.date}: only "
                              f"{_num(held)} held that day", tx)  # fmt: skip
        taken = _take(q, tx.shares)
        if t is TxType.SELL:
            proceeds = (tx.shares * tx.price - tx.fees) if tx.price is not None else None
            gain = proceeds - taken if proceeds is not None and taken is not None else None
            book.realised.append(Realised(tx, proceeds, taken, gain))
    elif t is TxType.SPLIT:
        assert tx.ratio is not None
        for lot in q:  # cost stays; shares multiply, so cost per share divides
            lot.shares *= tx.ratio
    elif t is TxType.DIVIDEND:
        book.dividends += tx.amount or ZERO
    elif t is TxType.FEE:
        book.fees += tx.amount or ZERO


def _merge(q: deque[_Lot]) -> None:
    """Average cost: every lot becomes one, at the average cost per share."""
    shares = sum((lot.shares for lot in q), ZERO)
    costs = [lot.cost for lot in q]
    cost = None if any(c is None for c in costs) else sum(costs, ZERO)  # type: ignore[arg-type]
    first = q[0].date
    q.clear()
    q.append(_Lot(shares, cost, first))


def _take(q: deque[_Lot], shares: Decimal) -> Decimal | None:
    """Take shares from the oldest lots (FIFO; one lot under average cost); their cost."""
    cost: Decimal | None = ZERO
    left = shares
    while left > 0 and q:
        lot = q[0]
        part = min(left, lot.shares)
        part_cost = (lot.cost * part / lot.shares) if lot.cost is not None else None
        cost = cost + part_cost if cost is not None and part_cost is not None else None
        if part == lot.shares:
            q.popleft()
        else:
            lot.shares -= part
            lot.cost = lot.cost - part_cost if lot.cost is not None and part_cost is not None \
                else None
        left -= part
    return cost


def check_ledger(txs: Sequence[Transaction], basis: str = "fifo") -> None:
    """Every entry possible, alone and in order; LedgerError names the first that is not."""
    for tx in txs:
        bad = check_entry(tx)
        if bad:
            raise LedgerError(f"{tx.type.value} of {tx.ticker} on {tx.date}: " + "; ".join(
                f"{k} {v}" for k, v in bad.items()), tx)  # fmt: skip
    replay(txs, None, basis)


def to_reach(held: Decimal, target: Decimal, ticker: str, day: dt.date, price: Decimal | None,
             note: str | None, origin: str, cusip: str | None = None) -> Transaction | None:
    """The one transaction that takes a position from `held` to `target` shares on `day`
    (a buy or a sell of the difference; None if they are equal): a statement, a
    reconciliation or `holding add --set` becomes explicit transactions through here."""
    if target == held:
        return None
    kind = TxType.BUY if target > held else TxType.SELL
    return Transaction(None, day, kind, ticker, cusip, abs(target - held), price,
                       note=note, origin=origin)  # fmt: skip


def _num(d: Decimal) -> str:
    return f"{d.normalize():,f}"
