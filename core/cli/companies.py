"""Commands about the CUSIP master: companies refresh-map (SEC fails data), companies show."""

from __future__ import annotations

import sys
from typing import TextIO

from core.cli.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    UsageError,
    print_json,
    printable,
    run_with_progress,
)


def cmd_refresh_map(ctx, args, out: TextIO) -> int:
    from core.edgar.http import Deadline, MissingContactError
    from core.services.map_refresh import MapRefresher, month_arg
    from core.services.queries import InvalidRequestError

    try:
        since = month_arg(args.since) if args.since else None
        offline = args.offline or ctx.settings.offline
        deadline = args.deadline if args.deadline is not None else max(ctx.settings.deadline, 300)
        gen = MapRefresher(ctx.db, ctx.settings.sec_contact).refresh(
            since, offline=offline, deadline=Deadline(deadline))
        show = sys.stderr.isatty() and not args.json
        report = run_with_progress(
            gen, (lambda p: f"{p.message} ({p.done}/{p.total})") if show else None)
    except (InvalidRequestError, MissingContactError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json({"listed": report.listed, "read": list(report.read),
                    "downloaded": report.downloaded, "read_before": report.already,
                    "sightings": report.sightings, "companies_changed": report.companies_changed,
                    "failed": report.failed, "offline": report.offline}, out)  # fmt: skip
    else:
        print(report.line(), file=out)
    return EXIT_OK if report.ok else EXIT_PARTIAL


def show_json(info) -> dict:
    return {
        "cusip": info.cusip, "ticker": info.ticker, "source": info.source,
        "mapped_at": info.mapped_at.isoformat() if info.mapped_at else None,
        "unmapped_reason": info.reason, "names": list(info.names), "classes": list(info.classes),
        "tickers": [{"ticker": s.ticker, "source": s.source,
                     "first_seen": s.first_seen.isoformat() if s.first_seen else None,
                     "last_seen": s.last_seen.isoformat() if s.last_seen else None}
                    for s in info.sightings],
        "cik": info.cik, "exchange": info.exchange, "sec_name": info.sec_name,
        "shares_outstanding": info.shares_outstanding,
        "shares_outstanding_date": (info.shares_outstanding_date.isoformat()
                                    if info.shares_outstanding_date else None),
    }  # fmt: skip


def cmd_show(ctx, args, out: TextIO) -> int:
    from core.domain.ticker_map import SOURCE_NAMES
    from core.services.cusip_master import describe

    found = describe(ctx.db, args.key)
    if not found:
        raise UsageError(f"{args.key!r}: no security with that CUSIP or ticker is known "
                         "(not in a filing, the CUSIP map or the SEC's list)")  # fmt: skip
    if args.json:
        print_json([show_json(i) for i in found], out)
        return EXIT_OK
    for n, i in enumerate(found):
        if n:
            print(file=out)
        src = SOURCE_NAMES.get(i.source or "", i.source or "")
        print(f"{i.cusip}  {i.ticker or '(no ticker)'}" + (f"  (from {src})" if src else ""),
              file=out)  # fmt: skip
        if not i.ticker and i.reason:  # names as filed: one line each, whatever they hold
            print(f"  unmapped:  {printable(i.reason)}", file=out)
        print(f"  names:     {printable('; '.join(i.names)) or '-'}", file=out)
        print(f"  class:     {printable('; '.join(i.classes)) or '-'}", file=out)
        exch = f" ({i.exchange})" if i.exchange else ""
        print(f"  issuer:    CIK {i.cik}{exch}" if i.cik else "  issuer:    CIK unknown",
              file=out)  # fmt: skip
        if i.shares_outstanding:
            print(f"  shares outstanding: {i.shares_outstanding:,} on "
                  f"{i.shares_outstanding_date}", file=out)  # fmt: skip
        print("  tickers over time:", file=out)
        for s in i.sightings:
            span = (f"{s.first_seen} to {s.last_seen}" if s.first_seen else "undated")
            print(f"    {s.ticker:<8} {span:<24} {SOURCE_NAMES.get(s.source, s.source)}",
                  file=out)  # fmt: skip
    return EXIT_OK


def register(csub, deadline_option) -> None:
    r = csub.add_parser(
        "refresh-map", help="update the CUSIP map from the SEC's fails-to-deliver data",
        description="Read the SEC's Fails-to-Deliver page, download only the half-month "
        "zips not read before (kept cached; they never change once published) and record "
        "each CUSIP's symbols with the first and last settlement date seen; then every "
        "company not mapped by you takes its ticker by precedence (SEC fails data, OpenFIGI, "
        "the bundled seed). Same contact, rate limit and checks as 'sync', which runs this "
        "when the last refresh is over 30 days old. Exit 3 if a file failed (said why).",
    )  # fmt: skip
    r.add_argument("--since", metavar="YYYY-MM",
                   help="files from this month on (default: the last 12 months)")
    r.add_argument("--offline", action="store_true",
                   help="send nothing: read only zips already in the cache")
    deadline_option(r)
    r.add_argument("--json", action="store_true", help="print JSON")
    r.set_defaults(func=cmd_refresh_map)
    s = csub.add_parser(
        "show", help="what one security is known as: names, class, tickers over time",
        description="A security by CUSIP or ticker (a ticker may name several CUSIPs over "
        "time): its names and class as filed, today's ticker and its source, every ticker "
        "seen with its source and dates, the issuer's CIK and shares outstanding.",
    )  # fmt: skip
    s.add_argument("key", metavar="CUSIP|TICKER")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_show)
