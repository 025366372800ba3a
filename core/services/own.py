"""Your own portfolios: create, rename, delete; holdings entered as dated statements and
checked field by field; CSV import with a per-line preview; profit and loss; compare."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from core.domain import cusip as cusips
from core.domain.own import CheckedHolding, HoldingInput, OwnHolding
from core.domain.positions import PortfolioRef
from core.files import InputFileError, read_input
from core.services.companies import TICKER
from core.services.prices import PriceNow, PriceRefresher, utc_now
from core.services.queries import InvalidRequestError, NotFoundError, PortfolioQueries
from core.storage.database import Database
from core.storage.own_store import OwnStore
from core.storage.repositories import Repository

# Shares and costs are kept exactly as typed, NUMERIC(24, 8): 8 decimal places and up to 16
# digits before the point. More places are refused, never rounded away.
PLACES = 8
INTEGER_DIGITS = 16
MAXIMUM = Decimal(10) ** INTEGER_DIGITS
QUANTUM = Decimal(1).scaleb(-PLACES)
NOTE_LIMIT = 1000  # characters
PROGRESS_EVERY = 2000  # CSV lines checked between progress reports
QUOTE_BATCH = 100  # unknown tickers asked of the price provider at once


class HoldingError(InvalidRequestError):
    """Bad holding input; `fields` maps each bad field to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True, slots=True)
class _Known:
    """What many checks share: company tickers by CUSIP, CUSIPs by ticker, and the
    provider's answers so far (ticker -> (known, reason))."""

    by_cusip: dict[str, str | None]
    by_ticker: dict[str, str]
    asked: dict[str, tuple[bool, str]]


@dataclass(slots=True)
class Recording:
    """An edit's statements as they stood right before and right after its write, read
    inside the write's own transaction (nobody else's rows slip in between)."""

    portfolio: PortfolioRef
    days: list[dt.date]
    before: dict[dt.date, list[OwnHolding] | None] | None = None
    after: dict[dt.date, list[OwnHolding] | None] | None = None

    def read(self, store: OwnStore) -> dict[dt.date, list[OwnHolding] | None]:
        dates = set(store.statement_dates(self.portfolio))
        return {d: store.holdings(self.portfolio, d) if d in dates else None for d in self.days}


@dataclass(frozen=True, slots=True)
class PreviewLine:
    line: int
    raw: dict[str, str]
    holding: CheckedHolding | None
    errors: dict[str, str]


@dataclass(frozen=True, slots=True)
class CsvProgress:
    """How far the check of a holdings CSV has come (the window shows it)."""

    path: Path
    fraction: float  # 0..1 of the file's lines
    rows: int  # lines checked


@dataclass(frozen=True, slots=True)
class Pnl:
    ticker: str
    shares: Decimal
    cost_per_share: Decimal | None
    price: float | None
    value: float | None
    cost: float | None
    pnl: float | None
    pnl_pct: float | None
    day_change: float | None = None  # shares x (price - previous close), where both known
    quote_time: dt.datetime | None = None  # when the price was printed

    def at(self, quote: PriceNow | None) -> Pnl:
        """This line at another price (a streamed tick): the same rule as `pnl`."""
        return pnl_line(self.ticker, self.shares, self.cost_per_share, quote)


def pnl_at(lines: list[Pnl], prices: dict[str, PriceNow]) -> list[Pnl]:
    """The lines at the streamed prices newer than their own, by `pnl`'s rule."""
    return [line.at(prices[line.ticker]) if line.ticker in prices
            and prices[line.ticker].newer_than(line.quote_time) else line
            for line in lines]  # fmt: skip


def pnl_line(ticker: str, shares: Decimal, cost_per_share: Decimal | None,
             quote: PriceNow | None) -> Pnl:  # fmt: skip
    """One holding's P&L at a quote: a market price only (live or cached, never a filing's
    implied one), against cost where given; the day's change where the quote has a
    previous close."""
    q = quote
    price = q.price if q is not None and q.source in ("live", "cache") else None
    value = float(shares) * price if price is not None else None
    cost = float(shares * cost_per_share) if cost_per_share is not None else None
    pnl = value - cost if value is not None and cost is not None else None
    day_change = (float(shares) * (price - q.previous_close)
                  if price is not None and q and q.previous_close else None)  # fmt: skip
    return Pnl(ticker, shares, cost_per_share, price, value, cost, pnl,
               pnl / cost * 100 if pnl is not None and cost else None, day_change,
               q.quote_time if price is not None and q is not None else None)


