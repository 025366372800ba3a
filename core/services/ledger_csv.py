"""CSV into an own ledger: a transactions file (ours, Portfolio Performance's or Wealthfolio's
export) imported all or nothing, and a holdings file of one date (a broker statement)
reconciled into the buys and sales that make the ledger agree with it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from core.domain.ledger import Transaction, TxType, replay, to_reach
from core.domain.own import TxInput
from core.files import InputFileError, read_input
from core.services.own import NOTE_LIMIT, Change, OwnPortfolios
from core.services.own_checks import HoldingError, check_decimal, shown
from core.services.prices import utc_now
from core.services.queries import InvalidRequestError

PROGRESS_EVERY = 2000  # lines checked between progress reports
SHOWN_ERRORS = 10

# Column names as each exporter writes them (compared lower-case, spaces and _ removed).
COLUMNS = {
    "date": ("date", "tradedate", "activitydate", "transactiondate", "datetime"),
    "type": ("type", "activitytype", "transactiontype", "action"),
    "ticker": ("ticker", "symbol", "tickersymbol", "cusip", "security"),
    "shares": ("shares", "quantity", "qty", "units"),
    "price": ("price", "unitprice", "pricepershare", "quote", "cost", "costpershare"),
    "fees": ("fees", "fee", "commission", "commissions"),
    "amount": ("amount", "value", "total", "netamount"),
    "ratio": ("ratio", "splitratio"),
    "note": ("note", "notes", "comment", "memo", "description"),
}
TYPES = {
    "buy": "buy", "purchase": "buy", "bought": "buy",
    "sell": "sell", "sale": "sell", "sold": "sell",
    "dividend": "dividend", "dividends": "dividend", "cashdividend": "dividend",
    "split": "split", "stocksplit": "split",
    "transferin": "transfer-in", "deliveryinbound": "transfer-in", "addholding": "transfer-in",
    "transferout": "transfer-out", "deliveryoutbound": "transfer-out",
    "removeholding": "transfer-out",
    "fee": "fee", "fees": "fee",
}  # fmt: skip
# Cash-only lines a full export holds: they move no shares and earn nothing from a holding,
# so they are counted and left out (named in the report), never refused.
CASH_ONLY = {"deposit", "removal", "withdrawal", "interest", "tax", "taxes", "taxrefund",
             "interestcharge", "feesrefund", "transferinbound", "transferoutbound"}  # fmt: skip


def _key(name: str | None) -> str:
    return re.sub(r"[\s_\-()]+", "", (name or "").strip().lower())


@dataclass(frozen=True, slots=True)
class TxLine:
    line: int
    raw: dict[str, str]
    tx: Transaction | None
    errors: dict[str, str]


@dataclass(frozen=True, slots=True)
class CsvProgress:
    """How far the check of a CSV has come (the window shows it)."""

    path: Path
    fraction: float  # 0..1 of the file's lines
    rows: int  # lines checked


@dataclass(frozen=True, slots=True)
class TxPreview:
    path: Path
    lines: list[TxLine]
    skipped: dict[str, int]  # cash-only lines left out, by type

    @property
    def bad(self) -> list[TxLine]:
        return [ln for ln in self.lines if ln.errors]


def _rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]], int]:
    """The header and the rows of a CSV (line numbers as an editor counts them)."""
    try:
        text = read_input(path).decode("utf-8-sig")
    except InputFileError as exc:
        raise InvalidRequestError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise InvalidRequestError(f"{path}: not UTF-8 text ({exc.reason})") from None
    fed = [0]

    def physical() -> Generator[str, None, None]:
        for line in io.StringIO(text, newline=""):
            fed[0] += 1
            yield line

    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(physical(), dialect=dialect)
    try:
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise InvalidRequestError(f"{path.name} line {fed[0]}: {exc}") from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for row in reader:
                yield fed[0], {k: v for k, v in row.items() if isinstance(k, str)}
        except csv.Error as exc:  # a field past csv's own limit (128 KiB), a stray quote
            raise InvalidRequestError(f"{path.name} line {fed[0]}: {exc} (notes are limited "
                                      f"to {NOTE_LIMIT:,} characters)") from None

    return header, rows(), max(1, text.count("\n"))


def _columns(path: Path, header: list[str], needed: tuple[str, ...]) -> dict[str, str]:
    by_key = {_key(h): h for h in header}
    found = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in by_key:
                found[name] = by_key[alias]
                break
    missing = [n for n in needed if n not in found]
    if missing:
        raise InvalidRequestError(f"{path.name} has no {', '.join(missing)} column (its "
                                  f"columns: {', '.join(shown(h, 30) for h in header)})")
    return found


def _date(text: str) -> str:
    """ISO dates as exporters write them: 2024-01-15, 2024-01-15T00:00, ...T00:00:00Z."""
    text = (text or "").strip()
    return text[:10] if len(text) > 10 and text[10] in "T " else text


def preview_transactions(own: OwnPortfolios, path: Path
                         ) -> Generator[CsvProgress, None, TxPreview]:  # fmt: skip
    """Every line of a transactions CSV checked (nothing stored), yielding progress. A buy
    or sale without a price but with its total amount gets the price the amount implies.
    A file without a type column is a list of holdings bought (ticker, shares, date, cost
    per share optional, note)."""
    path = Path(path)
    header, rows, total = _rows(path)
    cols = _columns(path, header, ("date", "ticker"))
    bought = "type" not in cols
    if bought and "shares" not in cols:
        raise InvalidRequestError(f"{path.name} has no type or shares column")
    known = own.known()
    today = utc_now().date()
    raws, skipped = [], {}
    for number, row in rows:
        raw = {k: (row.get(c) or "").strip() for k, c in cols.items()}
        if not any(raw.values()):
            continue
        kind = "buy" if bought else _key(raw.get("type"))
        if kind in CASH_ONLY:
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        raw["type"] = TYPES.get(kind, raw.get("type", ""))
        raws.append((number, raw))
    own.ask_provider({raw["ticker"] for _, raw in raws}, known)
    lines = []
    for i, (number, raw) in enumerate(raws, 1):
        fields = _implied(raw)
        try:
            tx = own.check_tx(TxInput(**fields), today=today, known=known, origin="csv",
                              need_price=not bought)  # fmt: skip
            lines.append(TxLine(number, raw, tx, {}))
        except HoldingError as exc:
            lines.append(TxLine(number, raw, None, exc.fields))
        if i % PROGRESS_EVERY == 0:
            yield CsvProgress(path, number / total, i)
    return TxPreview(path, lines, skipped)


def _implied(raw: dict[str, str]) -> dict[str, str | None]:
    """The entry's fields; an exporter's total stands in for a missing price (buy: the
    amount less fees; sale: plus fees) and is a dividend's or fee's cash."""
    kind = raw.get("type", "")
    out: dict[str, str | None] = {
        "type": kind, "ticker": raw.get("ticker", ""), "date": _date(raw.get("date", "")),
        "shares": _abs(raw.get("shares")), "note": raw.get("note") or None,
    }  # fmt: skip
    if kind in ("buy", "sell", "transfer-in", "transfer-out"):
        out["price"] = raw.get("price") or None
        if kind in ("buy", "sell"):
            out["fees"] = raw.get("fees") or None
        if not out["price"] and raw.get("amount") and out["shares"] and kind in ("buy", "sell"):
            errors: dict[str, str] = {}
            amount = check_decimal(_abs(raw["amount"]), "amount", errors)
            shares = check_decimal(out["shares"], "shares", errors)
            fees = check_decimal(out["fees"] or "0", "fees", errors)
            if not errors and shares and amount is not None and fees is not None:
                gross = amount - fees if kind == "buy" else amount + fees
                out["price"] = str((gross / shares).quantize(Decimal("0.00000001")))
    elif kind in ("dividend", "fee"):
        out["amount"] = _abs(raw.get("amount")) or None
    elif kind == "split":
        out["ratio"] = raw.get("ratio") or None
    return out


def _abs(text: str | None) -> str | None:
    """Exports write outflows negative ("-1,234.50"): the sign is the type's to say."""
    text = (text or "").strip()
    return text[1:] if text.startswith("-") else (text or None)


