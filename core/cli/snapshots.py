"""Commands about snapshots: export, snapshot show, snapshot diff."""

from __future__ import annotations

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

FORMATS = ("json", "csv", "xlsx", "pdf", "png", "svg")
VISUAL = ("pdf", "png", "svg")  # drawn by Qt: the desktop package writes these
CHARTS = ("value", "concentration", "prices")



def _value(v) -> str:
    """A position's value in a snapshot; None: no price, left out of an own book's value."""
    return money(round(v)) if v is not None else "no price"

def cmd_export(ctx, args, out: TextIO) -> int:
    from core.services import exporters

    if args.all and args.portfolio:
        raise UsageError("give --portfolio or --all, not both")
    portfolios = ([p for p in ctx.queries.portfolios() if ctx.queries.periods(p)] if args.all
                  else [ctx.queries.portfolio(args.portfolio)])  # fmt: skip
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix and suffix != args.format:
        raise UsageError(f"--out ends in .{suffix} but --format is {args.format}")
    from core.files import check_output

    check_output(Path(args.out), args.force)  # before any work, and before Qt says a word
    snapshots = ctx.snapshots
    snapshot = snapshots.build(portfolios, args.as_of, live=not ctx.settings.offline)
    out_path = Path(args.out)
    if args.format in VISUAL:
        draw = (args.gui_commands or {}).get("export")
        if draw is None:
            raise UsageError(f"{args.format} export needs the desktop app's drawing")
        histories = {p.name: snapshots.history(p, args.as_of) for p in portfolios}
        draw(args, ctx, snapshot, histories)
    elif args.format == "json":
        exporters.write_json(snapshot, out_path, args.force)
    elif args.format == "csv":
        exporters.write_csv(snapshot, out_path, args.force)
    else:
        histories = {p.name: snapshots.history(p, args.as_of) for p in portfolios}
        exporters.write_xlsx(snapshot, histories, out_path, args.force)
    books = ", ".join(f"{b['name']} (period {b['report']['period']})"
                      for b in snapshot["portfolios"])  # fmt: skip
    print(f"wrote {out_path} ({args.format}): {books}, as of {snapshot['as_of']}", file=out)
    return EXIT_OK


def cmd_show(ctx, args, out: TextIO) -> int:
    from core.services.snapshots import load

    snap = load(args.file)
    if args.json:
        print_json(snap, out)
        return EXIT_OK
    print(f"snapshot of {snap['as_of']}, taken {snap['created_at']} by Stakewatch "
          f"{snap['app_version']} (schema {snap['schema_version']}, database "
          f"{snap['database_schema']})", file=out)  # fmt: skip
    for book in snap["portfolios"]:
        c = book["concentration"]
        print(f"\n{book['name']}: report for {book['report']['period']} "
              f"({', '.join(book['report']['accessions'])}); "
              f"reported {money(book['total_value_reported'])}, at the prices used "
              f"{money(round(book['total_value']))}", file=out)  # fmt: skip
        print(f"  top-1 {c['top1_weight'] * 100:.2f}%, top-5 {c['top5_weight'] * 100:.2f}%, "
              f"HHI {c['hhi'] * 10_000:,.0f}, effective N {c['effective_n']:.2f}", file=out)
        rows = [(p["ticker"] or p["cusip"], f"{p['shares']:,}", money(p["value_reported"]),
                 f"{p['price']:,.2f}" if p["price"] is not None else "",
                 money(round(p["value"])) if p["value"] is not None else "no price",
                 f"{p['weight'] * 100:.2f}%" if p["weight"] is not None else (
                     "option" if p["put_call"] else ""),
                 p["price_source"]) for p in book["positions"]]  # fmt: skip
        print(table(["ticker", "shares", "reported", "price", "value", "weight", "price from"],
                    rows, {1, 2, 3, 4, 5}), file=out)  # fmt: skip
    return EXIT_OK


def cmd_diff(ctx, args, out: TextIO) -> int:
    from core.services.snapshots import diff, load

    d = diff(load(args.before), load(args.after))
    if args.json:
        print_json(d, out)
        return EXIT_OK
    print(f"from the snapshot of {d['before']['as_of']} to that of {d['after']['as_of']}",
          file=out)
    for book in d["portfolios"]:
        print(f"\n{book['portfolio']} ({book['in']}): "
              f"{money(round(book['total_value_before']))} -> "
              f"{money(round(book['total_value_after']))}", file=out)  # fmt: skip
        if book["concentration_change"]:
            ca, cb = book["concentration_before"], book["concentration_after"]
            print(f"  top-1 {ca['top1_weight'] * 100:.2f}% -> {cb['top1_weight'] * 100:.2f}%, "
                  f"HHI {ca['hhi'] * 10_000:,.0f} -> {cb['hhi'] * 10_000:,.0f}, effective N "
                  f"{ca['effective_n']:.2f} -> {cb['effective_n']:.2f}", file=out)  # fmt: skip
        rows = [(p["ticker"] or p["cusip"], p["status"], f"{p['shares_before']:,.0f}",
                 f"{p['shares_after']:,.0f}", _value(p["value_before"]),
                 _value(p["value_after"])) for p in book["positions"]]  # fmt: skip
        if rows:
            print(table(["ticker", "status", "shares before", "after", "value before",
                         "value after"], rows, {2, 3, 4, 5}), file=out)  # fmt: skip
        else:
            print("  no position changed", file=out)
    return EXIT_OK


def register(sub) -> None:
    e = sub.add_parser(
        "export", help="write a snapshot: json, csv, xlsx, pdf, png or svg",
        description="Write a portfolio's (or every portfolio's) state as of a date: "
        "positions with the prices used and their times and sources, concentration, changes "
        "since the previous report, and the filings behind them. json is lossless (schema "
        "in resources/snapshot.schema.json); csv holds positions; xlsx positions, history, "
        "changes and provenance; pdf a report with tables and charts; png/svg one chart. "
        "Files are written atomically; an existing file is kept unless --force.",
    )  # fmt: skip
    who = e.add_mutually_exclusive_group()
    who.add_argument("--portfolio", metavar="P", help="portfolio name or CIK (default NVIDIA)")
    who.add_argument("--all", action="store_true", help="every portfolio with reports")
    e.add_argument("--as-of", type=date_arg, metavar="DATE",
                   help="the report in force and the last close on that date (default: now)")
    e.add_argument("--format", choices=FORMATS, required=True)
    e.add_argument("--chart", choices=CHARTS, default="value", help="png/svg: which chart")
    e.add_argument("--out", required=True, metavar="PATH")
    e.add_argument("--force", action="store_true", help="replace an existing file")
    add_network_options(e)
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("snapshot", help="show or compare JSON snapshots",
                       description="Read JSON snapshots written by 'stakewatch export'.")
    ssub = s.add_subparsers(dest="snapshot_command", metavar="ACTION", parser_class=Parser,
                            required=True)  # fmt: skip
    show = ssub.add_parser("show", help="print a snapshot",
                           description="Print a snapshot (checked against its schema).")
    show.add_argument("file", type=Path, metavar="FILE")
    show.add_argument("--json", action="store_true", help="print the snapshot's JSON")
    show.set_defaults(func=cmd_show)
    d = ssub.add_parser(
        "diff", help="compare two snapshots",
        description="Positions added, removed and changed from snapshot A to snapshot B, "
        "and the change in value and concentration, per portfolio.",
    )  # fmt: skip
    d.add_argument("before", type=Path, metavar="A.json")
    d.add_argument("after", type=Path, metavar="B.json")
    d.add_argument("--json", action="store_true", help="print JSON")
    d.set_defaults(func=cmd_diff)
