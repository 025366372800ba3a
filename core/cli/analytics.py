"""Commands about value and concentration: history, changes, summary."""

from __future__ import annotations

import csv
import math
from typing import TYPE_CHECKING, TextIO

from core.cli.common import EXIT_OK, add_network_options, date_arg, money, print_json, table
from core.cli.prices import quote_json

if TYPE_CHECKING:  # numpy and the analytics service load when a command needs them
    from core.services.analytics import History


def _f(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def history_json(h: History) -> dict:
    s = h.series
    points = []
    for i, day in enumerate(s.dates):
        rep = h.reports[int(s.report_index[i])]
        positions = [
            {
                "cusip": key.cusip,
                "ticker": s.tickers[j],
                "share_type": key.share_type,
                "put_call": key.put_call,
                "shares": _int_or_float(s.shares[i, j]),
                "price": _f(s.prices[i, j]),
                "value": round(float(s.values[i, j]), 2),
                "weight": float(s.weights[i, j]) if s.included[j] else None,
                "priced": bool(s.priced[i, j]),
            }
            for j, key in enumerate(s.keys)
            if s.shares[i, j] > 0
        ]
        positions.sort(key=lambda p: -p["value"])
        points.append({
            "date": str(day),
            "total_value": round(float(s.totals[i]), 2),
            "top1_weight": float(s.top1[i]),
            "top5_weight": float(s.top5[i]),
            "hhi": float(s.hhi[i]),
            "hhi_10000": round(float(s.hhi[i]) * 10_000, 1),
            "effective_n": float(s.effective_n[i]),
            "as_filed": bool(s.is_period_end[i]),
            "report_period": rep.period.isoformat(),
            "report_filed": rep.filed.isoformat(),
            "accessions": list(rep.holdings.accessions),
            "positions": positions,
        })  # fmt: skip
    return {"portfolio": h.portfolio.name, "freq": h.freq,
            "options_included": h.include_options, "points": points}  # fmt: skip


def _int_or_float(x) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() else x


def cmd_history(ctx, args, out: TextIO) -> int:
    portfolio = ctx.queries.portfolio(args.portfolio)
    h = ctx.analytics.history(portfolio, args.start, args.end, args.freq, args.options)
    s = h.series
    if args.json:
        print_json(history_json(h), out)
        return EXIT_OK
    if args.csv:
        labels = [t or k[0] for k, t in zip(s.keys, s.tickers, strict=True)]
        labels = [f"{lab} {k.put_call}" if k.put_call else lab
                  for lab, k in zip(labels, s.keys, strict=True)]
        from core.services.cells import csv_row

        w = csv.writer(out, lineterminator="\n")
        w.writerow(csv_row(["date", "total_value", "top1_weight", "top5_weight", "hhi",
                            "effective_n", "as_filed"] + [f"value:{lab}" for lab in labels]
                           + [f"weight:{lab}" for lab in labels]))  # fmt: skip
        for i, day in enumerate(s.dates):  # numbers only: no cell to neutralise
            w.writerow([str(day), f"{s.totals[i]:.2f}", f"{s.top1[i]:.6f}", f"{s.top5[i]:.6f}",
                        f"{s.hhi[i]:.6f}", f"{s.effective_n[i]:.4f}", int(s.is_period_end[i])]
                       + [f"{v:.2f}" for v in s.values[i]]
                       + [f"{x:.6f}" for x in s.weights[i]])  # fmt: skip
        return EXIT_OK
    rows = []
    for i, day in enumerate(s.dates):
        j = int(s.weights[i].argmax()) if s.weights.shape[1] else 0
        top = (s.tickers[j] or s.keys[j][0]) if s.totals[i] else ""
        rows.append((str(day), money(round(float(s.totals[i]))), top, f"{s.top1[i] * 100:.2f}%",
                     f"{s.top5[i] * 100:.2f}%", f"{s.hhi[i] * 10_000:,.0f}",
                     f"{s.effective_n[i]:.2f}", "filed" if s.is_period_end[i] else ""))  # fmt: skip
    print(f"{h.portfolio.name}: value and concentration, {h.freq}"
          + (" (options included)" if h.include_options else " (options left out)"), file=out)
    print(table(["date", "total value", "top", "top-1", "top-5", "HHI", "eff. N", ""], rows,
                {1, 3, 4, 5, 6}), file=out)  # fmt: skip
    unpriced = sorted({s.tickers[j] or s.keys[j][0] for j in range(len(s.keys))
                       if (s.shares[:, j] > 0).any() and not s.priced[:, j].any()})  # fmt: skip
    print("'filed': values as filed on that period of report; other days: shares x close.",
          file=out)
    if unpriced and h.freq == "daily":
        print("no prices cached for " + ", ".join(unpriced) + ": counted at their filed values "
              "('stakewatch prices refresh' fetches them)", file=out)  # fmt: skip
    return EXIT_OK


def cmd_changes(ctx, args, out: TextIO) -> int:
    portfolio = ctx.queries.portfolio(args.portfolio)
    cs = ctx.analytics.changes(portfolio, args.period)
    if args.json:
        print_json({
            "portfolio": portfolio.name,
            "period": cs.period.isoformat(),
            "previous_period": cs.previous_period.isoformat() if cs.previous_period else None,
            "filed": cs.filed.isoformat(),
            "changes": [
                {"cusip": c.cusip, "ticker": c.ticker, "issuer": c.issuer,
                 "share_type": c.share_type, "put_call": c.put_call, "status": c.status,
                 "shares_before": c.shares_before, "shares_after": c.shares_after,
                 "shares_change": c.shares_change, "value_before": c.value_before,
                 "value_after": c.value_after, "value_change": c.value_change,
                 "price_effect": round(c.price_effect, 2),
                 "quantity_effect": round(c.quantity_effect, 2)}
                for c in cs.changes
            ],
        }, out)  # fmt: skip
        return EXIT_OK
    def n(x) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"

    rows = [
        (c.ticker or c.cusip, c.status, n(c.shares_before), n(c.shares_after),
         ("+" if c.shares_change >= 0 else "") + n(c.shares_change),
         f"{(c.shares_change / c.shares_before * 100):+.1f}%" if c.shares_before else "",
         money(c.value_before), money(c.value_after), money(round(c.price_effect)),
         money(round(c.quantity_effect)))
        for c in cs.changes
    ]  # fmt: skip
    since = f"since {cs.previous_period}" if cs.previous_period else "(first report)"
    print(f"{portfolio.name}: period {cs.period} (filed {cs.filed}) {since}", file=out)
    print(table(["ticker", "status", "shares before", "after", "change", "%", "value before",
                 "value after", "price effect", "quantity effect"], rows,
                {2, 3, 4, 5, 6, 7, 8, 9}), file=out)  # fmt: skip
    print("shares before are split-adjusted; price effect = old shares x price change, "
          "quantity effect = share change x new price", file=out)
    return EXIT_OK


def _unpriced(sm) -> str:
    """Where a position without a price went (core's one rule: counts_unpriced)."""
    return "no price: left out" if sm.left_out else "no price: reported value"


def cmd_summary(ctx, args, out: TextIO) -> int:
    portfolio = ctx.queries.portfolio(args.portfolio)
    sm = ctx.analytics.summary(portfolio, live=not ctx.settings.offline)
    rep = sm.report
    top = max(sm.positions, key=lambda p: p.value_now, default=None)
    if args.json:
        print_json({
            "portfolio": portfolio.name,
            "period": rep.period.isoformat(),
            "filed": rep.filed.isoformat(),
            "accessions": list(rep.holdings.accessions),
            "days_since_period": sm.days_since_period,
            "days_since_filed": sm.days_since_filed,
            "as_of": sm.as_of.isoformat(),
            "reported_total": sm.reported_total,
            "total_now": round(sm.total_now, 2),
            "change_pct": sm.change_pct,
            "left_out": sm.left_out,  # positions without a price not in total_now
            "concentration_now": {"top1_weight": sm.top1_now, "top5_weight": sm.top5_now,
                                  "hhi": sm.hhi_now, "effective_n": sm.effective_n_now},
            "top_holding": ({"ticker": top.position.ticker, "cusip": top.position.cusip,
                             "weight": top.weight_now} if top else None),
            "positions": [
                {"cusip": p.position.cusip, "ticker": p.position.ticker,
                 "shares_reported": p.position.shares, "shares_now": p.shares_now,
                 "reported_value": p.position.value, "price": p.price.price,
                 "price_source": p.price.source if p.priced else _unpriced(sm),
                 "quote_time": p.price.quote_time.isoformat() if p.price.quote_time else None,
                 "value_now": (round(p.value_now, 2) if p.priced or not sm.left_out
                               else None), "weight_now": p.weight_now,
                 "priced": p.priced}
                for p in sm.positions
            ],
            "quotes": [quote_json(q) for q in sm.quotes],
        }, out)  # fmt: skip
        return EXIT_OK
    print(f"{portfolio.name}: latest report, period {rep.period} (filed {rep.filed}, "
          f"{sm.days_since_period} days since the period end)", file=out)  # fmt: skip
    left = (f"; {sm.left_out} position{'s' if sm.left_out != 1 else ''} without a price left "
            "out" if sm.left_out else "")  # fmt: skip
    priced = not sm.nothing_valued
    if not priced:  # nothing to value: no $0 and no +0.00% made up
        print(f"  reported: {money(sm.reported_total)}   now: no price for any position yet "
              f"({sm.left_out} left out)", file=out)  # fmt: skip
    else:
        print(f"  reported: {money(sm.reported_total)}   now: {money(round(sm.total_now))} "
              f"({sm.change_pct:+.2f}%{' on the positions priced' if left else ''}){left}",
              file=out)  # fmt: skip
    if top and priced:
        print(f"  concentration now: top holding {top.position.ticker} "
              f"{(top.weight_now or 0) * 100:.2f}%, top-5 {sm.top5_now * 100:.2f}%, "
              f"HHI {sm.hhi_now * 10_000:,.0f}, effective N {sm.effective_n_now:.2f}", file=out)
    rows = [
        (p.position.ticker or p.position.cusip,
         f"{p.shares_now:,.0f}" if float(p.shares_now).is_integer() else f"{p.shares_now:,}",
         money(p.position.value),
         f"{p.price.price:,.2f}" if p.priced and p.price.price is not None else "",
         money(round(p.value_now)) if p.priced or not sm.left_out else "no price",
         f"{p.weight_now * 100:.2f}%" if p.weight_now is not None else "",
         (p.price.source or "") + (f" {p.price.quote_time:%Y-%m-%d %H:%M}Z"
                                   if p.priced and p.price.quote_time else "")
         if p.priced else _unpriced(sm))
        for p in sorted(sm.positions, key=lambda p: -p.value_now)
    ]  # fmt: skip
    print(table(["ticker", "shares", "reported", "price", "value now", "weight", "price source"],
                rows, {1, 2, 3, 4, 5}), file=out)  # fmt: skip
    for q in sm.quotes:
        if q.price is not None:
            change = f" {q.change_pct:+.2f}%" if q.change_pct is not None else ""
            print(f"  {q.ticker} {q.price:,.2f}{change} ({q.source}, "
                  f"{q.quote_time:%Y-%m-%d %H:%M} UTC)", file=out)  # fmt: skip
        else:
            print(f"  {q.ticker}: no price ({q.reason})", file=out)
    return EXIT_OK


def register(sub) -> None:
    portfolio_help = "portfolio name or filer CIK (default: NVIDIA Corp)"
    p = sub.add_parser(
        "history", help="value and concentration over time",
        description="Per date: total value, each position's value and weight, top-1 weight, "
        "top-5 share, HHI and effective N. Daily values are shares x cached close, "
        "split-aware; on each period of report the values as filed. Positions without "
        "prices count at their filed value. Options are left out unless --options.",
    )  # fmt: skip
    p.add_argument("--portfolio", metavar="P", help=portfolio_help)
    p.add_argument("--from", dest="start", type=date_arg, metavar="DATE")
    p.add_argument("--to", dest="end", type=date_arg, metavar="DATE")
    p.add_argument("--freq", choices=("daily", "filing"), default="daily",
                   help="daily (default) or one point per period of report, as filed")
    p.add_argument("--options", action="store_true", help="include option positions")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV (wide: one column each)")
    add_network_options(p)
    p.set_defaults(func=cmd_history)

    c = sub.add_parser(
        "changes", help="what changed from the previous report",
        description="Position by position, from the previous report to this one (latest by "
        "default): NEW, ADDED, REDUCED, SOLD OUT or UNCHANGED, split-aware, with the value "
        "change split into a price effect and a quantity effect.",
    )  # fmt: skip
    c.add_argument("--portfolio", metavar="P", help=portfolio_help)
    c.add_argument("--period", type=date_arg, metavar="YYYY-MM-DD")
    c.add_argument("--json", action="store_true", help="print JSON")
    add_network_options(c)
    c.set_defaults(func=cmd_changes)

    s = sub.add_parser(
        "summary", help="the latest report at today's prices",
        description="Reported versus now: the latest report's shares at live (or last "
        "cached) prices against the values filed, concentration now, and the NVDA and "
        "CRWV quotes with their age.",
    )  # fmt: skip
    s.add_argument("--portfolio", metavar="P", help=portfolio_help)
    s.add_argument("--json", action="store_true", help="print JSON")
    add_network_options(s)
    s.set_defaults(func=cmd_summary)