def import_transactions(own: OwnPortfolios, path: Path, portfolio: str) -> tuple[Change, TxPreview]:
    """All lines or none, in one transaction (checked against the ledger as a whole)."""
    preview = _run(preview_transactions(own, path))
    bad = preview.bad
    if bad:
        raise InvalidRequestError(f"{len(bad)} bad line(s), nothing imported: " + "; ".join(
            f"line {ln.line}: " + ", ".join(f"{k} {v}" for k, v in ln.errors.items())
            for ln in bad[:SHOWN_ERRORS]))  # fmt: skip
    if not preview.lines:
        raise InvalidRequestError(f"{Path(path).name} has no transactions")
    return own.add_transactions(portfolio, [ln.tx for ln in preview.lines if ln.tx]), preview


# -- reconciliation -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Difference:
    ticker: str
    held: Decimal  # derived from the ledger for the date
    stated: Decimal  # in the broker's statement
    tx: Transaction  # the buy or sale that closes the gap


def reconcile(own: OwnPortfolios, path: Path, portfolio: str, day: dt.date) -> list[Difference]:
    """A holdings CSV (ticker, shares; a price or cost column optional) of `day` against
    the holdings the ledger derives for that day: one buy or sale per difference, marked
    "reconcile" (a ticker the file leaves out is sold). Nothing is stored."""
    path = Path(path)
    if day > utc_now().date():
        raise HoldingError({"date": f"{day} is in the future"})
    header, rows, _ = _rows(path)
    cols = _columns(path, header, ("ticker", "shares"))
    known = own.known()
    stated: dict[str, tuple[Transaction, int]] = {}
    errors: list[str] = []
    entries = [(n, {k: (row.get(c) or "").strip() for k, c in cols.items()}) for n, row in rows]
    own.ask_provider({raw["ticker"] for _, raw in entries}, known)
    for number, raw in entries:
        if not any(raw.values()):
            continue
        try:
            tx = own.check_tx(TxInput("buy", raw.get("ticker", ""), day.isoformat(),
                                      shares=raw.get("shares"), price=raw.get("price") or None),
                              known=known, need_price=False)  # fmt: skip
        except HoldingError as exc:
            errors.append(f"line {number}: " + ", ".join(f"{k} {v}" for k, v in exc.fields.items()))
            continue
        if tx.ticker in stated:
            errors.append(f"line {number}: ticker {tx.ticker} also on line {stated[tx.ticker][1]}")
            continue
        stated[tx.ticker] = (tx, number)
    if errors:
        raise InvalidRequestError(f"{len(errors)} bad line(s), nothing reconciled: "
                                  + "; ".join(errors[:SHOWN_ERRORS]))  # fmt: skip
    held = replay(own.transactions(portfolio), day, own.cost_basis).holdings
    note = f"reconciled with {path.name} of {day}"
    out = []
    for ticker in sorted(held.keys() | stated.keys()):
        has = held[ticker].shares if ticker in held else Decimal(0)
        s = stated.get(ticker)
        wants = s[0].shares if s else Decimal(0)
        step = to_reach(has, wants or Decimal(0), ticker, day, s[0].price if s else None, note,
                        "reconcile", s[0].cusip if s else held[ticker].cusip)  # fmt: skip
        if step is not None:
            if step.type is TxType.SELL:
                step = replace(step, price=None)
            out.append(Difference(ticker, has, wants or Decimal(0),
                                  replace(step, verified=s[0].verified if s else True)))
    return out


def _run(gen: Generator[object, None, TxPreview]) -> TxPreview:
    """Drive a progress generator to its end and return what it returns."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value
