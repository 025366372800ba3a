"""The 13F universe: universe load|list, holders SECURITY, filers search TEXT."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from core.cli.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    UsageError,
    date_arg,
    money,
    pct,
    print_json,
    printable,
    run_with_progress,
    seconds_arg,
    table,
)


def _loader(ctx):
    from core.services.universe import UniverseLoader

    return UniverseLoader(ctx.db)


def _holders(ctx):
    from core.services.holders import HoldersQueries

    return HoldersQueries(ctx.db.reading)


# -- universe load | list ---------------------------------------------------------------------
def cmd_universe_load(ctx, args, out: TextIO) -> int:
    if args.latest or (args.source and not _is_file(args.source)):
        fetched = _fetch(ctx, args)
        if fetched is None:
            return EXIT_PARTIAL
        path, label = fetched
    elif args.source:
        path, label = Path(args.source), None
    else:
        raise UsageError("give a data set: PATH.zip, a label such as 01jun2026-31aug2026, "
                         "or --latest")  # fmt: skip
    show = sys.stderr.isatty() and not args.json
    report = run_with_progress(
        _loader(ctx).load(path, label),
        (lambda p: f"{p.message}: {p.done:,} of {p.total:,} rows"[:78].ljust(78))
        if show else None)  # fmt: skip
    if args.json:
        print_json({"label": report.label, "source": report.source,
                    "already_loaded": report.already_loaded, "filings": report.filings,
                    "notices": report.notices, "rows": report.rows,
                    "new_filings": report.new_filings, "known_filings": report.known_filings,
                    "new_filers": report.new_filers, "rows_stored": report.rows_stored,
                    "warnings": list(report.warnings)}, out)  # fmt: skip
        return EXIT_OK
    if report.already_loaded:
        print(f"{report.label}: already loaded from {report.source}; nothing changed", file=out)
        return EXIT_OK
    print(f"{report.label}: {report.filings:,} filings ({report.new_filings:,} new, "
          f"{report.known_filings:,} already stored), {report.notices:,} 13F-NT notices, "
          f"{report.rows:,} holdings rows ({report.rows_stored:,} stored), "
          f"{report.new_filers:,} new filers", file=out)  # fmt: skip
    for w in report.warnings:
        print(f"warning: {w}", file=out)
    return EXIT_OK


def _is_file(text: str) -> bool:
    return text.lower().endswith(".zip") or "/" in text or Path(text).exists()


def _fetch(ctx, args) -> tuple[Path, str] | None:
    """The data set downloaded from the SEC; None (said on stderr) if the network failed."""
    from core.edgar.http import HttpError, MissingContactError
    from core.services.universe_fetch import fetch_data_set

    if ctx.settings.offline:
        raise UsageError("offline: fetching a data set needs EDGAR (give PATH.zip instead)")
    try:
        return fetch_data_set(ctx, None if args.latest else args.source, deadline=args.deadline)
    except MissingContactError as exc:
        raise UsageError(str(exc)) from None
    except HttpError as exc:
        print(f"error: cannot fetch the data set from the SEC: {exc}; nothing was changed",
              file=sys.stderr)
        return None


def cmd_universe_list(ctx, args, out: TextIO) -> int:
    sets = _loader(ctx).sets()
    if args.json:
        print_json([{"label": s.label, "source": s.source, "filings": s.filings,
                     "notices": s.notices, "rows": s.rows, "new_filings": s.new_filings,
                     "loaded_at": s.loaded_at.isoformat()} for s in sets], out)  # fmt: skip
        return EXIT_OK
    if not sets:
        print("no data set loaded ('stakewatch universe load PATH.zip' loads one)", file=out)
        return EXIT_OK
    rows = [(s.label, f"{s.filings:,}", f"{s.rows:,}", f"{s.loaded_at:%Y-%m-%d %H:%M} UTC",
             s.source) for s in sets]  # fmt: skip
    print(table(["label", "filings", "rows", "loaded at", "file"], rows, {1, 2}), file=out)
    return EXIT_OK


# -- holders ----------------------------------------------------------------------------------
def holders_json(r, options: bool) -> dict:
    def extra(h) -> dict:
        return {"share_type": h.share_type, "put_call": h.put_call} if options else {}

    t = r.totals
    return {
        "security": {"cusip": r.cusip, "ticker": r.ticker, "name": r.name},
        "period": r.period.isoformat() if r.period else None,
        "holders": [{"cik": h.cik, "name": h.name, "shares": h.shares, "value": h.value,
                     "weight": h.weight, "stake": h.stake, "change": h.change,
                     "shares_before": h.shares_before, **extra(h)} for h in r.holders],
        "sold_out": [{"cik": x.cik, "name": x.name, "shares_before": x.shares_before, **extra(x)}
                     for x in r.sold_out],
        "totals": {"holders": t.holders, "shares": t.shares, "value": t.value, "new": t.new,
                   "added": t.added, "reduced": t.reduced, "sold_out": t.sold_out,
                   "stake": t.stake},
    }  # fmt: skip


def cmd_holders(ctx, args, out: TextIO) -> int:
    r = _holders(ctx).holders(args.security, args.period, options=args.options)
    if args.json:
        print_json(holders_json(r, args.options), out)
        return EXIT_OK
    head = printable(f"{r.name} ({r.cusip}{', ' + r.ticker if r.ticker else ''})")  # as filed
    if r.period is None:
        print(f"{head}: no stored filing reports it", file=out)
        return EXIT_OK
    t = r.totals
    held = f", {pct(t.stake)} of shares outstanding" if t.stake is not None else ""
    print(f"{head} at {r.period}: {t.holders:,} holder(s), {t.shares:,} shares "
          f"({money(t.value)}){held}; {t.new} new, {t.added} added, {t.reduced} reduced, "
          f"{t.sold_out} sold out", file=out)  # fmt: skip
    rows = [(i, ("* " if h.highlighted else "") + h.name, h.cik,
             f"{h.shares:,}" + (f" {h.put_call}" if h.put_call else "")
             + (" PRN" if h.share_type == "PRN" else ""),
             money(h.value), pct(h.weight), pct(h.stake), h.change,
             "" if h.shares_before is None else f"{h.shares_before:,}")
            for i, h in enumerate(r.holders[: args.limit] if args.limit else r.holders, 1)]
    print(table(["#", "filer", "CIK", "shares", "value", "weight", "stake", "change",
                 "before"], rows, {0, 3, 4, 5, 6, 8}), file=out)  # fmt: skip
    if args.limit and len(r.holders) > args.limit:
        print(f"... {len(r.holders) - args.limit:,} more (--limit 0 shows all)", file=out)
    if r.sold_out:
        print("sold out since their previous report:", file=out)
        rows = [(("* " if x.highlighted else "") + x.name, x.cik, f"{x.shares_before:,}")
                for x in r.sold_out]
        print(table(["filer", "CIK", "shares before"], rows, {2}), file=out)
    if any(h.highlighted for h in r.holders):
        print("* NVIDIA or a followed filer", file=out)
    return EXIT_OK


# -- filers search ----------------------------------------------------------------------------
def cmd_filers_search(ctx, args, out: TextIO) -> int:
    from core.services.filer_search import FilerSearcher

    result = FilerSearcher(ctx.db.reading, ctx.settings).search(args.text, limit=args.limit)
    found = result.matches
    rc = EXIT_OK
    if result.edgar_missing is not None:
        # The stored filers still answer; one line says what is missing from the list.
        print(f"note: EDGAR's company list was not searched ({result.edgar_missing}); "
              "stored filers only", file=sys.stderr)  # fmt: skip
        asked = not ctx.settings.offline and ctx.settings.sec_contact
        rc = EXIT_PARTIAL if asked else EXIT_OK  # a failed request, not a choice
    if args.json:
        print_json([{"cik": f.cik, "name": f.name, "followed": f.followed,
                     "stored": f.portfolio_id is not None,
                     "latest_period": f.latest_period.isoformat() if f.latest_period else None,
                     "size": f.size} for f in found], out)  # fmt: skip
        return rc
    if not found:
        print(f"no filer's name holds {args.text!r}", file=out)
        return rc
    rows = [(f.name, f.cik, "yes" if f.followed else "", f.latest_period or "", money(f.size),
             "" if f.portfolio_id is not None else "EDGAR only") for f in found]
    print(table(["filer", "CIK", "followed", "latest period", "size", ""], rows, {4}),
          file=out)  # fmt: skip
    return rc


def register(sub) -> None:
    from core.cli.common import Parser

    p = sub.add_parser("universe", help="the SEC's Form 13F data sets: every filer's holdings",
                       description="Load and list the SEC's quarterly Form 13F data sets.")
    usub = p.add_subparsers(dest="universe_command", metavar="ACTION", parser_class=Parser,
                            required=True)  # fmt: skip
    lp = usub.add_parser(
        "load", help="load a data set (a zip, a label fetched from the SEC, or --latest)",
        description="Load every 13F filing of a Form 13F data set in one transaction: all or "
        "nothing, and loading it again changes nothing. Filings already stored (sync, "
        "import-13f, another set) are kept as they are and checked against the set. "
        "SOURCE is PATH.zip, or a label such as 01jun2026-31aug2026 fetched from the SEC "
        "(needs the sec_contact setting).",
    )  # fmt: skip
    lp.add_argument("source", nargs="?", metavar="SOURCE", help="PATH.zip or a data set label")
    lp.add_argument("--latest", action="store_true", help="fetch the newest set from the SEC")
    lp.add_argument("--offline", action="store_true", help="send nothing (load a zip only)")
    lp.add_argument("--deadline", type=float, metavar="SECONDS",
                    help="give up on the download after this long (default 1800)")
    lp.add_argument("--json", action="store_true", help="print JSON")
    lp.set_defaults(func=cmd_universe_load)
    ls = usub.add_parser("list", help="the loaded data sets",
                         description="The loaded data sets: label, filings, rows, loaded at.")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=cmd_universe_list)

    h = sub.add_parser(
        "holders", help="every 13F filer holding a security, and what changed",
        description="One row per filer reporting the security at the period (default: the "
        "latest): shares, value as filed, weight in the filer's book, stake of shares "
        "outstanding, change since the filer's previous report (NEW, ADDED, REDUCED, "
        "UNCHANGED); then the filers that sold out. Share rows only unless --options.",
    )  # fmt: skip
    h.add_argument("security", metavar="SECURITY", help="a CUSIP or a ticker")
    h.add_argument("--period", type=date_arg, metavar="YYYY-MM-DD", help="period of report")
    h.add_argument("--options", action="store_true",
                   help="also PRN rows and puts and calls (each its own row)")
    h.add_argument("--limit", type=int, default=50, metavar="N",
                   help="rows shown as text (default 50; 0: all); JSON has all")
    h.add_argument("--json", action="store_true", help="print JSON")
    h.set_defaults(func=cmd_holders)

    f = sub.add_parser("filers", help="find 13F filers by name",
                       description="Find 13F filers by name.")
    fsub = f.add_subparsers(dest="filers_command", metavar="ACTION", parser_class=Parser,
                            required=True)  # fmt: skip
    s = fsub.add_parser(
        "search", help="filers whose name holds every word",
        description="Every stored filer (loaded data sets, followed and imported filers) "
        "whose name holds every word of TEXT, in any order and case, or whose CIK it is: "
        "CIK, latest period and size; online, also the companies EDGAR's company search "
        "lists for TEXT (one entry per CIK; needs the sec_contact setting). If EDGAR cannot "
        "be searched the stored filers still show, with one line on stderr saying so (exit "
        "3 when a request to EDGAR failed). 'stakewatch follow CIK' follows one.",
    )  # fmt: skip
    s.add_argument("text", metavar="TEXT")
    s.add_argument("--offline", action="store_true", help="stored filers only; send nothing")
    s.add_argument("--deadline", type=seconds_arg, metavar="SECONDS",
                   help="give up on EDGAR after this long (default: the deadline setting)")
    s.add_argument("--limit", type=int, default=50, metavar="N", help="at most N (default 50)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_filers_search)