@dataclass(frozen=True, slots=True)
class PnlTotals:
    """A statement's sums; a position without a price (or a cost) is left out of the sums
    that need it and counted in `unpriced` (or `no_cost`)."""

    statement: dt.date | None
    positions: int
    value: float  # market value of the priced positions
    cost: float  # cost of the positions with a cost
    pnl: float | None  # over positions with both a price and a cost
    pnl_pct: float | None
    day_change: float | None
    unpriced: int
    no_cost: int


def pnl_totals(rows: list[Pnl], statement: dt.date | None = None) -> PnlTotals:
    """The totals row of a P&L table (the same figures `pnl` prints)."""
    both = [r for r in rows if r.pnl is not None and r.cost is not None]
    gain = sum(r.pnl for r in both) if both else None  # type: ignore[misc]
    basis = sum(r.cost for r in both)  # type: ignore[misc]
    days = [r.day_change for r in rows if r.day_change is not None]
    return PnlTotals(
        statement=statement, positions=len(rows),
        value=sum(r.value for r in rows if r.value is not None),
        cost=sum(r.cost for r in rows if r.cost is not None),
        pnl=gain, pnl_pct=gain / basis * 100 if gain is not None and basis else None,
        day_change=sum(days) if days else None,
        unpriced=sum(1 for r in rows if r.value is None),
        no_cost=sum(1 for r in rows if r.cost is None),
    )  # fmt: skip


