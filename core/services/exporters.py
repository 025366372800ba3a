"""Write snapshots as JSON (lossless), CSV (positions) and XLSX (positions, history,
changes, provenance), each through an atomic write."""

from __future__ import annotations

import csv
from pathlib import Path

from core.domain.analytics import Series
from core.services.cells import csv_cell, text_cells, xlsx_value
from core.services.snapshots import dumps, write_atomic

POSITION_COLUMNS = ("portfolio", "period", "cusip", "ticker", "issuer", "issuer_as_filed",
                    "title_of_class", "share_type", "put_call", "shares", "shares_now",
                    "value_reported",
                    "weight_reported", "price", "price_time", "price_source", "value",
                    "weight", "priced", "cost_per_share", "cost", "gain",
                    "gain_pct")  # fmt: skip  (the last four: own portfolios only)
CHANGE_COLUMNS = ("portfolio", "period", "cusip", "ticker", "issuer", "status",
                  "shares_before", "shares_after", "shares_change", "value_before",
                  "value_after", "price_effect", "quantity_effect")  # fmt: skip

TX_COLUMNS = ("portfolio", "date", "type", "ticker", "cusip", "shares", "price", "fees",
              "amount", "ratio", "note", "origin")  # fmt: skip
RETURN_COLUMNS = ("portfolio", "from", "to", "twr", "irr", "max_drawdown", "benchmark",
                  "benchmark_twr", "realised_gain", "dividends", "missing")  # fmt: skip

# XLSX: the header a person reads and the number format of each column (CSV keeps the
# machine names above).
MONEY, PRICE, SHARE, PCT, PCT_POINTS, DATE = ('"$"#,##0', '"$"#,##0.00', "#,##0.####",
                                              "0.00%", '0.00"%"', "yyyy-mm-dd")  # fmt: skip
WHOLE, TIME = "#,##0", "yyyy-mm-dd hh:mm"  # Excel shows "#,##0.####" of 5 as "5."
DATE_COLUMNS = {"period": DATE, "date": DATE, "price_time": TIME}
HHI_SCALE = 10_000  # the app's scale: HHI 1,250 is a book of eight equal positions
HUMAN = {
    "portfolio": ("Portfolio", None), "period": ("Period of report", DATE),
    "cusip": ("CUSIP", None), "ticker": ("Ticker", None), "issuer": ("Issuer", None),
    "issuer_as_filed": ("Issuer as filed", None),
    "title_of_class": ("Class", None), "share_type": ("SH/PRN", None),
    "put_call": ("Put/call", None), "shares": ("Shares", SHARE),
    "shares_now": ("Shares now (split-adjusted)", SHARE),
    "value_reported": ("Reported value", MONEY), "weight_reported": ("Reported weight", PCT),
    "price": ("Price", PRICE), "price_time": ("Price time (UTC)", TIME),
    "price_source": ("Price source", None), "value": ("Value", MONEY), "weight": ("Weight", PCT),
    "priced": ("Priced", None), "cost_per_share": ("Cost per share", PRICE),
    "cost": ("Cost", MONEY), "gain": ("Unrealised gain", MONEY), "gain_pct": ("Gain %", PCT_POINTS),
    "status": ("Change", None), "shares_before": ("Shares before", SHARE),
    "shares_after": ("Shares after", SHARE), "shares_change": ("Shares +/-", SHARE),
    "value_before": ("Value before", MONEY), "value_after": ("Value after", MONEY),
    "price_effect": ("Price effect", MONEY), "quantity_effect": ("Quantity effect", MONEY),
    "date": ("Date", DATE), "total_value": ("Total value", MONEY),
    "top1_weight": ("Top-1 weight", PCT), "top5_weight": ("Top-5 share", PCT),
    "hhi": ("HHI (0-10,000)", WHOLE), "effective_n": ("Effective N", "0.00"),
    "as_filed": ("As filed", None), "item": ("Item", None), "value_text": ("Value", None),
    "type": ("Type", None), "fees": ("Fees", PRICE), "amount": ("Amount", PRICE),
    "ratio": ("Split ratio", "0.####"), "note": ("Note", None), "origin": ("From", None),
    "from": ("From", DATE), "to": ("To", DATE), "twr": ("Time-weighted return", PCT),
    "irr": ("Money-weighted (IRR, a year)", PCT), "max_drawdown": ("Max drawdown", PCT),
    "benchmark": ("Benchmark", None), "benchmark_twr": ("Benchmark return", PCT),
    "realised_gain": ("Realised gain", MONEY), "dividends": ("Dividends", MONEY),
    "missing": ("No prices for", None),
}  # fmt: skip
DATE_COLUMNS.update({"from": DATE, "to": DATE})


def _tx_numbers(row: list) -> list:
    """Exact decimal strings as numbers in a sheet (a person sums them)."""
    out = list(row)
    for i in (5, 6, 7, 8, 9):
        if out[i] is not None:
            out[i] = float(out[i])
    return out


def _returns_row(r: dict) -> list:
    return [r["from"], r["to"], r["twr"], r["irr"], r["max_drawdown"], r["benchmark"]["ticker"],
            r["benchmark"]["twr"], r.get("realised_gain"), r.get("dividends"),
            ", ".join(m["ticker"] for m in r["missing_prices"])]


def position_rows(snapshot: dict):
    for book in snapshot["portfolios"]:
        for p in book["positions"]:
            yield {"portfolio": book["name"], "period": book["report"]["period"], **p}


