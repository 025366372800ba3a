"""Commands that keep the database current: follow, unfollow, sync, companies map|import-map."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from core.cli.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    Parser,
    UsageError,
    date_arg,
    error_line,
    money,
    print_json,
    run_with_progress,
    table,
)


def _bad_input(exc: Exception) -> UsageError:
    return UsageError(str(exc))


def _following(ctx):
    from core.services.following import Following

    return Following(ctx.db, ctx.settings)


# -- follow / unfollow ----------------------------------------------------------------------
def cmd_follow(ctx, args, out: TextIO) -> int:
    from core.edgar.http import MissingContactError
    from core.services.following import FilerLookupError

    try:
        r = _following(ctx).follow(args.cik, args.name, deadline=args.deadline)
    except MissingContactError as exc:
        raise _bad_input(exc) from None
    except FilerLookupError as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_PARTIAL
    p = r.portfolio
    if r.was_followed:
        print(f"already following {p.name} (CIK {p.cik})", file=out)
        return EXIT_OK
    print(f"following {p.name} (CIK {p.cik})" + (" (new portfolio)" if r.created else ""),
          file=out)  # fmt: skip
    if r.files_13f is False:
        print("note: EDGAR lists no 13F-HR among its recent filings", file=out)
    print("run 'stakewatch sync' to fetch its filings", file=out)
    return EXIT_OK


def cmd_unfollow(ctx, args, out: TextIO) -> int:
    p, was = _following(ctx).unfollow(args.portfolio)
    if was:
        print(f"stopped following {p.name} (CIK {p.cik}); its filings are kept", file=out)
    else:
        print(f"{p.name} was not followed; nothing changed", file=out)
    return EXIT_OK


# -- sync -----------------------------------------------------------------------------------
def _status_rows(ctx, statuses):
    from core.domain.following import staleness

    today = dt.date.today()
    rows = []
    for f in statuses:
        st = staleness(f.latest_period, today)
        due = ""
        if st.stale:
            due = f"{st.next_period} due {st.due}" + (" OVERDUE" if st.overdue else "")
        rows.append((f.name, f.cik, "yes" if f.followed else "no", f.latest_period or "",
                     f"{f.last_synced:%Y-%m-%d %H:%M}" if f.last_synced else "never", due))
    return rows


def cmd_sync(ctx, args, out: TextIO) -> int:
    from core.edgar.http import MissingContactError
    from core.services.sync import SyncUnavailable

    sync = ctx.sync
    filers = sync.filers(args.portfolio)  # bad names: exit 2 before anything else
    if ctx.settings.offline:
        rows = _status_rows(ctx, filers)
        if args.json:
            print_json({"offline": True, "filers": [
                {"cik": f.cik, "name": f.name, "imported": [], "failed": []} for f in filers],
                "mapped": 0, "requests": 0}, out)  # fmt: skip
            return EXIT_OK
        print("offline: no request sent; what is stored:", file=out)
        print(table(["filer", "CIK", "followed", "latest period", "last synced", "next report"],
                    rows, set()), file=out)  # fmt: skip
        return EXIT_OK
    show = sys.stderr.isatty() and not args.json
    try:
        report = run_with_progress(
            sync.run(args.portfolio, since=args.since, deadline=args.deadline),
            (lambda p: f"[{p.done}/{p.total}] {p.message}"[:78].ljust(78)) if show else None,
        )
    except (MissingContactError, SyncUnavailable) as exc:
        raise _bad_input(exc) from None
    if args.json:
        print_json(sync_json(report), out)
    else:
        _print_sync(report, out)
    problems = [f"{f.name}: {x.accession or 'filer'}: {x.reason}"
                for f in report.filers for x in f.failed]  # fmt: skip
    if report.mapping_error:
        problems.append(f"mapping: {report.mapping_error}")
    if problems:
        print(error_line(f"{len(problems)} failure(s): " + "; ".join(problems)),
              file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def sync_json(report) -> dict:
    return {
        "filers": [
            {
                "cik": f.cik,
                "name": f.name,
                "imported": [
                    {"accession": i.accession, "form": i.form,
                     "amendment_type": i.amendment_type, "period": i.period.isoformat(),
                     "filed": i.filed.isoformat(), "rows": i.rows,
                     "total_value": i.total_value}
                    for i in f.imported
                ],
                "failed": [{"accession": x.accession, "reason": x.reason} for x in f.failed],
                "skipped": [{"accession": x.accession, "reason": x.reason} for x in f.skipped],
            }
            for f in report.filers
        ],
        "mapped": report.mapped,
        "unmapped": report.unmapped,
        "mapping_error": report.mapping_error,
        "shares_outstanding_updated": report.facts_updated,
        "facts_error": report.facts_error,
        "skipped_steps": list(report.skipped_steps),
        "map_refresh": report.map_refresh,
        "requests": report.requests,
    }  # fmt: skip


def _print_sync(report, out: TextIO) -> None:
    if not report.filers:
        print("no filer is followed ('stakewatch follow CIK' follows one)", file=out)
    for f in report.filers:
        head = f"{f.name} (CIK {f.cik}): "
        if not f.imported and not f.failed:
            print(head + "nothing new", file=out)
        else:
            print(head + f"{len(f.imported)} new filing(s)"
                  + (f", {len(f.failed)} failed" if f.failed else ""), file=out)  # fmt: skip
        if f.imported:
            rows = [(i.accession, i.form, i.amendment_type or "", i.period, i.filed,
                     f"{i.rows:,}", money(i.total_value)) for i in f.imported]  # fmt: skip
            text = table(["accession", "form", "amendment", "period", "filed", "rows",
                          "total value"], rows, {5, 6})  # fmt: skip
            print("\n".join("  " + line for line in text.splitlines()), file=out)
        for x in f.skipped:
            print(f"  skipped {x.accession}: {x.reason}", file=out)
        for x in f.failed:
            print(f"  FAILED {x.accession or '(filer)'}: {x.reason}", file=out)
    if report.map_refresh:
        print(report.map_refresh, file=out)
    if report.mapped or report.unmapped:
        print(f"tickers: {report.mapped} CUSIP(s) mapped (OpenFIGI), {report.unmapped} left "
              "unmapped with the reason", file=out)  # fmt: skip
    if report.mapping_error:
        print(f"tickers: not mapped: {report.mapping_error}", file=out)
    if report.facts_updated:
        print(f"shares outstanding: {report.facts_updated} issuer(s) updated", file=out)
    if report.facts_error:
        print(f"shares outstanding: not all refreshed: {report.facts_error}", file=out)
    for step in report.skipped_steps:
        print(step, file=out)
    print(f"{report.requests} request(s) to EDGAR", file=out)


# -- companies map | import-map -------------------------------------------------------------
def cmd_companies_map(ctx, args, out: TextIO) -> int:
    from core.edgar.http import Deadline

    ids = None
    if args.portfolio:
        ids = [ctx.queries.portfolio(args.portfolio).id]
    mapper = ctx.mapper
    todo = mapper.unmapped(ids, retry=True)
    if not todo:
        print("every CUSIP held has a ticker (or was set by you); nothing to map", file=out)
        return EXIT_OK
    if ctx.settings.offline:
        raise UsageError(f"offline: {len(todo)} CUSIP(s) unmapped; mapping needs OpenFIGI "
                         "(or use 'stakewatch companies import-map FILE.csv')")  # fmt: skip
    deadline = args.deadline if args.deadline is not None else max(ctx.settings.deadline, 120)
    gen = mapper.map_unmapped(ids, retry=True, deadline=Deadline(deadline))
    show = sys.stderr.isatty() and not args.json
    report = run_with_progress(gen, (lambda p: f"OpenFIGI: {p.done}/{p.total}") if show else None)
    if args.json:
        print_json({"asked": report.asked, "mapped": report.mapped,
                    "unmapped": report.unmapped, "error": report.error,
                    "requests": report.requests}, out)  # fmt: skip
    if report.error:
        print(error_line(f"nothing changed: {report.error}"), file=sys.stderr)
        return EXIT_PARTIAL
    if not args.json:
        rows = [(c, t, "mapped (openfigi)") for c, t in sorted(report.mapped.items())]
        rows += [(c, "", f"unmapped: {why}") for c, why in sorted(report.unmapped.items())]
        print(table(["cusip", "ticker", "result"], rows, set()), file=out)
        print(f"{len(report.mapped)} of {report.asked} mapped in {report.requests} "
              "request(s) to OpenFIGI", file=out)  # fmt: skip
    return EXIT_OK


def cmd_companies_import_map(ctx, args, out: TextIO) -> int:
    from core.services.mapping import MappingFileError

    try:
        n = ctx.mapper.import_map(args.file)
    except MappingFileError as exc:
        raise _bad_input(exc) from None
    print(f"{n} CUSIP(s) mapped from {args.file.name} (source: import-map)", file=out)
    return EXIT_OK


def _deadline_option(p) -> None:
    p.add_argument("--deadline", type=float, metavar="SECONDS",
                   help="give up on what is not done after this long (default: the setting)")


def register(sub) -> None:
    p = sub.add_parser(
        "follow", help="follow a 13F filer (sync fetches its filings)",
        description="Follow a 13F filer by its SEC CIK: its portfolio is created and 'sync' "
        "fetches its filings. The name comes from EDGAR (needs the sec_contact setting); "
        "with --name no request is sent.",
    )  # fmt: skip
    p.add_argument("cik", metavar="CIK")
    p.add_argument("--name", help="the filer's name (no request to EDGAR)")
    p.add_argument("--offline", action="store_true", help="send nothing (then give --name)")
    _deadline_option(p)
    p.set_defaults(func=cmd_follow)

    p = sub.add_parser("unfollow", help="stop syncing a filer (its data is kept)",
                       description="Stop syncing a 13F filer; its filings stay.")
    p.add_argument("portfolio", metavar="P", help="portfolio name or filer CIK")
    p.set_defaults(func=cmd_unfollow)

    p = sub.add_parser(
        "sync", help="fetch new 13F filings of followed filers from EDGAR",
        description="For each followed filer (or each --portfolio), read its EDGAR "
        "submissions index, download the 13F-HR and 13F-HR/A filings not in the database "
        "(first sync: back to --since, default three years) and import each in its own "
        "transaction; then map new CUSIPs to tickers (OpenFIGI) and refresh issuers' shares "
        "outstanding. At most 10 requests a second; every request declares the sec_contact "
        "setting. Exit 0 all done, 3 some filer or filing failed (said which and why).",
    )  # fmt: skip
    p.add_argument("--portfolio", metavar="P", action="append",
                   help="only this filer (name or CIK); repeatable")
    p.add_argument("--since", type=date_arg, metavar="YYYY-MM-DD",
                   help="fetch filings filed on or after this date")
    p.add_argument("--offline", action="store_true",
                   help="send nothing: show the followed filers and when their reports are due")
    _deadline_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("companies", help="the security master: map CUSIPs to tickers",
                       description="The security master: map CUSIPs to tickers (OpenFIGI, "
                       "your own file, the SEC's fails-to-deliver data) and show what one "
                       "security is known as.")  # fmt: skip
    csub = p.add_subparsers(dest="companies_command", metavar="ACTION", parser_class=Parser,
                            required=True)  # fmt: skip
    m = csub.add_parser(
        "map", help="map unmapped CUSIPs through OpenFIGI",
        description="Ask OpenFIGI for the US listing of every held CUSIP without a ticker "
        "(tickers you typed are never touched); all answers are stored at once, or none if "
        "OpenFIGI cannot be reached (exit 3). The openfigi_key setting allows bigger batches.",
    )  # fmt: skip
    m.add_argument("--portfolio", metavar="P", help="only CUSIPs this portfolio holds")
    m.add_argument("--offline", action="store_true", help="send nothing (so map nothing)")
    _deadline_option(m)
    m.add_argument("--json", action="store_true", help="print JSON")
    m.set_defaults(func=cmd_companies_map)
    i = csub.add_parser(
        "import-map", help="load CUSIP-to-ticker mappings from a CSV",
        description="Load 'cusip,ticker[,name]' lines (a header row is optional) as your own "
        "mappings. Every line is checked first: any bad line (named) means nothing changes.",
    )  # fmt: skip
    i.add_argument("file", type=Path, metavar="FILE.csv")
    i.set_defaults(func=cmd_companies_import_map)
    from core.cli import companies  # refresh-map, show

    companies.register(csub, _deadline_option)
