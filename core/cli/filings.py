"""Commands about the database and 13F filings: init, import-13f, portfolios, filings,
holdings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from core.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    date_arg,
    error_line,
    money,
    pct,
    print_json,
    run_with_progress,
    seconds_arg,
    table,
)

if TYPE_CHECKING:  # the domain loads with the command that needs it: --help stays light
    from core.domain.filings import FilingSummary
    from core.domain.positions import Holdings


def holdings_json(h: Holdings, stakes: dict | None = None) -> dict:
    """`stakes` (cusip -> Stake): the issuer's shares outstanding; unknown stays null."""
    from core.domain.following import stake
    from core.domain.issuer_names import filed_name

    stakes = stakes or {}
    return {
        "portfolio": h.portfolio,
        "period": h.period.isoformat(),
        "accessions": list(h.accessions),
        "total_value": h.total_value,
        "options_value": h.options_value,
        "unpriced": [p.ticker or p.cusip for p in h.positions if p.cusip in h.unpriced],
        "positions": [
            {
                "cusip": p.cusip,
                "ticker": p.ticker,
                # The symbol at the report's date where it differs from today's (prices
                # use `ticker`): TuSimple was TSP for 2023-12-31, TSPH now.
                "ticker_as_filed": p.ticker_as_filed or p.ticker,
                "ticker_as_filed_until": (p.as_filed_until.isoformat()
                                          if p.ticker_as_filed and p.as_filed_until else None),
                "issuer": p.issuer,
                "issuer_as_filed": filed_name(p),  # the display name above is the master's
                "title_of_class": p.title_of_class,
                "titles": list(p.titles),
                "share_type": p.share_type,
                "put_call": p.put_call,
                "shares": p.shares,
                "value": None if p.cusip in h.unpriced else p.value,  # no price: null
                "weight": p.weight,
                "stake": stake(p.shares, stakes.get(p.cusip)),
                "shares_outstanding_date": (stakes[p.cusip].as_of.isoformat()
                                            if p.cusip in stakes else None),
            }
            for p in h.positions
        ],
    }


def filing_json(f: FilingSummary) -> dict:
    return {
        "accession": f.accession,
        "portfolio": f.portfolio,
        "cik": f.cik,
        "form_type": f.form_type,
        "amendment_type": f.amendment_type,
        "period": f.period.isoformat(),
        "filed": f.filed.isoformat(),
        "value_unit": f.value_unit.value,
        "entry_total": f.entry_total,
        "value_total": f.value_total_usd,
        "rows": f.rows,
        "rows_value": f.rows_value_usd,
        "source": f.source,
    }


def cmd_init(ctx, args, out: TextIO) -> int:
    s = ctx.seeded
    where = ctx.db.path or ctx.db.url
    print(f"database: {where}", file=out)
    if ctx.backup:
        print(f"backup before upgrading: {ctx.backup}", file=out)
    if s and (s.companies_added or s.filings_added):
        print(
            f"seeded: {s.companies_added} companies, {s.filings_added} filings, "
            f"{s.rows_added} rows (NVIDIA Corp)",
            file=out,
        )
    else:
        print("up to date: nothing to add", file=out)
    return EXIT_OK


def cmd_import(ctx, args, out: TextIO) -> int:
    from core.filings import FilingFormatError
    from core.services.importer import ImportOptions

    options = ImportOptions(
        cik=args.cik, name=args.name, period=args.period, filed=args.filed,
        accession=args.accession,
    )  # fmt: skip
    show_progress = sys.stderr.isatty()
    failed = 0
    for path in args.paths:
        try:
            report = run_with_progress(
                ctx.importer.import_path(path, options),
                (lambda p, path=path: f"{path}: {p.fraction:6.1%}  {p.rows:,} rows")
                if show_progress else None,
            )
        except (FilingFormatError, OSError) as exc:
            print(error_line(exc), file=sys.stderr)
            failed += 1
            continue
        mapping, cut = None, False
        try:
            if not args.no_map and not report.already_present:
                mapping = _map_imported(ctx, report, show_progress)
        except KeyboardInterrupt:  # the import is committed: it stands, and is reported
            cut = True
        if mapping is not None:  # the list of unmapped CUSIPs as it stands after mapping
            from dataclasses import replace

            report = replace(report, unmapped_cusips=tuple(
                c for c in report.unmapped_cusips if c not in mapping.mapped))
        _print_import(report, out)
        if mapping is not None:
            print(f"  {mapping.line()}", file=out)
        if cut:
            print("  tickers:    mapping interrupted; 'stakewatch companies map' does it later",
                  file=out)  # fmt: skip
            if path != args.paths[-1]:
                raise KeyboardInterrupt  # the files after this one were not imported
    # A mapping that could not be done does not change the exit code: the import stands.
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _map_imported(ctx, report, show_progress: bool):
    """After the import committed: its CUSIPs without a ticker, through OpenFIGI."""
    from core.services.import_mapping import map_after_import

    gen = map_after_import(ctx.mapper, report.unmapped_cusips, offline=ctx.settings.offline,
                           deadline=ctx.settings.deadline)  # fmt: skip
    return run_with_progress(
        gen, (lambda p: f"OpenFIGI: {p.done}/{p.total}") if show_progress else None)


