"""Commands about prices: prices refresh|show|import, quote, settings."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from core.cli.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    Parser,
    UsageError,
    add_network_options,
    date_arg,
    error_line,
    print_json,
    run_with_progress,
    table,
)

if TYPE_CHECKING:  # the price service loads when a price command runs
    from core.services.prices import PriceNow


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _tickers(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from core.domain.prices import normalize_ticker

    out = []
    for v in values:
        t = normalize_ticker(v)
        if not t or len(t) > 16 or not all(c.isalnum() or c in ".-^=" for c in t):
            raise UsageError(f"{v!r} is not a ticker")
        out.append(t)
    return out


# -- prices refresh -------------------------------------------------------------------------
def cmd_refresh(ctx, args, out: TextIO) -> int:
    tickers = _tickers(args.tickers)
    if ctx.settings.offline:
        print("offline: nothing fetched; cached prices are unchanged", file=out)
        return EXIT_OK
    report = run_with_progress(
        ctx.prices.refresh(tickers, since=args.since),
        (lambda p: f"[{p.done}/{p.total}] {p.message}".ljust(70)) if sys.stderr.isatty() else None,
    )
    rows = [
        (u.ticker, f"{u.rows_added:,}", u.last_date or "",
         "history refetched after a split" if u.refetched_for_split else
         ("up to date" if u.rows_added == 0 else "updated"))
        for u in sorted(report.updated.values(), key=lambda u: u.ticker)
    ]  # fmt: skip
    rows += [(t, "", "", f"FAILED: {why}") for t, why in sorted(report.failed.items())]
    print(table(["ticker", "rows added", "last date", "status"], rows, {1}), file=out)
    print(f"fetched {report.fetched_at:%Y-%m-%d %H:%M:%S} UTC in {report.seconds:.1f} s "
          f"from {ctx.provider.name}", file=out)  # fmt: skip
    if report.failed:
        listed = "; ".join(f"{t}: {why}" for t, why in sorted(report.failed.items()))
        print(error_line(f"{len(report.failed)} ticker(s) failed: {listed}"),
              file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


# -- prices show ----------------------------------------------------------------------------
def cmd_show(ctx, args, out: TextIO) -> int:
    from core.storage.price_store import PriceStore

    ticker = _tickers([args.ticker])[0]  # type: ignore[index]
    with ctx.db.session() as s:
        bars = PriceStore(s).bars(ticker, args.start, args.end)
    if not bars:
        raise UsageError(f"no cached prices for {ticker} in that range "
                         "(try 'stakewatch prices refresh' or 'prices import')")  # fmt: skip
    fields = ("date", "open", "high", "low", "close", "adj_close", "volume", "source")
    if args.json:
        print_json({"ticker": ticker, "bars": [
            {f: (getattr(b, f).isoformat() if f == "date" else getattr(b, f)) for f in fields}
            for b in bars
        ]}, out)  # fmt: skip
    elif args.csv:
        from core.services.cells import csv_row

        w = csv.writer(out, lineterminator="\n")
        w.writerow(fields)
        for b in bars:
            w.writerow(csv_row(getattr(b, f) if getattr(b, f) is not None else ""
                               for f in fields))  # fmt: skip
    else:
        def fmt(v: float | None) -> str:
            return "" if v is None else f"{v:,.2f}"

        rows = [(b.date, fmt(b.open), fmt(b.high), fmt(b.low), fmt(b.close),
                 f"{b.volume:,}" if b.volume is not None else "", b.source) for b in bars]
        print(f"{ticker}: {len(bars):,} daily bars, {bars[0].date} to {bars[-1].date} "
              "(closes adjusted for splits, not dividends)", file=out)  # fmt: skip
        print(table(["date", "open", "high", "low", "close", "volume", "source"], rows,
                    {1, 2, 3, 4, 5}), file=out)  # fmt: skip
    return EXIT_OK


# -- prices import --------------------------------------------------------------------------
def cmd_import_prices(ctx, args, out: TextIO) -> int:
    from core.services.price_import import import_csv

    ticker = _tickers([args.ticker])[0] if args.ticker else None  # type: ignore[index]
    report = import_csv(ctx.db, args.file, ticker)
    rows = [(t, first, last, f"{n:,}") for t, (first, last, n) in sorted(report.tickers.items())]
    print(f"{args.file}: {report.rows:,} daily bars loaded", file=out)
    print(table(["ticker", "first", "last", "rows"], rows, {3}), file=out)
    return EXIT_OK


# -- quote ----------------------------------------------------------------------------------
def quote_json(p: PriceNow) -> dict:
    return {
        "ticker": p.ticker,
        "price": p.price,
        "previous_close": p.previous_close,
        "change_pct": p.change_pct,
        "currency": p.currency,
        "quote_time": p.quote_time.isoformat() if p.quote_time else None,
        "age_seconds": round(p.age_seconds) if p.age_seconds is not None else None,
        "source": p.source,
        "detail": p.detail,
        **({"reason": p.reason} if p.reason else {}),
    }


def cmd_quote(ctx, args, out: TextIO) -> int:
    from core.services.prices import ALWAYS

    tickers = _tickers(args.tickers) or list(ALWAYS)
    prices = ctx.prices.prices_now(tickers, live=not ctx.settings.offline)
    if args.json:
        print_json([quote_json(p) for p in prices], out)
        return EXIT_OK
    rows = []
    for p in prices:
        if p.price is None:
            rows.append((p.ticker, "", "", "", "", "", f"none: {p.reason}"))
            continue
        change = f"{p.change_pct:+.2f}%" if p.change_pct is not None else ""
        when = f"{p.quote_time:%Y-%m-%d %H:%M} UTC" if p.quote_time else ""
        source = p.source or ""
        if p.detail:
            source += f" ({p.detail})"
        if p.reason and p.source != "live":
            source += f"; not live: {p.reason}"
        rows.append((p.ticker, f"{p.price:,.2f}", p.currency or "", change, when,
                     _age(p.age_seconds), source))  # fmt: skip
    print(table(["ticker", "price", "ccy", "change", "quote time", "age", "source"], rows,
                {1, 3, 5}), file=out)  # fmt: skip
    return EXIT_OK


# -- settings -------------------------------------------------------------------------------
def cmd_settings(ctx, args, out: TextIO) -> int:
    from dataclasses import asdict

    from core.services.settings import SETTING_HELP, SettingsStore

    store = SettingsStore(ctx.db)
    settings = store.set(args.name, args.value) if args.value is not None else store.load()
    values = asdict(settings)
    if args.name and args.name not in values:
        store.set(args.name, "")  # raises the error naming the settings there are
    names = [args.name] if args.name else list(values)
    def shown(name: str) -> str:
        value = values[name]
        if name == "openfigi_key" and value:
            return value[:4] + "…"  # a secret: enough to recognise, not to copy
        return value if isinstance(value, str) else str(value).lower()

    rows = [(n, shown(n), SETTING_HELP[n]) for n in names]
    print(table(["setting", "value", "meaning"], rows, set()), file=out)
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("prices", help="daily price history: refresh, show, import",
                       description="Daily price history, cached in the database.")
    psub = p.add_subparsers(dest="prices_command", metavar="ACTION", parser_class=Parser,
                            required=True)  # fmt: skip

    r = psub.add_parser(
        "refresh", help="fetch missing daily bars from Yahoo",
        description="Fetch the daily bars missing from the cache (incrementally; a new split "
        "refetches that ticker's history). With no TICKER: NVDA, CRWV and every ticker any "
        "stored filing holds. Prints per ticker the rows added and the last date, or why it "
        "failed; exit code 3 if any ticker failed. Nothing stored is ever deleted.",
    )  # fmt: skip
    r.add_argument("tickers", nargs="*", metavar="TICKER")
    r.add_argument("--since", type=date_arg, metavar="DATE",
                   help="fetch from this date even if cached (YYYY-MM-DD)")
    add_network_options(r)
    r.set_defaults(func=cmd_refresh)

    s = psub.add_parser("show", help="print cached daily bars",
                        description="Print a ticker's cached daily bars.")
    s.add_argument("ticker", metavar="TICKER")
    s.add_argument("--from", dest="start", type=date_arg, metavar="DATE")
    s.add_argument("--to", dest="end", type=date_arg, metavar="DATE")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    s.set_defaults(func=cmd_show)

    i = psub.add_parser(
        "import", help="load daily bars from a CSV file",
        description="Load daily bars from a CSV with a header row: date and close, and "
        "optionally open, high, low, adj close, volume, source and ticker (names matched "
        "case-insensitively). Without a ticker column give --ticker. Every line is checked "
        "first: any bad line (reported with its number) means nothing is loaded.",
    )  # fmt: skip
    i.add_argument("file", type=Path, metavar="FILE.csv")
    i.add_argument("--ticker", help="the ticker of every row (when the file has no column)")
    i.set_defaults(func=cmd_import_prices)

    q = sub.add_parser(
        "quote", help="latest price per ticker, and where it came from",
        description="Latest quote per ticker (default NVDA and CRWV): price, change, quote "
        "time, age and source: live (Yahoo now), cache (the last quote or close stored), or "
        "filing (value / shares in the latest 13F that holds it). Never waits past the "
        "deadline.",
    )  # fmt: skip
    q.add_argument("tickers", nargs="*", metavar="TICKER")
    q.add_argument("--json", action="store_true", help="print JSON")
    add_network_options(q)
    q.set_defaults(func=cmd_quote)

    st = sub.add_parser(
        "settings", help="show or change settings",
        description="With no NAME, list the settings; with NAME, show one; with NAME VALUE, "
        "change it. Settings live in the database: offline, deadline, quote_interval.",
    )  # fmt: skip
    st.add_argument("name", nargs="?", metavar="NAME")
    st.add_argument("value", nargs="?", metavar="VALUE")
    st.set_defaults(func=cmd_settings)
