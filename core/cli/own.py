"""Commands for your own portfolios: portfolio create|rename|delete, holding
add|list|remove|import-csv, pnl, compare."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from core.cli.common import (
    EXIT_OK,
    Parser,
    UsageError,
    add_network_options,
    money,
    print_json,
    table,
)


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
        p, held = own.delete(args.name)
        print(f"deleted portfolio {p.name!r} and its {len(held)} holding(s)", file=out)
    return EXIT_OK


def cmd_add(ctx, args, out: TextIO) -> int:
    from core.domain.own import HoldingInput

    hid, h = ctx.own.add(args.portfolio, HoldingInput(args.ticker, args.shares, args.date,
                                                      args.cost, args.note))  # fmt: skip
    mark = "" if h.verified else " (unverified: checked when online)"
    cost = f" at {h.cost:,} per share" if h.cost is not None else ""
    print(f"holding {hid}: {h.shares:,} {h.ticker}{cost} in {args.portfolio!r} as of "
          f"{h.date}{mark}", file=out)  # fmt: skip
    return EXIT_OK


def cmd_list(ctx, args, out: TextIO) -> int:
    rows = ctx.own.holdings(args.portfolio)
    if args.json:
        print_json([
            {"id": h.id, "portfolio": name, "date": h.statement_date.isoformat(),
             "ticker": h.ticker, "cusip": h.cusip, "shares": str(h.shares),
             "cost_per_share": str(h.cost_per_share) if h.cost_per_share is not None else None,
             "note": h.note, "verified": h.verified, "created_at": h.created_at.isoformat(),
             "modified_at": h.modified_at.isoformat()}
            for name, h in rows
        ], out)  # fmt: skip
        return EXIT_OK
    print(table(["id", "portfolio", "as of", "ticker", "shares", "cost", "verified", "note"],
                [(h.id, name, h.statement_date, h.ticker, f"{h.shares.normalize():,f}",
                  f"{h.cost_per_share.normalize():,f}" if h.cost_per_share is not None else "",
                  "yes" if h.verified else "no", h.note or "") for name, h in rows],
                {0, 4, 5}), file=out)  # fmt: skip
    return EXIT_OK


def cmd_remove(ctx, args, out: TextIO) -> int:
    h = ctx.own.remove(args.id)
    print(f"removed holding {args.id}: {h.shares:,} {h.ticker} as of {h.statement_date}",
          file=out)
    return EXIT_OK


def cmd_import(ctx, args, out: TextIO) -> int:
    n = ctx.own.import_csv(args.file, args.portfolio)
    print(f"imported {n} holding(s) into {args.portfolio!r}", file=out)
    return EXIT_OK


def cmd_pnl(ctx, args, out: TextIO) -> int:
    rows = ctx.own.pnl(args.portfolio)
    if args.json:
        print_json([{"ticker": r.ticker, "shares": str(r.shares),
                     "cost_per_share": str(r.cost_per_share) if r.cost_per_share else None,
                     "price": r.price, "value": r.value, "cost": r.cost, "pnl": r.pnl,
                     "pnl_pct": r.pnl_pct} for r in rows], out)  # fmt: skip
        return EXIT_OK

    def m(v):
        return money(round(v)) if v is not None else ""

    print(table(["ticker", "shares", "price", "value", "cost", "P&L", "%"],
                [(r.ticker, f"{r.shares.normalize():,f}",
                  f"{r.price:,.2f}" if r.price is not None else "", m(r.value), m(r.cost),
                  m(r.pnl), f"{r.pnl_pct:+.2f}%" if r.pnl_pct is not None else "")
                 for r in rows], {1, 2, 3, 4, 5, 6}), file=out)  # fmt: skip
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

    h = sub.add_parser("holding", help="add, list, remove or import your holdings",
                       description="Holdings are dated statements: a statement's positions "
                       "hold until the next one; a new date starts from the one before.")
    hs = h.add_subparsers(dest="holding_command", metavar="ACTION", parser_class=Parser,
                          required=True)  # fmt: skip
    a = hs.add_parser(
        "add", help="set a holding in the statement of a date",
        description="Set TICKER's shares in the portfolio's statement dated DATE (made from "
        "the statement before it when new). The ticker must be known (a company, or Yahoo "
        "when online; offline it is accepted unverified); shares > 0; the date not in the "
        "future; a CUSIP's check digit must hold.",
    )  # fmt: skip
    a.add_argument("--portfolio", required=True, metavar="NAME")
    a.add_argument("--ticker", required=True, help="ticker or CUSIP")
    a.add_argument("--shares", required=True,
                   help="fractional allowed: up to 8 decimal places, kept exactly")
    a.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    a.add_argument("--cost", help="cost per share (for profit and loss; up to 8 places)")
    a.add_argument("--note", help="free text, at most 1,000 characters")
    add_network_options(a)
    a.set_defaults(func=cmd_add)
    ls = hs.add_parser("list", help="list holdings", description="List your holdings.")
    ls.add_argument("--portfolio", metavar="NAME")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    rm = hs.add_parser("remove", help="remove one holding by id",
                       description="Remove one holding (ids from 'holding list').")
    rm.add_argument("id", type=int)
    rm.set_defaults(func=cmd_remove)
    im = hs.add_parser("import-csv", help="import holdings from CSV (all or nothing)",
                       description="CSV with ticker, shares, date and optionally cost, note. "
                       "Every line is checked first; any bad line (named) means none is "
                       "imported.")  # fmt: skip
    im.add_argument("file", type=Path, metavar="FILE")
    im.add_argument("--portfolio", required=True, metavar="NAME")
    add_network_options(im)
    im.set_defaults(func=cmd_import)

    pl = sub.add_parser("pnl", help="profit and loss of your portfolio against cost",
                        description="The latest statement at the latest cached prices, "
                        "against the cost per share you entered.")  # fmt: skip
    pl.add_argument("--portfolio", required=True, metavar="NAME")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_pnl)
    cp = sub.add_parser("compare", help="your book beside a filer's: weights and overlap",
                        description="Weights side by side (latest report of each), the "
                        "positions in common and the overlap (sum of the smaller weights).")
    cp.add_argument("--portfolio", required=True, metavar="NAME")
    cp.add_argument("--with", dest="other", metavar="P", help="default: NVIDIA Corp")
    cp.add_argument("--json", action="store_true")
    cp.set_defaults(func=cmd_compare)