class OwnPortfolios:
    def __init__(self, db: Database, queries: PortfolioQueries, prices: PriceRefresher,
                 online: Callable[[], bool]) -> None:  # fmt: skip
        self.db = db
        self.queries = queries
        self.prices = prices
        self.online = online
        self._recording = threading.local()  # this thread's open Recording, if any

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

    def delete(self, name: str) -> tuple[PortfolioRef, list[OwnHolding]]:
        """Delete; returns what was there, so the GUI can undo by putting it back."""
        p = self._own(name)

        def work(s) -> list[OwnHolding]:
            store = OwnStore(s)
            held = store.holdings(p)
            store.delete(p)
            return held

        return p, self.db.transaction(work)

    def restore(self, name: str, held: list[OwnHolding]) -> PortfolioRef:
        """Re-create a deleted portfolio with its holdings (undo of delete)."""

        def work(s) -> PortfolioRef:
            store = OwnStore(s)
            p = store.create(name)
            for h in sorted(held, key=lambda h: h.statement_date):
                store.put(p, CheckedHolding(h.ticker, h.cusip, h.shares, h.statement_date,
                                            h.cost_per_share, h.note, h.verified))  # fmt: skip
            return p

        return self.db.transaction(work)

    # -- holdings -------------------------------------------------------------------------
    def check(self, raw: HoldingInput, today: dt.date | None = None,
              use_network: bool = True, known: _Known | None = None) -> CheckedHolding:
        """Every field checked; HoldingError names each bad one. A ticker must be a known
        company or, online, one the price provider knows; offline it is accepted and marked
        unverified. A CUSIP (9 characters) must pass its check digit. `known` holds the
        companies read once for many checks (a CSV), else they are read for this one."""
        today = today or utc_now().date()
        errors: dict[str, str] = {}
        symbol = (raw.ticker or "").strip().upper()
        ticker, cusip = symbol, None
        if not symbol:
            errors["ticker"] = "give a ticker or a CUSIP"
        shares = _decimal(raw.shares, "shares", errors)
        if shares is not None and shares <= 0:
            errors["shares"] = f"{_shown(raw.shares)} is not more than zero"
        try:
            day = dt.date.fromisoformat((raw.date or "").strip())
            if day > today:
                errors["date"] = f"{day} is in the future"
        except ValueError:
            errors["date"] = f"{_shown(raw.date)} is not a date like 2025-07-01"
            day = today
        cost = _decimal(raw.cost, "cost", errors) if (raw.cost or "").strip() else None
        if cost is not None and cost < 0:
            errors["cost"] = f"{_shown(raw.cost)} is negative"
        verified = False
        if symbol and "ticker" not in errors:
            known = known or self.known()
            if _looks_like_cusip(symbol):
                company_ticker = known.by_cusip.get(symbol)
                if not cusips.is_valid(symbol):
                    errors["ticker"] = f"CUSIP {symbol} fails its check digit"
                elif not company_ticker:
                    errors["ticker"] = f"CUSIP {symbol} has no known ticker: map it first"
                else:
                    ticker, cusip, verified = company_ticker, symbol, True
            elif not TICKER.match(symbol):
                errors["ticker"] = f"{_shown(symbol)} is not a ticker (letters, digits, . - ^ =)"
            elif symbol in known.by_ticker:
                cusip, verified = known.by_ticker[symbol], True
            if "ticker" not in errors and not verified and use_network and self.online():
                if ticker not in known.asked:  # one question per ticker, however many lines
                    answer = self.prices.provider.quotes([ticker])
                    known.asked[ticker] = (ticker in answer.quotes,
                                           answer.failed.get(ticker, "").lower())  # fmt: skip
                verified, reason = known.asked[ticker]
                if not verified and ("unknown" in reason or "no quote" in reason):
                    errors["ticker"] = f"{ticker} is not known to {self.prices.provider.name}"
                # Any other failure (no network, a time-out): accepted, marked unverified.
        note = (raw.note or "").strip() or None
        if note is not None and len(note) > NOTE_LIMIT:
            errors["note"] = f"is {len(note):,} characters, over the limit of {NOTE_LIMIT:,}"
        if errors:
            raise HoldingError(errors)
        assert shares is not None
        return CheckedHolding(ticker, cusip, shares, day, cost, note, verified)

    def known(self) -> _Known:
        """Companies' CUSIPs and tickers, read in one short transaction."""
        with self.db.session(write=False) as s:  # a read: never queues
            repo = Repository(s)
            by_cusip = {c.cusip: c.ticker for c in repo.companies()}
            by_ticker = {t: c for c, t in repo.tickers().items()}
        return _Known(by_cusip, by_ticker, {})

    def add(self, portfolio: str, raw: HoldingInput) -> tuple[int, CheckedHolding]:
        p = self._own(portfolio)
        h = self.check(raw)
        # One transaction, run again on a PostgreSQL serialization failure or deadlock.
        return self._statement_write(p, lambda store: store.put(p, h)), h

    def recording(self, recording: Recording) -> _Recorder:
        """`with own.recording(r): own.add(...)`: the add's transaction also reads r's
        statements before and after it writes (undo then knows exactly what it changed)."""
        return _Recorder(self._recording, recording)

    def _statement_write(self, p: PortfolioRef, write: Callable[[OwnStore], object]):
        """One write transaction on p's statements, run again on a serialization failure;
        recorded if a recording of p is open on this thread."""
        recording: Recording | None = getattr(self._recording, "current", None)
        if recording is not None and recording.portfolio.id != p.id:
            recording = None

        if recording is None:
            return self.db.transaction(lambda s: write(OwnStore(s)))

        def work(s):
            store = OwnStore(s)
            store.lock(p)  # nobody else writes p's statements until this commits
            before = recording.read(store)
            out = write(store)
            s.flush()
            s.expire_all()  # read back as stored, as a later read will see them
            return out, before, recording.read(store)

        out, before, after = self.db.transaction(work)  # a retried run counts once
        if recording.before is None:  # an edit of several writes: before the first
            recording.before = before
        recording.after = after
        return out

    def statement(self, portfolio: str, day: dt.date) -> list[OwnHolding] | None:
        """The holdings of one statement, or None if there is no statement that day."""
        p = self._own(portfolio)
        with self.db.session(write=False) as s:  # a read: never queues
            store = OwnStore(s)
            if day not in store.statement_dates(p):
                return None
            return store.holdings(p, day)

    def set_statement(self, portfolio: str, day: dt.date,
                      holdings: list[OwnHolding] | None) -> None:  # fmt: skip
        """Make one statement exactly `holdings` (None: no statement that day), in one
        transaction. Undo and redo of every edit go through here."""
        p = self._own(portfolio)
        self.db.transaction(lambda s: OwnStore(s).replace_statement(p, day, holdings))

    def holdings(self, portfolio: str | None = None) -> list[tuple[str, OwnHolding]]:
        ports = [self._own(portfolio)] if portfolio else [
            p for p in self.queries.portfolios() if p.kind == "own"]  # fmt: skip
        out = []
        with self.db.session(write=False) as s:  # a read: never queues
            store = OwnStore(s)
            for p in ports:
                out += [(p.name, h) for h in store.holdings(p)]
        return out

    def remove(self, holding_id: int) -> OwnHolding:
        gone = self.db.transaction(lambda s: OwnStore(s).remove(holding_id))
        if gone is None:
            raise NotFoundError(f"no holding with id {holding_id}")
        return gone

    # -- CSV --------------------------------------------------------------------------------
    def preview_csv(self, path: Path) -> list[PreviewLine]:
        """Every line checked; nothing stored. Columns: ticker, shares, date, cost, note."""
        return _run(self.preview_csv_steps(path))

    def preview_csv_steps(self, path: Path) -> Generator[CsvProgress, None, list[PreviewLine]]:
        """`preview_csv` as a generator: yields CsvProgress every few thousand lines."""
        path = Path(path)
        try:
            text = read_input(path).decode("utf-8-sig")
        except InputFileError as exc:
            raise InvalidRequestError(str(exc)) from None
        except UnicodeDecodeError as exc:
            raise InvalidRequestError(f"{path}: not UTF-8 text ({exc.reason})") from None
        total = max(1, text.count("\n"))
        # Lines as an editor counts them (str.splitlines also breaks at \x0c, U+2028 ...), and
        # counted as fed: csv's line_num lags one line behind when a field breaks its limit.
        fed = [0]

        def physical_lines() -> Generator[str, None, None]:
            for line in io.StringIO(text, newline=""):
                fed[0] += 1
                yield line

        reader = csv.DictReader(physical_lines())
        lines = []
        known = self.known()
        today = utc_now().date()
        try:
            names = {(n or "").strip().lower(): n for n in reader.fieldnames or []}
            missing = [c for c in ("ticker", "shares", "date") if c not in names]
            if missing:
                raise InvalidRequestError(f"{path.name} has no {', '.join(missing)} column")
            columns = [(k, names.get(k)) for k in ("ticker", "shares", "date", "cost", "note")]
            raws = []
            for row in reader:
                raw = {k: (row.get(n) or "") if n else "" for k, n in columns}
                if any(v.strip() for v in raw.values()):
                    raws.append((reader.line_num, raw))
        except csv.Error as exc:  # a field past csv's own limit (128 KiB), a stray quote
            raise InvalidRequestError(f"{path.name} line {fed[0]}: {exc} "
                                      f"(notes are limited to {NOTE_LIMIT:,} characters)") from None
        self._ask_provider({raw["ticker"] for _, raw in raws}, known)
        for i, (number, raw) in enumerate(raws, 1):
            try:
                h = self.check(HoldingInput(**raw), today=today, known=known)
                lines.append(PreviewLine(number, raw, h, {}))
            except HoldingError as exc:
                lines.append(PreviewLine(number, raw, None, exc.fields))
            if i % PROGRESS_EVERY == 0:
                yield CsvProgress(path, number / total, i)
        seen: dict[tuple, int] = {}
        for i, ln in enumerate(lines):
            if ln.holding:
                key = (ln.holding.ticker, ln.holding.date)
                if key in seen:
                    lines[i] = PreviewLine(ln.line, ln.raw, None,
                                           {"ticker": f"also on line {seen[key]}"})  # fmt: skip
                else:
                    seen[key] = ln.line
        return lines

    def _ask_provider(self, symbols: set[str], known: _Known) -> None:
        """Online, ask the price provider about every ticker no company has, in batches of
        QUOTE_BATCH, before the lines are checked (not one request per ticker)."""
        if not self.online():
            return
        unknown = sorted(
            tk for tk in (s.strip().upper() for s in symbols)
            if tk and not _looks_like_cusip(tk) and TICKER.match(tk)
            and tk not in known.by_ticker and tk not in known.asked
        )  # fmt: skip
        for start in range(0, len(unknown), QUOTE_BATCH):
            batch = unknown[start : start + QUOTE_BATCH]
            answer = self.prices.provider.quotes(batch)
            for tk in batch:
                known.asked[tk] = (tk in answer.quotes, answer.failed.get(tk, "").lower())

    def store_lines(self, portfolio: str, lines: list[PreviewLine]) -> int:
        """Store previewed lines (all good) in one transaction; returns how many."""
        p = self._own(portfolio)
        holdings = [ln.holding for ln in lines if ln.holding is not None]
        if len(holdings) != len(lines):
            raise InvalidRequestError("some lines are not valid; nothing imported")
        self._statement_write(p, lambda store: store.put_many(p, holdings))
        return len(holdings)

    def import_csv(self, path: Path, portfolio: str) -> int:
        """All lines or none, in one transaction."""
        p = self._own(portfolio)
        lines = self.preview_csv(path)
        bad = [ln for ln in lines if ln.errors]
        if bad:
            shown = "; ".join(f"line {ln.line}: " + ", ".join(f"{k} {v}" for k, v in
                                                               ln.errors.items())
                              for ln in bad[:10])  # fmt: skip
            raise InvalidRequestError(f"{len(bad)} bad line(s), nothing imported: {shown}")
        if not lines:
            raise InvalidRequestError(f"{Path(path).name} has no holdings")
        return self.store_lines(p.name, lines)

    # -- analysis ---------------------------------------------------------------------------
    def pnl(self, portfolio: str, statement: dt.date | None = None) -> list[Pnl]:
        """A statement (the latest by default) at the latest cached prices, against cost
        where given; the day's change where the quote has a previous close."""
        p = self._own(portfolio)
        with self.db.session(write=False) as s:  # a read: never queues
            dates = OwnStore(s).statement_dates(p)
            day = statement if statement is not None else (dates[-1] if dates else None)
            latest = OwnStore(s).holdings(p, day) if day is not None and day in dates else []
        now = {x.ticker: x for x in self.prices.prices_now([h.ticker for h in latest],
                                                           live=False)}  # fmt: skip
        return [pnl_line(h.ticker, h.shares, h.cost_per_share, now.get(h.ticker))
                for h in latest]

    def compare(self, mine: str, other: str | None) -> dict:
        """Weights side by side (latest report of each) and the overlap, sum of min weights."""
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