def _print_import(r, out: TextIO) -> None:
    if r.already_present:
        print(f"{r.path}: accession {r.accession} is already imported; nothing changed", file=out)
        return
    amend = f" ({r.amendment_type})" if r.amendment_type else ""
    unit = "thousands of dollars" if r.value_unit.multiplier == 1000 else "dollars"
    print(f"{r.path}", file=out)
    print(f"  filer:      {r.filer} (CIK {r.cik})", file=out)
    print(f"  form:       {r.form_type}{amend}, accession {r.accession}", file=out)
    print(f"  period:     {r.period}  filed {r.filed}  (values filed in {unit})", file=out)
    print(f"  rows:       {r.rows:,}", file=out)
    print(f"  total:      {money(r.total_value_usd)}", file=out)
    if r.mapped_from_map:
        print(f"  map:        {r.mapped_from_map:,} new CUSIP(s) named from the CUSIP map "
              "(no network)", file=out)  # fmt: skip
    if r.unmapped_cusips:
        listed = ", ".join(r.unmapped_cusips[:10])
        more = f" and {len(r.unmapped_cusips) - 10} more" if len(r.unmapped_cusips) > 10 else ""
        print(f"  unmapped:   {len(r.unmapped_cusips)} CUSIP(s) with no ticker: {listed}{more}",
              file=out)
    for w in r.warnings:
        print(f"  warning:    {w}", file=out)


def cmd_portfolios(ctx, args, out: TextIO) -> int:
    from core.services.portfolio_list import portfolio_lines

    ports = portfolio_lines(ctx.db)
    if args.json:
        print_json([
            {"name": p.name, "kind": p.kind, "cik": p.cik, "reports": p.reports,
             "filings": p.reports if p.kind == "filer" else 0,
             "latest_period": p.latest.isoformat() if p.latest else None,
             "followed": p.followed and p.kind == "filer",
             "last_synced": (p.last_synced.isoformat()
                             if p.last_synced and p.kind == "filer" else None)}
            for p in ports
        ], out)  # fmt: skip
        return EXIT_OK
    rows = [(p.name, p.kind, p.cik or "", p.reports, p.latest or "") for p in ports]
    print(table(["portfolio", "kind", "CIK", "reports", "latest period"], rows, {3}), file=out)
    return EXIT_OK


def cmd_filings(ctx, args, out: TextIO) -> int:
    portfolio = ctx.queries.portfolio(args.portfolio)
    filings = ctx.queries.filings(portfolio)
    if args.json:
        print_json([filing_json(f) for f in filings], out)
        return EXIT_OK
    rows = [
        (
            f.period, f.filed, f.accession, f.form_type, f.amendment_type or "",
            f.entry_total if f.entry_total is not None else f"({f.rows})",
            money(f.value_total_usd) if f.value_total_usd is not None
            else f"({money(f.rows_value_usd)})",
        )
        for f in filings
    ]  # fmt: skip
    print(f"{portfolio.name} (CIK {portfolio.cik}): {len(filings)} filings", file=out)
    print(
        table(["period", "filed", "accession", "form", "amendment", "entries", "total value"],
              rows, {5, 6}),
        file=out,
    )  # fmt: skip
    if any(f.entry_total is None for f in filings):
        print("(in parentheses: summed from the rows where the cover page total was not seen)",
              file=out)
    return EXIT_OK