def write_json(snapshot: dict, path: Path, force: bool = False) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(dumps(snapshot), encoding="utf-8"), force)


def write_csv(snapshot: dict, path: Path, force: bool = False) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, POSITION_COLUMNS, extrasaction="ignore")
            w.writeheader()
            for row in position_rows(snapshot):
                w.writerow({k: ("" if v is None else csv_cell(v)) for k, v in row.items()})

    write_atomic(path, write, force)


def write_xlsx(
    snapshot: dict, histories: dict[str, Series], path: Path, force: bool = False
) -> None:
    from openpyxl import Workbook  # imported here: only exports need it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from core.files import write_workbook

    def write(tmp: Path) -> None:
        wb = Workbook()
        bold = Font(bold=True)

        def sheet(title: str, columns: list[str], rows, first: bool = False):
            """Human headers, bold and frozen; number formats; widths that fit."""
            ws = wb.active if first else wb.create_sheet()
            ws.title = title
            ws.append([HUMAN.get(c, (c, None))[0] for c in columns])
            for cell in ws[1]:
                cell.font = bold
            widths = [len(str(cell.value)) for cell in ws[1]]
            kinds = [DATE_COLUMNS.get(c) for c in columns]
            for n, r in enumerate(rows):
                r = [_as_date(xlsx_value(v), k) for v, k in zip(r, kinds, strict=False)]
                ws.append(r)
                if any(isinstance(v, str) and v.startswith("=") for v in r):
                    text_cells(ws[ws.max_row])  # a name like '=HYPERLINK(...)' stays text
                if n < 500:  # enough rows to size the columns by
                    widths = [max(w, len(_shown(v))) for w, v in zip(widths, r, strict=False)]
            for j, c in enumerate(columns, 1):
                fmt = HUMAN.get(c, (c, None))[1]
                letter = get_column_letter(j)
                if fmt == SHARE:  # whole counts without Excel's trailing dot
                    for cell in ws[letter][1:]:
                        v = cell.value
                        whole = isinstance(v, int) or (isinstance(v, float) and v.is_integer())
                        cell.number_format = WHOLE if whole else SHARE
                elif fmt:
                    for cell in ws[letter][1:]:
                        cell.number_format = fmt
                ws.column_dimensions[letter].width = min(60, widths[j - 1] + 3)
            ws.freeze_panes = "A2"
            return ws

        sheet("Positions", list(POSITION_COLUMNS),
              ([row.get(c) for c in POSITION_COLUMNS] for row in position_rows(snapshot)),
              first=True)  # fmt: skip
        hist_rows = []
        for name, s in histories.items():
            for i, day in enumerate(s.dates):
                hist_rows.append([name, day.astype(object), float(s.totals[i]), float(s.top1[i]),
                                  float(s.top5[i]), round(float(s.hhi[i]) * HHI_SCALE),
                                  float(s.effective_n[i]),
                                  bool(s.is_period_end[i])])  # fmt: skip
        sheet("History", ["portfolio", "date", "total_value", "top1_weight", "top5_weight",
                          "hhi", "effective_n", "as_filed"], hist_rows)  # fmt: skip
        sheet("Changes", list(CHANGE_COLUMNS), (
            [book["name"], book["report"]["period"]] + [c.get(k) for k in CHANGE_COLUMNS[2:]]
            for book in snapshot["portfolios"] for c in book["changes"]
        ))  # fmt: skip
        tx_rows = [[book["name"], *(t.get(k) for k in TX_COLUMNS[1:])]
                   for book in snapshot["portfolios"] for t in book.get("transactions", [])]
        if tx_rows:
            sheet("Transactions", list(TX_COLUMNS), (_tx_numbers(r) for r in tx_rows))
        returns = [[book["name"], *(_returns_row(book["returns"]))]
                   for book in snapshot["portfolios"] if "returns" in book]  # fmt: skip
        if returns:
            sheet("Returns", list(RETURN_COLUMNS), returns)
        from core.services.snapshots import prices_used

        about = [
            ["kind", snapshot["kind"]], ["schema_version", snapshot["schema_version"]],
            ["created_at", snapshot["created_at"]], ["as_of", snapshot["as_of"]],
            ["prices_used", prices_used(snapshot)],
            ["app_version", snapshot["app_version"]],
            ["database_schema", snapshot["database_schema"]],
        ]  # fmt: skip
        for book in snapshot["portfolios"]:
            for f in book["filings"]:
                about.append([f"filing of {book['name']}", f"{f['accession']} "
                              f"({f['form_type']}, period {f['period']}, filed {f['filed']})"])
        for p in snapshot["prices"]:
            about.append([f"price {p['ticker']}", f"{p['price']} at {p['time']} ({p['source']}"
                          + (f"; {p['detail']}" if p["detail"] else "") + ")"])  # fmt: skip
        sheet("About", ["item", "value_text"], about)
        write_workbook(wb, tmp)  # a full disk: one OSError, no traceback after it

    write_atomic(path, write, force)


def _shown(value) -> str:
    """About how wide a cell's value reads once formatted."""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"${value:,}"
    return "" if value is None else str(value)


def _as_date(value: object, kind: str | None) -> object:
    """An ISO date or time of a date column as a real date (Excel sorts and filters it);
    times in UTC without the zone, which Excel cannot hold (the header says UTC)."""
    import datetime as dt

    if kind is None or not isinstance(value, str) or not value:
        return value
    try:
        if kind == DATE and len(value) == 10:
            return dt.date.fromisoformat(value)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment
