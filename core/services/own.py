"""Your own portfolios: create, rename, delete; their ledgers of transactions, every entry
checked field by field and against the ledger; undoable changes; profit and loss at any
date; compare with a filer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal

from core.domain import cusip as cusips
from core.domain.ledger import (
    SHARES_IN,
    SHARES_OUT,
    Holding,
    LedgerError,
    Transaction,
    TxType,
    check_entry,
    check_ledger,
    replay,
    to_reach,
)
from core.domain.own import HoldingInput, TxInput
from core.domain.positions import PortfolioRef
from core.services.companies import TICKER
from core.services.own_checks import HoldingError, Known, check_decimal, looks_like_cusip, shown
from core.services.pnl import Pnl, PnlReport, PnlTotals, pnl_at, pnl_line, pnl_totals
from core.services.prices import PriceNow, PriceRefresher, utc_now
from core.services.queries import InvalidRequestError, NotFoundError, PortfolioQueries
from core.storage.database import Database
from core.storage.own_store import OwnStore, version
from core.storage.price_store import PriceStore
from core.storage.repositories import Repository

NOTE_LIMIT = 1000  # characters
QUOTE_BATCH = 100  # unknown tickers asked of the price provider at once

# One write's effect on the ledger: each row as it was before (None: absent) and after.
Change = list[tuple[Transaction | None, Transaction | None]]

# Which fields each type takes (beyond date, ticker and note).
FIELDS = {
    TxType.BUY: {"shares", "price", "fees"},
    TxType.SELL: {"shares", "price", "fees"},
    TxType.TRANSFER_IN: {"shares", "price"},
    TxType.TRANSFER_OUT: {"shares", "price"},
    TxType.DIVIDEND: {"amount"},
    TxType.FEE: {"amount"},
    TxType.SPLIT: {"ratio"},
}


class EditConflict(InvalidRequestError):
    """Another writer changed a row this undo or redo would put back: nothing was done."""


class OwnPortfolios:
    def __init__(self, db: Database, queries: PortfolioQueries, prices: PriceRefresher,
                 online: Callable[[], bool], cost_basis: str = "fifo") -> None:  # fmt: skip
        self.db = db
        self.queries = queries
        self.prices = prices
        self.online = online
        self.cost_basis = cost_basis

    # -- portfolios -----------------------------------------------------------------------
    def _own(self, name: str) -> PortfolioRef:
        p = self.queries.portfolio(name)
        if p.kind != "own":
            raise InvalidRequestError(f"{p.name} is a 13F filer's portfolio, not one of yours")
        return p

    @staticmethod
    def check_name(name: str) -> str:
        name = (name or "").strip()
        if not name or len(name) > 200:
            raise HoldingError({"name": "give a name of 1 to 200 characters"})
        if not all(c.isprintable() or c == " " for c in name):  # a line break, a tab, ESC
            raise HoldingError({"name": "give a name on one line, without control characters"})
        if name.isdigit():  # a name of digits would read as a filer's CIK everywhere
            raise HoldingError({"name": f"{name!r} looks like a filer CIK: use some letters"})
        return name

    def create(self, name: str) -> PortfolioRef:
        name = self.check_name(name)

        def work(s) -> PortfolioRef:
            store = OwnStore(s)
            if store.name_taken(name):
                raise HoldingError({"name": f"a portfolio named {name!r} exists"})
            return store.create(name)

        return self.db.transaction(work)

    def rename(self, old: str, new: str) -> PortfolioRef:
        p = self._own(old)
        new = self.check_name(new)

        def work(s) -> None:
            store = OwnStore(s)
            if new.lower() != p.name.lower() and store.name_taken(new):
                raise HoldingError({"name": f"a portfolio named {new!r} exists"})
            store.rename(p, new)

        self.db.transaction(work)
        return PortfolioRef(p.id, new, p.kind, p.cik)

    def delete(self, name: str) -> tuple[PortfolioRef, list[Transaction]]:
        """Delete; returns its ledger, so the GUI can undo by putting it back."""
        p = self._own(name)

        def work(s) -> list[Transaction]:
            store = OwnStore(s)
            store.lock(p)
            txs = store.transactions(p)
            store.delete(p)
            return txs

        return p, self.db.transaction(work)

    def restore(self, name: str, txs: list[Transaction]) -> PortfolioRef:
        """Re-create a deleted portfolio with its ledger (undo of delete)."""

        def work(s) -> PortfolioRef:
            store = OwnStore(s)
            p = store.create(name)
            store.add(p, [replace(t, id=None) for t in txs])
            return p

        return self.db.transaction(work)

    # -- checks ---------------------------------------------------------------------------
    def known(self) -> Known:
        """Companies' CUSIPs and tickers, read in one short transaction."""
        with self.db.session(write=False) as s:  # a read: never queues
            repo = Repository(s)
            by_cusip = {c.cusip: c.ticker for c in repo.companies()}
            by_ticker = {t: c for c, t in repo.tickers().items()}
        return Known(by_cusip, by_ticker, {})

    def ask_provider(self, symbols: set[str], known: Known) -> None:
        """Online, ask the price provider about every ticker no company has, in batches of
        QUOTE_BATCH, before many entries are checked (not one request per ticker)."""
        if not self.online():
            return
        unknown = sorted(
            tk for tk in (s.strip().upper() for s in symbols)
            if tk and not looks_like_cusip(tk) and TICKER.match(tk)
            and tk not in known.by_ticker and tk not in known.asked
        )  # fmt: skip
        for start in range(0, len(unknown), QUOTE_BATCH):
            batch = unknown[start : start + QUOTE_BATCH]
            answer = self.prices.provider.quotes(batch)
            for tk in batch:
                known.asked[tk] = (tk in answer.quotes, answer.failed.get(tk, "").lower())

    def _security(self, raw: str, errors: dict[str, str], known: Known | None,
                  use_network: bool) -> tuple[str, str | None, bool, Known | None]:  # fmt: skip
        """A ticker or a CUSIP as typed: (ticker, cusip, verified). A ticker must be a known
        company or, online, one the price provider knows; offline it is accepted and marked
        unverified. A CUSIP must pass its check digit and have a known ticker."""
        symbol = (raw or "").strip().upper()
        if not symbol:
            errors["ticker"] = "give a ticker or a CUSIP"
            return "", None, False, known
        known = known or self.known()
        if looks_like_cusip(symbol):
            company_ticker = known.by_cusip.get(symbol)
            if not cusips.is_valid(symbol):
                errors["ticker"] = f"CUSIP {symbol} fails its check digit"
            elif not company_ticker:
                errors["ticker"] = f"CUSIP {symbol} has no known ticker: map it first"
            else:
                return company_ticker, symbol, True, known
            return symbol, None, False, known
        if not TICKER.match(symbol):
            errors["ticker"] = f"{shown(symbol)} is not a ticker (letters, digits, . - ^ =)"
            return symbol, None, False, known
        if symbol in known.by_ticker:
            return symbol, known.by_ticker[symbol], True, known
        if use_network and self.online():
            if symbol not in known.asked:  # one question per ticker, however many lines
                answer = self.prices.provider.quotes([symbol])
                known.asked[symbol] = (symbol in answer.quotes,
                                       answer.failed.get(symbol, "").lower())  # fmt: skip
            verified, reason = known.asked[symbol]
            if not verified and ("unknown" in reason or "no quote" in reason):
                errors["ticker"] = f"{symbol} is not known to {self.prices.provider.name}"
            return symbol, None, verified, known
        return symbol, None, False, known  # offline, or any other failure: unverified

    def check_tx(self, raw: TxInput, today: dt.date | None = None, use_network: bool = True,
                 known: Known | None = None, origin: str = "user",
                 need_price: bool = True) -> Transaction:  # fmt: skip
        """Every field of one entry checked; HoldingError names each bad one. A buy's or a
        sale's price is required unless `need_price` is off (a holding entered without its
        cost); a field the type does not take is refused rather than ignored."""
        today = today or utc_now().date()
        errors: dict[str, str] = {}
        try:
            kind = TxType((raw.type or "").strip().lower().replace("_", "-"))
        except ValueError:
            errors["type"] = (f"{shown(raw.type)} is not one of "
                              f"{', '.join(t.value for t in TxType)}")  # fmt: skip
            kind = None
        ticker, cusip, verified, known = self._security(raw.ticker, errors, known, use_network)
        try:
            day = dt.date.fromisoformat((raw.date or "").strip())
            if day > today:
                errors["date"] = f"{day} is in the future"
        except ValueError:
            errors["date"] = f"{shown(raw.date)} is not a date like 2025-07-01"
            day = today
        values: dict[str, Decimal | None] = {}
        wanted = FIELDS.get(kind, set()) if kind else set()
        for name in ("shares", "price", "fees", "amount", "ratio"):
            text = getattr(raw, name)
            if text is None or not str(text).strip():
                values[name] = None
                continue
            if kind is not None and name not in wanted:
                errors[name] = f"a {kind.value} takes no {name}"
                continue
            values[name] = check_decimal(text, name, errors)
        for name, low, why in (("shares", 0, "must be more than zero"),
                               ("price", -1, "is negative"), ("fees", -1, "is negative"),
                               ("amount", 0, "must be more than zero"),
                               ("ratio", 0, "a split's ratio (new shares per old share) "
                                "must be more than zero")):  # fmt: skip
            value = values.get(name)
            if value is not None and (value <= 0 if low == 0 else value < 0):
                errors[name] = why
        if kind is not None:
            if kind in (*SHARES_IN, *SHARES_OUT) and values["shares"] is None \
                    and "shares" not in errors:
                errors["shares"] = "is required"
            if kind in (TxType.BUY, TxType.SELL) and need_price and values["price"] is None \
                    and "price" not in errors:
                errors["price"] = f"a {kind.value} needs its price per share"
            if kind in (TxType.DIVIDEND, TxType.FEE) and values["amount"] is None \
                    and "amount" not in errors:
                errors["amount"] = f"a {kind.value} needs its cash amount"
            if kind is TxType.SPLIT and values["ratio"] is None and "ratio" not in errors:
                errors["ratio"] = "a split needs its ratio (2 for a 2-for-1)"
        note = (raw.note or "").strip() or None
        if note is not None and len(note) > NOTE_LIMIT:
            errors["note"] = f"is {len(note):,} characters, over the limit of {NOTE_LIMIT:,}"
        tx = None
        if kind is not None and not errors:
            tx = Transaction(None, day, kind, ticker, cusip, values["shares"], values["price"],
                             values["fees"] or Decimal(0), values["amount"], values["ratio"],
                             note=note, origin=origin, verified=verified)  # fmt: skip
            for name, why in check_entry(tx).items():
                errors[name] = why
        if errors:
            raise HoldingError(errors)
        assert tx is not None
        return tx

    def check(self, raw: HoldingInput, today: dt.date | None = None,
              use_network: bool = True, known: Known | None = None) -> Transaction:  # fmt: skip
        """A holding as entered before the ledger (ticker, shares, date, cost per share):
        a buy of those shares at that cost (the cost may be left out)."""
        try:
            return self.check_tx(TxInput("buy", raw.ticker, raw.date, shares=raw.shares,
                                         price=raw.cost, note=raw.note),
                                 today, use_network, known, need_price=False)  # fmt: skip
        except HoldingError as exc:  # named as the user typed it: the cost
            raise HoldingError({("cost" if k == "price" else k): v
                                for k, v in exc.fields.items()}) from None

    # -- ledger writes ----------------------------------------------------------------------
    def _write(self, p: PortfolioRef, work: Callable[[OwnStore, list[Transaction]], Change]
               ) -> Change:  # fmt: skip
        """One write transaction on p's ledger: the ledger is read under p's lock, the
        change made, and the whole ledger checked after it (a backdated sale of more than
        was held then is refused, so is removing the buy a later sale needs); run again on
        a serialization failure."""

        def run(s) -> Change:
            store = OwnStore(s)
            store.lock(p)
            ledger = store.transactions(p)  # read once, before the write
            change = work(store, ledger)
            # The ledger after: as read before, with the change applied (one read, not two).
            after = {t.id: t for t in ledger}
            for before, made in change:
                if before is not None:
                    after.pop(before.id, None)
                if made is not None:
                    after[made.id] = made
            try:
                check_ledger(list(after.values()), self.cost_basis)
            except LedgerError as exc:
                raise HoldingError({"ledger": str(exc)}) from None
            return change

        return self.db.transaction(run)

    def add_transactions(self, portfolio: str, txs: Sequence[Transaction]) -> Change:
        p = self._own(portfolio)
        return self._write(p, lambda store, _now: [(None, t) for t in store.add(p, txs)])

    def add_tx(self, portfolio: str, raw: TxInput) -> tuple[Transaction, Change]:
        tx = self.check_tx(raw)
        change = self.add_transactions(portfolio, [tx])
        return change[0][1], change  # type: ignore[return-value]

    def add(self, portfolio: str, raw: HoldingInput, set_to: bool = False
            ) -> tuple[Transaction | None, Change]:  # fmt: skip
        """`holding add`: a buy of the shares; with `set_to`, the buy or sale that makes the
        position that many shares on that date (nothing if it already is)."""
        tx = self.check(raw)
        if not set_to:
            change = self.add_transactions(portfolio, [tx])
            return change[0][1], change
        p = self._own(portfolio)

        def work(store: OwnStore, now: list[Transaction]) -> Change:
            held = replay(list(now), tx.date, self.cost_basis).holdings.get(tx.ticker)
            step = to_reach(held.shares if held else Decimal(0), tx.shares or Decimal(0),
                            tx.ticker, tx.date, tx.price, tx.note, "user", tx.cusip)  # fmt: skip
            if step is None:
                return []
            return [(None, t) for t in store.add(p, [replace(step, verified=tx.verified)])]

        change = self._write(p, work)
        return (change[0][1] if change else None), change

    def edit_tx(self, tx_id: int, raw: TxInput) -> Change:
        """Replace one entry's fields (checked as a new one would be), keeping its id."""
        portfolio = self._portfolio_of(tx_id)
        tx = self.check_tx(raw, origin="user")

        def work(store: OwnStore, _now: list[Transaction]) -> Change:
            found = store.transaction(tx_id)
            if found is None:
                raise NotFoundError(f"no transaction with id {tx_id}")
            old = found[1]
            new = store.update(replace(tx, id=tx_id, created_at=old.created_at,
                                       origin=old.origin if old.origin != "statement"
                                       else "user", modified_at=utc_now()))  # fmt: skip
            return [(old, new)]

        return self._write(portfolio, work)

    def remove(self, tx_ids: Sequence[int]) -> Change:
        """Remove entries (one portfolio's); refused if a later sale needed them."""
        if not tx_ids:
            return []
        portfolio = self._portfolio_of(tx_ids[0])

        def work(store: OwnStore, _now: list[Transaction]) -> Change:
            out: Change = []
            for tx_id in tx_ids:
                found = store.transaction(tx_id)
                if found is None or found[0] != portfolio.id:
                    raise NotFoundError(f"no transaction with id {tx_id} in {portfolio.name}")
                store.remove(tx_id)
                out.append((found[1], None))
            return out

        return self._write(portfolio, work)

    def _portfolio_of(self, tx_id: int) -> PortfolioRef:
        with self.db.session(write=False) as s:
            found = OwnStore(s).transaction(tx_id)
            if found is None:
                raise NotFoundError(f"no transaction with id {tx_id}")
            by_id = {p.id: p for p in Repository(s).portfolios()}
        return by_id[found[0]]

    def swap(self, portfolio: str, change: Change, back: bool) -> None:
        """Undo (`back`) or redo a change in one transaction: every row it touched must
        still be exactly as the change left it (or, redoing, as it found it); else
        EditConflict and nothing is done. Rows the change did not touch are others' and
        stay; the ledger after must still be possible."""
        p = self._own(portfolio)
        pairs = [(after, before) if back else (before, after) for before, after in change]

        def work(store: OwnStore, now: list[Transaction]) -> Change:
            current = {t.id: t for t in now}
            conflicts = []
            for expect, _target in pairs:
                row_id = (expect or _target).id  # type: ignore[union-attr]
                if version(current.get(row_id)) != version(expect):
                    shown_tx = expect or _target
                    conflicts.append(f"{shown_tx.type.value} of {shown_tx.ticker} on "  # type: ignore[union-attr]
                                     f"{shown_tx.date}")  # type: ignore[union-attr]
            if conflicts:
                raise EditConflict(f"someone else changed {', '.join(conflicts)} in {p.name} "
                                   "since; nothing was changed")  # fmt: skip
            store.remove_many([e.id for e, target in pairs if target is None])  # type: ignore[union-attr,misc]
            store.put_back(p, [target for e, target in pairs if e is None])  # type: ignore[misc]
            for expect, target in pairs:
                if expect is not None and target is not None:
                    store.update(target)
            # What the ledger check sees: the rows as they will stand.
            return [(e, target) for e, target in pairs]

        self._write(p, work)

    # -- reads ------------------------------------------------------------------------------
    def transactions(self, portfolio: str) -> list[Transaction]:
        p = self._own(portfolio)
        with self.db.session(write=False) as s:
            return OwnStore(s).transactions(p)

    def all_transactions(self, portfolio: str | None = None
                         ) -> list[tuple[str, Transaction]]:  # fmt: skip
        ports = [self._own(portfolio)] if portfolio else [
            p for p in self.queries.portfolios() if p.kind == "own"]  # fmt: skip
        out = []
        with self.db.session(write=False) as s:
            store = OwnStore(s)
            for p in ports:
                out += [(p.name, t) for t in store.transactions(p)]
        return out

    def holdings_at(self, portfolio: str, day: dt.date | None = None) -> list[Holding]:
        """The positions the ledger derives for a date (today by default)."""
        txs = self.transactions(portfolio)
        book = replay(txs, day, self.cost_basis)
        return sorted(book.holdings.values(), key=lambda h: h.ticker)

    def pnl(self, portfolio: str, day: dt.date | None = None,
            latest: bool = False) -> PnlReport:  # fmt: skip
        """Holdings at `day` (today by default) at the latest cached prices (at `day`'s
        closes for a past date, unless `latest`), against their cost; realised gain and
        dividends up to then."""
        p = self._own(portfolio)
        with self.db.session(write=False) as s:
            txs = OwnStore(s).transactions(p)
            book = replay(txs, day, self.cost_basis)
            held = sorted(book.holdings.values(), key=lambda h: h.ticker)
            past = day is not None and day < utc_now().date() and not latest
            closes = {h.ticker: PriceStore(s).close_on_or_before(h.ticker, day)
                      for h in held} if past else {}  # fmt: skip
        if past:
            now = {t: PriceNow(t, b.close, source="cache", detail=f"close of {b.date}",
                               quote_time=dt.datetime.combine(b.date, dt.time(20), dt.UTC))
                   for t, b in closes.items() if b is not None}  # fmt: skip
        else:
            now = {x.ticker: x for x in self.prices.prices_now([h.ticker for h in held],
                                                               live=False)}  # fmt: skip
        lines = [pnl_line(h.ticker, h.shares, h.cost_per_share, now.get(h.ticker))
                 for h in held]
        return PnlReport(day or utc_now().date(), lines, book.realised_gain, book.dividends,
                         book.fees, len(txs))  # fmt: skip

    def compare(self, mine: str, other: str | None) -> dict:
        """Weights side by side (latest of each) and the overlap, sum of min weights."""
        a = self.queries.portfolio(mine)
        b = self.queries.portfolio(other)
        ha, hb = self.queries.holdings(a), self.queries.holdings(b)
        wa, wb = _weights_by_security(ha), _weights_by_security(hb)
        keys = sorted(set(wa) | set(wb), key=lambda k: -(wa.get(k, 0) + wb.get(k, 0)))
        return {
            "portfolio": a.name, "other": b.name,
            "period": ha.period.isoformat(), "other_period": hb.period.isoformat(),
            "overlap": sum(min(wa.get(k, 0), wb.get(k, 0)) for k in keys),
            "common": [k for k in keys if k in wa and k in wb],
            "positions": [{"ticker": k, "weight": wa.get(k), "other_weight": wb.get(k)}
                          for k in keys],
        }  # fmt: skip


def _weights_by_security(h) -> dict[str, float]:
    """Weights by ticker (else CUSIP), the name two books share; positions of one security
    filed as shares and as principal add up rather than overwrite each other."""
    out: dict[str, float] = {}
    for p in h.positions:
        if not p.is_option:
            k = p.ticker or p.cusip
            out[k] = out.get(k, 0.0) + (p.weight or 0.0)
    return out


__all__ = ["Change", "EditConflict", "HoldingError", "OwnPortfolios", "Pnl", "PnlReport",
           "PnlTotals", "pnl_at", "pnl_totals"]