def cmd_holdings(ctx, args, out: TextIO) -> int:
    portfolio = ctx.queries.portfolio(args.portfolio)
    h = ctx.queries.holdings(portfolio, args.period)
    if args.json:
        print_json(holdings_json(h, ctx.queries.stakes(p.cusip for p in h.positions)), out)
        return EXIT_OK
    from core.domain.filings import issuer_label

    def issuer(name: str) -> str:
        shown, labelled = issuer_label(name)
        return shown + " *" if labelled else shown

    rows = [
        (
            (f"{p.ticker_as_filed} (now {p.ticker})" if p.ticker_as_filed else p.ticker or "?"),
            issuer(p.issuer), p.title_of_class, (p.put_call or p.share_type or ""),
            f"{p.shares:,}", "no price" if p.cusip in h.unpriced else money(p.value),
            pct(p.weight),
        )
        for p in h.positions
    ]  # fmt: skip
    own = h.accessions and h.accessions[0].startswith("ledger")  # an own book's words
    where = (f"holdings on {h.period} (from the ledger, at the last close on or before it)"
             if own else f"period {h.period} ({', '.join(h.accessions)})")
    left_out = [p.ticker or p.cusip for p in h.positions if p.cusip in h.unpriced]
    note = (f" ({len(left_out)} without a price left out: {', '.join(left_out)})"
            if left_out else "")  # fmt: skip
    print(f"{h.portfolio}, {where}: {money(h.total_value)} in "
          f"{sum(1 for p in h.positions if not p.is_option)} positions{note}", file=out)
    print(table(["ticker", "issuer", "class", "type", "shares", "value", "weight"], rows,
                {4, 5, 6}), file=out)  # fmt: skip
    if any(issuer_label(p.issuer)[1] for p in h.positions):
        print("* issuer name is a label: the name as filed was not seen", file=out)
    if h.options_value:
        print(f"options (left out of the total and weights): {money(h.options_value)}", file=out)
    return EXIT_OK




def register(sub) -> None:
    p = sub.add_parser("init", help="create, upgrade and seed the database (idempotent)",
                       description="Create the database if needed, upgrade its schema (after a "
                       "backup copy), and add NVIDIA's bundled filings that are missing.")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "import-13f",
        help="import 13F filings from EDGAR files",
        description="Import 13F-HR filings. PATH is an EDGAR full submission text file "
        "(<accession>.txt or .nc), a folder or .zip holding primary_doc.xml and the "
        "information table, or a lone information-table XML (then give --cik, --period and "
        "--filed). Each filing is stored whole or not at all; one already imported is left "
        "as it is. Then, online, the filing's CUSIPs without a ticker are mapped through "
        "OpenFIGI (tickers you typed are kept); if that cannot be done, one line says why "
        "and the import still stands (exit 0).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--cik", help="filer CIK (lone information tables)")
    p.add_argument("--name", help="filer name (lone information tables)")
    p.add_argument("--period", type=date_arg, help="period of report, YYYY-MM-DD")
    p.add_argument("--filed", type=date_arg,
                   help="filing date, YYYY-MM-DD (decides the value unit)")
    p.add_argument("--accession", help="accession number, e.g. 0001045810-24-000021")
    p.add_argument("--offline", action="store_true",
                   help="send nothing: leave new CUSIPs unmapped")
    p.add_argument("--no-map", action="store_true",
                   help="do not map new CUSIPs to tickers (OpenFIGI) after importing")
    p.add_argument("--deadline", type=seconds_arg, metavar="SECONDS",
                   help="give up mapping after this long (default: the deadline setting)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("portfolios", help="list portfolios",
                       description="List the portfolios: 13F filers and your own.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_portfolios)

    portfolio_help = "portfolio name or filer CIK (default: NVIDIA Corp)"
    p = sub.add_parser("filings", help="list a portfolio's filings",
                       description="List a portfolio's 13F filings: period, filed date, "
                       "accession, form, amendment type, entries and total value.")
    p.add_argument("--portfolio", metavar="P", help=portfolio_help)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_filings)

    p = sub.add_parser(
        "holdings",
        help="a portfolio's positions for one period",
        description="Positions as of a period of report (latest by default), amendments "
        "applied, rows of one security summed. Values in US dollars as filed; weights are "
        "fractions of the total of non-option positions. With --json each position also "
        "has its stake in the company (shares / the shares outstanding a sync recorded from "
        "EDGAR, with shares_outstanding_date; null when unknown).",
    )
    p.add_argument("--portfolio", metavar="P", help=portfolio_help)
    p.add_argument("--period", type=date_arg, metavar="YYYY-MM-DD", help="period of report")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_holdings)
