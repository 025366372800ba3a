"""XLSX cells read as the app shows them: whole share counts without Excel's trailing dot,
dates and times as dates, HHI on the app's 0-10,000 scale, and the prices' dates named."""

from __future__ import annotations

import datetime as dt

from core.services import exporters
from tests.core.test_snapshots import build, snap_ctx  # noqa: F401


def test_xlsx_shares_dates_and_hhi(snap_ctx, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    s = build(snap_ctx)
    book = snap_ctx.queries.portfolio()
    history = snap_ctx.snapshots.history(book, dt.date(2025, 5, 20))
    exporters.write_xlsx(s, {book.name: history}, tmp_path / "s.xlsx")
    wb = load_workbook(tmp_path / "s.xlsx")
    pos = wb["Positions"]
    header = [c.value for c in pos[1]]
    shares = pos.cell(2, header.index("Shares") + 1)
    assert isinstance(shares.value, int) and shares.number_format == "#,##0"
    period = pos.cell(2, header.index("Period of report") + 1)
    assert period.is_date and period.value.date() == dt.date(2025, 3, 31)
    assert period.number_format == "yyyy-mm-dd"
    priced = [r for r in pos.iter_rows(min_row=2) if r[header.index("Price") ].value]
    when = priced[0][header.index("Price time (UTC)")]
    assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm"
    hist = wb["History"]
    hist_header = [c.value for c in hist[1]]
    hhi = hist.cell(2, hist_header.index("HHI (0-10,000)") + 1).value
    assert hhi == round(float(history.hhi[0]) * 10_000) and 0 < hhi <= 10_000
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["prices_used"].startswith("at ")  # e.g. "at the close of May 20"
