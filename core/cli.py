"""The headless `stakewatch <command>` interface. Never imports Qt.

Exit codes: 0 done, 1 unexpected failure, 2 bad input or usage (one stderr line `error: ...`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from core import paths
from core.domain.filings import FilingSummary, issuer_label
from core.domain.positions import Holdings

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: reported as one `error:` line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-06-30") from None


# -- output ---------------------------------------------------------------------------------
def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    """An aligned text table; columns in `right` are right-aligned (numbers)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: list[str]) -> str:
        pairs = enumerate(zip(r, widths, strict=True))
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def _money(v: int | None) -> str:
    return "" if v is None else f"${v:,}"


def _pct(w: float | None) -> str:
    return "" if w is None else f"{w * 100:.2f}%"


def holdings_json(h: Holdings) -> dict:
    return {
        "portfolio": h.portfolio,
        "period": h.period.isoformat(),
        "accessions": list(h.accessions),
        "total_value": h.total_value,
        "options_value": h.options_value,
        "positions": [
            {
                "cusip": p.cusip,
                "ticker": p.ticker,
                "issuer": p.issuer,
                "title_of_class": p.title_of_class,
                "share_type": p.share_type,
                "put_call": p.put_call,
                "shares": p.shares,
                "value": p.value,
                "weight": p.weight,
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


# -- commands -------------------------------------------------------------------------------
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
        gen = ctx.importer.import_path(path, options)
        try:
            while True:
                p = next(gen)
                if show_progress:
                    print(f"\r{path}: {p.fraction:6.1%}  {p.rows:,} rows", end="", file=sys.stderr)
        except StopIteration as stop:
            report = stop.value
        except (FilingFormatError, OSError) as exc:
            if show_progress:
                print(file=sys.stderr)
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if show_progress:
            print(file=sys.stderr)
        _print_import(report, out)
    return EXIT_BAD_INPUT if failed else EXIT_OK


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
    print(f"  total:      {_money(r.total_value_usd)}", file=out)
    if r.unmapped_cusips:
        listed = ", ".join(r.unmapped_cusips[:10])
        more = f" and {len(r.unmapped_cusips) - 10} more" if len(r.unmapped_cusips) > 10 else ""
        print(f"  unmapped:   {len(r.unmapped_cusips)} CUSIP(s) with no ticker: {listed}{more}",
              file=out)
    for w in r.warnings:
        print(f"  warning:    {w}", file=out)


def cmd_portfolios(ctx, args, out: TextIO) -> int:
    ports = ctx.queries.portfolios()
    filings = ctx.queries.filings()
    count: dict[str, int] = {}
    latest: dict[str, dt.date] = {}
    for f in filings:
        count[f.portfolio] = count.get(f.portfolio, 0) + 1
        latest[f.portfolio] = max(latest.get(f.portfolio, f.period), f.period)
    if args.json:
        json.dump(
            [
                {"name": p.name, "kind": p.kind, "cik": p.cik, "filings": count.get(p.name, 0),
                 "latest_period": latest[p.name].isoformat() if p.name in latest else None}
                for p in ports
            ],
            out, indent=2,
        )  # fmt: skip
        print(file=out)
        return EXIT_OK
    rows = [
        (p.name, p.kind, p.cik or "", count.get(p.name, 0), latest.get(p.name, ""))
        for p in ports
    ]
    print(table(["portfolio", "kind", "CIK", "filings", "latest period"], rows, {3}), file=out)
    return EXIT_OK


def cmd_filings(ctx, args, out: TextIO) -> int:
    portfolio = ctx.queries.portfolio(args.portfolio)
    filings = ctx.queries.filings(portfolio)
    if args.json:
        json.dump([filing_json(f) for f in filings], out, indent=2)
        print(file=out)
        return EXIT_OK
    rows = [
        (
            f.period, f.filed, f.accession, f.form_type, f.amendment_type or "",
            f.entry_total if f.entry_total is not None else f"({f.rows})",
            _money(f.value_total_usd) if f.value_total_usd is not None
            else f"({_money(f.rows_value_usd)})",
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
        json.dump(holdings_json(h), out, indent=2)
        print(file=out)
        return EXIT_OK
    def issuer(name: str) -> str:
        shown, labelled = issuer_label(name)
        return shown + " *" if labelled else shown

    rows = [
        (
            p.ticker or "?", issuer(p.issuer), p.title_of_class,
            (p.put_call or p.share_type or ""), f"{p.shares:,}", _money(p.value), _pct(p.weight),
        )
        for p in h.positions
    ]  # fmt: skip
    print(
        f"{h.portfolio}, period {h.period} ({', '.join(h.accessions)}): "
        f"{_money(h.total_value)} in {sum(1 for p in h.positions if not p.is_option)} positions",
        file=out,
    )
    print(table(["ticker", "issuer", "class", "type", "shares", "value", "weight"], rows,
                {4, 5, 6}), file=out)  # fmt: skip
    if any(issuer_label(p.issuer)[1] for p in h.positions):
        print("* issuer name is a label: the name as filed was not seen", file=out)
    if h.options_value:
        print(f"options (left out of the total and weights): {_money(h.options_value)}", file=out)
    return EXIT_OK


# -- parser ---------------------------------------------------------------------------------
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakewatch")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stakewatch",
        description="Follow NVIDIA's (and any 13F filer's) disclosed holdings. "
        "With no command, opens the window.",
        epilog=f"Data lives in {paths.default_db_path()} unless --db or ${paths.DB_ENV} says "
        f"otherwise (${paths.DATA_DIR_ENV} moves the whole data folder). "
        "Exit codes: 0 done, 1 unexpected failure, 2 bad input. "
        "'stakewatch COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"stakewatch {_version()}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"database: an SQLAlchemy URL or a path to an SQLite file (default: ${paths.DB_ENV} "
        "or the user data directory)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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
        "as it is.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--cik", help="filer CIK (lone information tables)")
    p.add_argument("--name", help="filer name (lone information tables)")
    p.add_argument("--period", type=_date, help="period of report, YYYY-MM-DD")
    p.add_argument("--filed", type=_date, help="filing date, YYYY-MM-DD (decides the value unit)")
    p.add_argument("--accession", help="accession number, e.g. 0001045810-24-000021")
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
        "fractions of the total of non-option positions.",
    )
    p.add_argument("--portfolio", metavar="P", help=portfolio_help)
    p.add_argument("--period", type=_date, metavar="YYYY-MM-DD", help="period of report")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_holdings)
    return parser


def main(
    argv: Sequence[str] | None = None,
    open_window: Callable[[argparse.Namespace], int] | None = None,
    out: TextIO | None = None,
) -> int:
    """Run a command; with none, hand over to `open_window` (the GUI's entry point)."""
    out = out or sys.stdout
    from core.filings import FilingFormatError
    from core.services.queries import NotFoundError
    from core.storage.database import DatabaseError

    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            if open_window is None:
                raise UsageError("no command given (see 'stakewatch --help')")
            return open_window(args)
        from core.context import AppContext

        ctx = AppContext.open(args.db)
        try:
            return args.func(ctx, args, out)
        finally:
            ctx.close()
    except (UsageError, FilingFormatError, NotFoundError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an unexpected failure: say what, exit 1
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