def _looks_like_cusip(symbol: str) -> bool:
    """Nine characters, digits among the first eight, a digit last: no ticker looks so."""
    return (len(symbol) == 9 and symbol.isalnum() and symbol[8].isdigit()
            and any(c.isdigit() for c in symbol[:8]))  # fmt: skip


def _decimal(text: str | None, field: str, errors: dict[str, str]) -> Decimal | None:
    s = (text or "").strip().replace(",", "")
    if not s:
        errors[field] = "is required"
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        errors[field] = f"{_shown(text)} is not a number"
        return None
    if not value.is_finite():
        errors[field] = f"{_shown(text)} is not a number"
        return None
    if value.copy_abs() >= MAXIMUM:  # copy_abs: abs() would round, and overflow
        errors[field] = (f"{_shown(text)} is too large "
                         f"({INTEGER_DIGITS} digits before the point at most)")
        return None
    point = s.find(".")
    if "e" not in s and "E" not in s and (point < 0 or len(s) - point - 1 <= PLACES):
        return value  # at most 8 places as written: nothing to round (the common case)
    exact = value.quantize(QUANTUM)  # trailing zeros past the 8th place are harmless
    if exact != value:
        errors[field] = f"{_shown(text)} has more than {PLACES} decimal places"
        return None
    return exact if value.as_tuple().exponent < -PLACES else value  # type: ignore[operator]


def _shown(text: str | None, limit: int = 40) -> str:
    """A value quoted in a message, cut short: a megabyte pasted in stays out of errors."""
    r = repr(text or "")
    return r if len(r) <= limit else r[: limit - 4] + "...'"


def _run(gen: Generator[object, None, list[PreviewLine]]) -> list[PreviewLine]:
    """Drive a progress generator to its end and return what it returns."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


class _Recorder:
    """The context manager of OwnPortfolios.recording."""

    def __init__(self, local: threading.local, recording: Recording) -> None:
        self.local, self.recording = local, recording

    def __enter__(self) -> Recording:
        self.local.current = self.recording
        return self.recording

    def __exit__(self, *_exc) -> None:
        self.local.current = None
