"""Commands for your own portfolios: portfolio create|rename|delete; the ledger (tx add|list|
remove|import); holdings (holding add|list|remove|import-csv); pnl; compare; performance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from core.cli.common import (
    EXIT_OK,
    Parser,
    UsageError,
    add_network_options,
    date_arg,
    money,
    print_json,
    table,
)

TX_TYPES = ("buy", "sell", "dividend", "split", "transfer-in", "transfer-out", "fee")


def _num(d: Decimal | None) -> str:
    return f"{d.normalize():,f}" if d is not None else ""


def _str(d: Decimal | None) -> str | None:
    return format(d.normalize(), "f") if d is not None else None


def _pct(x: float | None) -> str:
    return f"{x * 100:+.2f}%" if x is not None else "n/a"


def cmd_portfolio(ctx, args, out: TextIO) -> int:
    own = ctx.own
    if args.action == "create":
        p = own.create(args.name)
        print(f"created portfolio {p.name!r}", file=out)
    elif args.action == "rename":
        if not args.new_name:
            raise UsageError("rename needs the new name: portfolio rename OLD NEW")
        p = own.rename(args.name, args.new_name)
        print(f"renamed {args.name!r} to {p.name!r}", file=out)
    else:
        p, txs = own.delete(args.name)
        print(f"deleted portfolio {p.name!r} and its {len(txs)} transaction(s)", file=out)
    return EXIT_OK


def describe(tx) -> str:
    """One entry in words: 'buy 10 NVDA at 120 (fees 1) on 2025-07-01'."""
    t = tx.type.value
    if t in ("dividend", "fee"):
        what = f"{t} of {_num(tx.amount)} on {tx.ticker}"
    elif t == "split":
        what = f"split of {tx.ticker} {_num(tx.ratio)} for 1"
    else:
        price = f" at {_num(tx.price)}" if tx.price is not None else ""
        fees = f" (fees {_num(tx.fees)})" if tx.fees else ""
        what = f"{t} {_num(tx.shares)} {tx.ticker}{price}{fees}"
    return f"{what} on {tx.date}"


def _said(tx, portfolio: str, out: TextIO) -> None:
    mark = "" if tx.verified else " (ticker unverified: checked when online)"
    print(f"transaction {tx.id}: {describe(tx)} in {portfolio!r}{mark}", file=out)


def cmd_tx_add(ctx, args, out: TextIO) -> int:
    from core.domain.own import TxInput

    tx, _change = ctx.own.add_tx(args.portfolio, TxInput(
        args.type, args.ticker, args.date, args.shares, args.price, args.fees, args.amount,
        args.ratio, args.note))  # fmt: skip
    _said(tx, args.portfolio, out)
    return EXIT_OK


def tx_json(name: str, t) -> dict:
    return {**t.as_json(), "portfolio": name}


def cmd_tx_list(ctx, args, out: TextIO) -> int:
    rows = ctx.own.all_transactions(args.portfolio)
    if args.json:
        print_json([tx_json(name, t) for name, t in rows], out)
        return EXIT_OK
    print(table(["id", "portfolio", "date", "type", "ticker", "shares", "price", "fees",
                 "amount", "note"],
                [(t.id, name, t.date, t.type.value, t.ticker, _num(t.shares), _num(t.price),
                  _num(t.fees) if t.fees else "",
                  _num(t.amount) if t.amount is not None else _num(t.ratio),
                  t.note or "") for name, t in rows], {0, 5, 6, 7, 8}), file=out)  # fmt: skip
    return EXIT_OK


def cmd_tx_remove(ctx, args, out: TextIO) -> int:
    change = ctx.own.remove(args.ids)
    for before, _ in change:
        print(f"removed transaction {before.id}: {describe(before)}", file=out)
    return EXIT_OK


def cmd_tx_import(ctx, args, out: TextIO) -> int:
    from core.services import ledger_csv

    if args.reconcile is None:
        change, preview = ledger_csv.import_transactions(ctx.own, args.file, args.portfolio)
        skipped = ", ".join(f"{n} {k}" for k, n in sorted(preview.skipped.items()))
        print(f"imported {len(change)} transaction(s) into {args.portfolio!r}"
              + (f"; left out {skipped} (cash only: not tracked)" if skipped else ""), file=out)
        return EXIT_OK
    diffs = ledger_csv.reconcile(ctx.own, args.file, args.portfolio, args.reconcile)
    if not diffs:
        print(f"{args.portfolio!r} already holds what {args.file.name} states for "
              f"{args.reconcile}: nothing to do", file=out)  # fmt: skip
        return EXIT_OK
    print(table(["ticker", "ledger", "statement", "makes"],
                [(d.ticker, _num(d.held), _num(d.stated), describe(d.tx)) for d in diffs],
                {1, 2}), file=out)  # fmt: skip
    if args.dry_run:
        print(f"{len(diffs)} difference(s); nothing recorded (--dry-run)", file=out)
        return EXIT_OK
    change = ctx.own.add_transactions(args.portfolio, [d.tx for d in diffs])
    print(f"recorded {len(change)} transaction(s) in {args.portfolio!r}", file=out)
    return EXIT_OK


def cmd_add(ctx, args, out: TextIO) -> int:
    from core.domain.own import HoldingInput

    tx, _ = ctx.own.add(args.portfolio, HoldingInput(args.ticker, args.shares, args.date,
                                                     args.cost, args.note), set_to=args.set)
    if tx is None:
        print(f"{args.portfolio!r} already holds {args.shares} {args.ticker.upper()} on "
              f"{args.date}: nothing recorded", file=out)  # fmt: skip
        return EXIT_OK
    _said(tx, args.portfolio, out)
    return EXIT_OK


def cmd_list(ctx, args, out: TextIO) -> int:
    names = [args.portfolio] if args.portfolio else [
        p.name for p in ctx.queries.portfolios() if p.kind == "own"]  # fmt: skip
    rows = [(name, h) for name in names for h in ctx.own.holdings_at(name, args.date)]
    day = (args.date or dt.date.today()).isoformat()
    if args.json:
        print_json([{"portfolio": name, "date": day, "ticker": h.ticker, "cusip": h.cusip,
                     "shares": _str(h.shares), "cost": _str(h.cost),
                     "cost_per_share": _str(h.cost_per_share), "since": h.opened.isoformat()}
                    for name, h in rows], out)  # fmt: skip
        return EXIT_OK
    print(f"holdings on {day}, from the ledger", file=out)
    print(table(["portfolio", "ticker", "shares", "cost/share", "cost", "held since"],
                [(name, h.ticker, _num(h.shares),
                  _num(h.cost_per_share.quantize(Decimal("0.0001")))
                  if h.cost_per_share is not None else "",
                  money(round(h.cost)) if h.cost is not None else "", h.opened)
                 for name, h in rows], {2, 3, 4}), file=out)  # fmt: skip
    return EXIT_OK


def cmd_import(ctx, args, out: TextIO) -> int:
    from core.services import ledger_csv

    change, _ = ledger_csv.import_transactions(ctx.own, args.file, args.portfolio)
    print(f"imported {len(change)} transaction(s) into {args.portfolio!r}", file=out)
    return EXIT_OK


def cmd_pnl(ctx, args, out: TextIO) -> int:
    r = ctx.own.pnl(args.portfolio, args.date)
    t = r.totals
    if args.json:
        print_json({
            "portfolio": args.portfolio, "date": r.day.isoformat(),
            "positions": [{"ticker": x.ticker, "shares": _str(x.shares),
                           "cost_per_share": _str(x.cost_per_share), "price": x.price,
                           "value": x.value, "cost": x.cost, "pnl": x.pnl,
                           "pnl_pct": x.pnl_pct} for x in r.lines],
            "value": t.value, "cost": t.cost, "unrealised_gain": t.pnl,
            "realised_gain": float(r.realised_gain) if r.realised_gain is not None else None,
            "dividends": float(r.dividends), "fees": float(r.fees),
            "unpriced": t.unpriced,
        }, out)  # fmt: skip
        return EXIT_OK

    def m(v):
        return money(round(v)) if v is not None else ""

    print(table(["ticker", "shares", "price", "value", "cost", "gain", "%"],
                [(x.ticker, _num(x.shares),
                  f"{x.price:,.2f}" if x.price is not None else "no price", m(x.value),
                  m(x.cost), m(x.pnl), f"{x.pnl_pct:+.2f}%" if x.pnl_pct is not None else "")
                 for x in r.lines], {1, 2, 3, 4, 5, 6}), file=out)  # fmt: skip
    realised = m(float(r.realised_gain)) if r.realised_gain is not None else "unknown (a " \
        "sale without its price)"
    print(f"on {r.day}: value {m(t.value)}, cost {m(t.cost)}, unrealised {m(t.pnl) or 'n/a'}; "
          f"realised {realised}; dividends ${float(r.dividends):,.2f}"
          + (f"; fees ${float(r.fees):,.2f}" if r.fees else "")
          + (f"; {t.unpriced} without a price (left out of the value)" if t.unpriced else ""),
          file=out)  # fmt: skip
    return EXIT_OK


def cmd_performance(ctx, args, out: TextIO) -> int:
    p = ctx.queries.portfolio(args.portfolio)
    r = ctx.performance.run(p, args.start, args.end, args.benchmark, args.rebalance)
    if args.json:
        print_json(r.as_json(), out)
        return EXIT_OK
    if r.twr is None:
        print(f"{r.portfolio}: no daily closes to value it yet (stakewatch prices refresh, or "
              "prices import FILE.csv)", file=out)  # fmt: skip
        return EXIT_OK
    what = ("what holding its disclosed book (from each filing's "
            f"{'filing date' if r.rebalance == 'filed' else 'period end'}) would have returned"
            if r.kind == "filer" else "your returns")  # fmt: skip
    print(f"{r.portfolio}, {r.start} to {r.end}: {what}", file=out)
    rows = [("time-weighted return", _pct(r.twr)), ("money-weighted (IRR, a year)", _pct(r.irr)),
            ("max drawdown", _pct(-r.max_drawdown) if r.max_drawdown is not None else "n/a"),
            (f"benchmark {r.benchmark} (price)", _pct(r.benchmark_twr)
             if r.benchmark_twr is not None else "no prices: stakewatch prices refresh "
             + r.benchmark)]  # fmt: skip
    if r.kind == "own":
        rows += [("value at start", money(round(r.value_start))),
                 ("value at end", money(round(r.value_end))),
                 ("net money in", money(round(r.net_flows))),
                 ("realised gain", money(round(r.realised_gain))
                  if r.realised_gain is not None else "unknown"),
                 ("dividends", f"${r.dividends or 0:,.2f}")]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}", file=out)
    if r.missing_prices:
        names = ", ".join(m["ticker"] + (f" ({m['weight'] * 100:.2f}%)" if "weight" in m else "")
                          for m in r.missing_prices[:10])  # fmt: skip
        extra = f" at most {r.left_out_weight * 100:.2f}% of the book was left out;" \
            if r.kind == "filer" else ""
        print(f"no prices for {len(r.missing_prices)}:{extra} {names}", file=out)
    return EXIT_OK


def cmd_compare(ctx, args, out: TextIO) -> int:
    c = ctx.own.compare(args.portfolio, args.other)
    if args.json:
        print_json(c, out)
        return EXIT_OK

    def pct(w):
        return f"{w * 100:.2f}%" if w is not None else ""

    print(f"{c['portfolio']} ({c['period']}) beside {c['other']} ({c['other_period']}): "
          f"overlap {c['overlap'] * 100:.2f}%, {len(c['common'])} position(s) in common",
          file=out)  # fmt: skip
    print(table(["ticker", c["portfolio"], c["other"]],
                [(p["ticker"], pct(p["weight"]), pct(p["other_weight"]))
                 for p in c["positions"]], {1, 2}), file=out)  # fmt: skip
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("portfolio", help="create, rename or delete one of your portfolios",
                       description="Your own portfolios, kept beside the 13F filers'.")
    p.add_argument("action", choices=("create", "rename", "delete"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("new_name", nargs="?", metavar="NEW_NAME", help="rename: the new name")
    p.set_defaults(func=cmd_portfolio)
    _register_tx(sub)
    _register_holding(sub)

    pl = sub.add_parser("pnl", help="profit and loss of your portfolio",
                        description="Holdings on a date (today by default) at the latest "
                        "cached prices (a past date: that day's closes), against their cost "
                        "(FIFO or average: `settings cost_basis`), with the realised gain and "
                        "dividends up to that date.")  # fmt: skip
    pl.add_argument("--portfolio", required=True, metavar="NAME")
    pl.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_pnl)
    pf = sub.add_parser(
        "performance", help="returns against a benchmark (own books and 13F filers)",
        description="Time-weighted return (daily, flows at the day's end), money-weighted "
        "return (annualised XIRR), max drawdown and the benchmark's price return over the same "
        "days, from cached daily closes. For a 13F filer: its disclosed book held from each "
        "filing date (or period end) at the filed weights until the next filing. Returns are "
        "fractions in --json (0.125 is 12.5%%).",
    )  # fmt: skip
    pf.add_argument("--portfolio", metavar="P", help="a portfolio name or filer CIK "
                    "(default: NVIDIA Corp)")  # fmt: skip
    pf.add_argument("--from", dest="start", type=date_arg, metavar="DATE")
    pf.add_argument("--to", dest="end", type=date_arg, metavar="DATE")
    pf.add_argument("--benchmark", metavar="TICKER", help="default: `settings benchmark` (SPY)")
    pf.add_argument("--rebalance", choices=("filed", "period"), default="filed",
                    help="a filer's clone changes at each filing date (default) or period end")
    pf.add_argument("--json", action="store_true")
    pf.set_defaults(func=cmd_performance)
    cp = sub.add_parser("compare", help="your book beside a filer's: weights and overlap",
                        description="Weights side by side (latest of each), the positions in "
                        "common and the overlap (sum of the smaller weights).")
    cp.add_argument("--portfolio", required=True, metavar="NAME")
    cp.add_argument("--with", dest="other", metavar="P", help="default: NVIDIA Corp")
    cp.add_argument("--json", action="store_true")
    cp.set_defaults(func=cmd_compare)


def _register_tx(sub) -> None:
    tx = sub.add_parser("tx", help="your ledger: add, list, remove or import transactions",
                        description="An own portfolio is a ledger of transactions; holdings, "
                        "cost and returns at any date are derived from it. A transaction "
                        "counts from its date on.")  # fmt: skip
    ts = tx.add_subparsers(dest="tx_command", metavar="ACTION", parser_class=Parser,
                           required=True)  # fmt: skip
    a = ts.add_parser(
        "add", help="record a transaction",
        description="buy/sell: --shares and --price (per share), --fees optional (a buy's fees "
        "are part of its cost, a sale's reduce its proceeds); dividend/fee: --amount (the total "
        "cash); split: --ratio (new shares per old: 2 for a 2-for-1); transfer-in/out: --shares "
        "(shares without cash; --price the cost basis per share, optional). A sale of more "
        "than is held on its date is refused.",
    )  # fmt: skip
    a.add_argument("--portfolio", required=True, metavar="NAME")
    a.add_argument("--type", required=True, choices=TX_TYPES)
    a.add_argument("--ticker", required=True, help="ticker or CUSIP")
    a.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    a.add_argument("--shares", help="up to 8 decimal places, kept exactly")
    a.add_argument("--price", help="per share, in USD")
    a.add_argument("--fees", help="a trade's fees, in USD")
    a.add_argument("--amount", help="a dividend's or a fee's total cash, in USD")
    a.add_argument("--ratio", help="a split's new shares per old share")
    a.add_argument("--note", help="free text, at most 1,000 characters")
    add_network_options(a)
    a.set_defaults(func=cmd_tx_add)
    ls = ts.add_parser("list", help="list transactions", description="The ledger, by date.")
    ls.add_argument("--portfolio", metavar="NAME")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_tx_list)
    rm = ts.add_parser("remove", help="remove transactions by id",
                       description="Remove entries (ids from 'tx list'), all or none; refused "
                       "if a later sale needs the shares.")  # fmt: skip
    rm.add_argument("ids", type=int, nargs="+", metavar="ID")
    rm.set_defaults(func=cmd_tx_remove)
    im = ts.add_parser(
        "import", help="import a transactions CSV, or reconcile a holdings CSV",
        description="A transactions CSV (Date, Type, Ticker/Symbol, Shares/Quantity, Price, "
        "Fees, Amount, Note; Portfolio Performance's and Wealthfolio's exports are read too; "
        "cash-only lines such as deposits are left out and counted): all lines or none, bad "
        "lines named. With --reconcile DATE the file is a broker's holdings on DATE (ticker, "
        "shares): the differences with the ledger on that date are shown and recorded as buys "
        "and sales (--dry-run only shows them).",
    )  # fmt: skip
    im.add_argument("file", type=Path, metavar="FILE.csv")
    im.add_argument("--portfolio", required=True, metavar="NAME", help="one of your portfolios")
    im.add_argument("--reconcile", type=date_arg, metavar="DATE",
                    help="the file is a broker's holdings (ticker, shares) on DATE: record "
                    "the buys and sales that make the ledger agree")
    im.add_argument("--dry-run", action="store_true", help="with --reconcile: record nothing")
    add_network_options(im)
    im.set_defaults(func=cmd_tx_import)


def _register_holding(sub) -> None:
    h = sub.add_parser("holding", help="add, list, remove or import your holdings",
                       description="Holdings are derived from the ledger (see 'tx'): 'holding "
                       "add' records a buy, 'holding list' shows the holdings on any date.")
    hs = h.add_subparsers(dest="holding_command", metavar="ACTION", parser_class=Parser,
                          required=True)  # fmt: skip
    a = hs.add_parser(
        "add", help="record a buy (or, with --set, make the position N shares)",
        description="Record a buy of SHARES of TICKER on DATE at --cost per share (optional). "
        "With --set: the buy or sale that makes the position SHARES on DATE. The ticker must "
        "be known (a company, or Yahoo when online; offline it is accepted unverified); "
        "shares > 0; the date not in the future; a CUSIP's check digit must hold.",
    )  # fmt: skip
    a.add_argument("--portfolio", required=True, metavar="NAME")
    a.add_argument("--ticker", required=True, help="ticker or CUSIP")
    a.add_argument("--shares", required=True,
                   help="fractional allowed: up to 8 decimal places, kept exactly")
    a.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    a.add_argument("--cost", help="cost per share (for profit and loss; up to 8 places)")
    a.add_argument("--note", help="free text, at most 1,000 characters")
    a.add_argument("--set", action="store_true",
                   help="make the position exactly SHARES on DATE (recorded as the difference)")
    add_network_options(a)
    a.set_defaults(func=cmd_add)
    ls = hs.add_parser("list", help="holdings on a date",
                       description="Your holdings on a date (today by default), from the ledger.")
    ls.add_argument("--portfolio", metavar="NAME")
    ls.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    rm = hs.add_parser("remove", help="remove a transaction by id (same as 'tx remove')",
                       description="Remove one ledger entry (ids from 'tx list').")
    rm.add_argument("ids", type=int, nargs=1, metavar="ID")
    rm.set_defaults(func=cmd_tx_remove)
    im = hs.add_parser("import-csv", help="import holdings bought (all or nothing)",
                       description="CSV with ticker, shares, date and optionally cost, note: "
                       "each line a buy. Every line is checked first; any bad line (named) "
                       "means none is imported. A broker's statement of one date: use "
                       "'tx import FILE --reconcile DATE' instead.")  # fmt: skip
    im.add_argument("file", type=Path, metavar="FILE")
    im.add_argument("--portfolio", required=True, metavar="NAME")
    add_network_options(im)
    im.set_defaults(func=cmd_import)
