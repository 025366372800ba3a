"""The drawn exports: a PDF report (a one-page summary per book, then tables and charts) and
PNG or SVG images of one chart. Called by `stakewatch export` and by File > Export."""

from __future__ import annotations

import html
from pathlib import Path

from core.domain.analytics import Series
from core.files import write_verified
from core.services.snapshots import prices_used
from gui.formatting import money_long, signed_money

CHART_SIZE = (1200, 650)


def chart_widget(app, kind: str, series: Series, bars: dict | None = None,
                 size: tuple[int, int] = CHART_SIZE, book: str | None = None,
                 framed: bool = True):  # fmt: skip
    """A chart built offscreen from a series, sized for export, in the light theme whatever
    the window's; `framed`: with its title (naming `book`) and legend drawn in. `app` is the
    running QApplication (passed in: this module never builds one, so gui.app need not be
    imported here and no import circle forms)."""
    from gui import theme

    # Light while the chart is built (it keeps its colours), not while events run below:
    # the window, repainting meanwhile, keeps its own theme.
    with theme.light_for_export():
        w = _build(kind, series, bars, book, framed)
    w.resize(*size)
    w.show()
    for chart in (w.charts() if hasattr(w, "charts") else [w]):
        chart.getPlotItem().vb.updateAutoRange()  # settle the axes before drawing
    for _ in range(3):
        app.processEvents()
    return w


def _build(kind: str, series: Series, bars: dict | None, book: str | None, framed: bool):
    from core.services.prices import ALWAYS
    from gui.charts.chart_frame import chart_title, frame, style_legends
    from gui.charts.concentration_chart import ConcentrationChart
    from gui.charts.price_chart import PriceChart
    from gui.charts.value_chart import ValueChart, position_names

    if kind == "value":
        w = ValueChart()
        w.set_series(series, names=position_names(series, []))  # names as the window's
    elif kind == "concentration":
        w = ConcentrationChart()
        w.set_series(series)
        for chart in w.charts():
            chart.apply_preset("All")
    else:
        w = PriceChart(ALWAYS)
        w.set_bars(bars or {})
        w.apply_preset("All")
    if framed:
        frame(w, kind, chart_title(kind, book, w))
    else:  # the PDF's: its heading and an HTML legend name it; its own legends stay readable
        style_legends(w)
    return w


def _ends_with(tmp: Path, marker: bytes, what: str) -> None:
    """Qt's writers report no I/O errors: a file cut short (a full disk) lacks its end."""
    with tmp.open("rb") as f:
        f.seek(max(0, tmp.stat().st_size - 64))
        if marker not in f.read():
            raise OSError(f"the {what} was cut short (is the disk full?)")


def save_chart(widget, path: Path, fmt: str, force: bool) -> None:
    from PySide6.QtCore import QPoint, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator
    from PySide6.QtWidgets import QWidget

    from gui.charts.chart_frame import drawn_as_vectors

    def write(tmp: Path) -> None:
        if fmt == "png":
            if not widget.grab().save(str(tmp), "PNG"):
                raise OSError("the PNG writer failed")
            return
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        gen.setSize(QSize(*CHART_SIZE))
        gen.setViewBox(QRect(0, 0, *CHART_SIZE))
        gen.setTitle("Stakewatch chart")
        painter = QPainter()
        if not painter.begin(gen):
            raise OSError("the SVG writer failed")
        # QWidget.render, not the widget's own: a chart that is a QGraphicsView overrides
        # render() with a painter-to-scene version that takes no paint device.
        with drawn_as_vectors(widget):
            QWidget.render(widget, painter, QPoint(0, 0))
        painter.end()
        _ends_with(tmp, b"</svg>", "SVG file")

    write_verified(path, write, force)


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    head = "".join(f"<th align='{'right' if i in right else 'left'}'>{html.escape(h)}</th>"
                   for i, h in enumerate(headers))  # fmt: skip
    def cell(i: int, c: str) -> str:
        if i in right:  # numbers never wrap
            return f"<td align='right' style='white-space:nowrap'>{html.escape(c)}</td>"
        return f"<td>{html.escape(c)}</td>"

    body = "".join("<tr>" + "".join(cell(i, c) for i, c in enumerate(r)) + "</tr>"
                   for r in rows)  # fmt: skip
    return (f"<table border='0' cellspacing='0' cellpadding='2' width='100%' "
            f"style='font-size:8pt'><tr style='background:#e8ebef'>{head}</tr>{body}</table>")


TOP_POSITIONS = 12  # rows of the summary page's top-positions table
SUMMARY_CHART = (680, 360)  # the summary's value chart, drawn at the size it is printed
DETAIL_CHART = (680, 330)


def _facts(pairs: list[tuple[str, str]]) -> str:
    """A small two-column table of labelled figures (label left, figure right)."""
    rows = "".join(f"<tr><td style='color:#444'>{html.escape(k)}</td>"
                   f"<td align='right' style='white-space:nowrap'><b>{html.escape(v)}</b></td>"
                   f"</tr>" for k, v in pairs)  # fmt: skip
    return f"<table cellspacing='0' cellpadding='2' style='font-size:9pt'>{rows}</table>"


def _value(p: dict) -> str:
    """A position's value, or "no price" where an own book leaves it out (never $0)."""
    return money_long(p["value"]) if p["value"] is not None else "no price"


def _pct(v) -> str:
    return "" if v is None else f"{v:+.2f}%"


def _summary(book: dict, legend: list[tuple[str, str]] | None) -> str:
    """One book on one page: totals, concentration, top positions and the value chart."""
    name = html.escape(book["name"])
    c, cr, report = book["concentration"], book["concentration_reported"], book["report"]
    own = book.get("kind") == "own"
    equity = [p for p in book["positions"] if p["put_call"] is None]
    if own:
        pnl = book.get("pnl") or {}
        totals = [("Market value", money_long(book["total_value"])),
                  ("Cost", money_long(pnl["cost"]) if "cost" in pnl else ""),
                  ("Unrealised gain", signed_money(pnl["gain"]) + f" ({_pct(pnl['gain_pct'])})"
                   if pnl.get("gain") is not None else "unknown"),
                  ("Statement of", report["period"]),
                  ("Positions", f"{len(equity):,}")]  # fmt: skip
    else:
        totals = [("Value at the prices used", money_long(book["total_value"])),
                  ("Value as reported", money_long(book["total_value_reported"])),
                  ("Report for period", report["period"]), ("Filed", report["filed"]),
                  ("Filing", ", ".join(report["accessions"])),
                  ("Positions", f"{len(equity):,}"
                   + (f" (+{len(book['positions']) - len(equity)} options)"
                      if len(book["positions"]) > len(equity) else ""))]  # fmt: skip
    conc = [("Top holding", f"{c['top1_weight'] * 100:.2f}%"),
            ("Top 5", f"{c['top5_weight'] * 100:.2f}%"),
            ("HHI", f"{c['hhi'] * 10_000:,.0f}"), ("Effective N", f"{c['effective_n']:.2f}")]
    if not own:
        conc.append(("Top holding as reported", f"{cr['top1_weight'] * 100:.2f}%"))
    top = sorted(equity, key=lambda p: -(p["value"] or 0))[:TOP_POSITIONS]
    headers = ["", "Ticker", "Issuer", "Shares", "Value", "Weight"]
    rows = [[f"{i}.", p["ticker"] or p["cusip"], p["issuer"], f"{p['shares']:,}",
             _value(p), f"{p['weight'] * 100:.2f}%" if p["weight"] is not None else ""]
            for i, p in enumerate(top, 1)]  # fmt: skip
    if own:
        headers += ["Cost", "Gain"]
        for r, p in zip(rows, top, strict=True):
            r += [money_long(p["cost"]) if p.get("cost") is not None else "",
                  _pct(p.get("gain_pct"))]  # fmt: skip
    more = len(equity) - len(top)
    w, h = SUMMARY_CHART
    return "".join([
        f"<h2>{name}</h2>",
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='50%' valign='top'><b>Totals</b>{_facts(totals)}</td>"
        f"<td width='50%' valign='top'><b>Concentration</b>{_facts(conc)}</td></tr></table>",
        "<p style='margin-top:8px'><b>Top positions</b>"
        + (f" ({len(top)} of {len(equity)}; all on the following pages)" if more else "")
        + "</p>",
        _table(headers, rows, {0, 3, 4, 5, 6, 7}),
        "<p style='margin-top:8px'><b>Value over time</b></p>",
        f"<img src='chart://value/{name}' width='{w}' height='{h}'>",
        _legend(legend or []),
    ])  # fmt: skip


def _legend(entries: list[tuple[str, str]]) -> str:
    """The value chart's layers by colour (the window lists them beside the chart)."""
    if not entries:
        return ""
    return "<p style='font-size:8.5pt'>" + " &nbsp; ".join(
        f"<span style='color:{c}'>&#9632;</span>&nbsp;{html.escape(n)}" for n, c in entries
    ) + "</p>"


def report_html(snapshot: dict, legends: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """The report: a one-page summary per book first, then its positions, changes,
    concentration and filings flowing on (a page break only between books). `legends`:
    the layers as (name, colour) of each chart, keyed 'value/<book>', 'concentration/<book>'."""
    names = ", ".join(b["name"] for b in snapshot["portfolios"])
    parts = [
        f"<h1 style='margin-bottom:2px'>Stakewatch report: {html.escape(names)}</h1>",
        f"<p style='font-size:8pt;color:#444'>As of <b>{snapshot['as_of']}</b>, "
        f"<b>{prices_used(snapshot)}</b>; taken "
        f"{snapshot['created_at']} by Stakewatch {snapshot['app_version']} (database schema "
        f"{snapshot['database_schema']}). US dollars; values at the prices used, each with its "
        "time and source on the positions page; numbers trace to the filings (accession "
        "numbers) and the price cache.</p>",
    ]  # fmt: skip
    for i, book in enumerate(snapshot["portfolios"]):
        if i:
            parts.append("<div style='page-break-before: always'></div>")
        parts.append(_summary(book, (legends or {}).get(f"value/{book['name']}")))
    for book in snapshot["portfolios"]:
        name = html.escape(book["name"])
        own = book.get("kind") == "own"
        parts.append(f"<h2 style='page-break-before: always'>{name}: positions</h2>")
        headers = ["Ticker", "Issuer", "Shares", "Reported", "Price", "Value", "Weight",
                   "Price from"]  # fmt: skip
        if own:
            headers[3:4] = ["Cost", "Gain"]
        rows = []
        for p in book["positions"]:
            row = [p["ticker"] or p["cusip"], p["issuer"], f"{p['shares']:,}",
                   money_long(p["value_reported"]),
                   f"{p['price']:,.2f}" if p["price"] is not None else "",
                   _value(p),
                   f"{p['weight'] * 100:.2f}%" if p["weight"] is not None else (
                       "option" if p["put_call"] else ""),
                   p["price_source"] + (f" {p['price_time'][:16].replace('T', ' ')}"
                                        if p["price_time"] else "")]  # fmt: skip
            if own:
                row[3:4] = [money_long(p["cost"]) if p.get("cost") is not None else "",
                            signed_money(p["gain"]) if p.get("gain") is not None else ""]
            rows.append(row)
        parts.append(_table(headers, rows, set(range(2, len(headers) - 1))))
        since = book["previous_period"] or "(first report)"
        parts.append(f"<h2>{name}: changes since {since}</h2>")
        rows = [[c["ticker"] or c["cusip"], c["status"], f"{c['shares_before']:,.0f}",
                 f"{c['shares_after']:,}", money_long(c["value_before"]),
                 money_long(c["value_after"]), money_long(c["price_effect"]),
                 money_long(c["quantity_effect"])]
                for c in book["changes"]]  # fmt: skip
        parts.append(_table(["Ticker", "Status", "Shares before", "After", "Value before",
                             "Value after", "Price effect", "Quantity effect"], rows,
                            {2, 3, 4, 5, 6, 7}))  # fmt: skip
        w, h = DETAIL_CHART
        parts.append(f"<h2>{name}: concentration over time</h2>")
        parts.append(f"<img src='chart://concentration/{name}' width='{w}' height='{h}'>")
        parts.append(_legend((legends or {}).get(f"concentration/{book['name']}") or []))
        if book["filings"]:
            filings = [[f["accession"], f["form_type"], f["amendment_type"] or "",
                        f["period"], f["filed"]] for f in book["filings"]]  # fmt: skip
            parts.append("<h2>Filings behind these positions</h2>")
            parts.append(_table(["Accession", "Form", "Amendment", "Period", "Filed"],
                                filings, set()))  # fmt: skip
    return "\n".join(parts)


def _chart_image(app, kind: str, series: Series, size: tuple[int, int]):
    """The chart drawn at the size it is printed, at twice the pixels, so its labels
    print at their on-screen size and stay sharp; and its layers as (name, colour)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QWidget

    widget = chart_widget(app, kind, series, size=size, framed=False)
    try:
        image = QImage(size[0] * 2, size[1] * 2, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        QWidget.render(widget, painter, QPoint(0, 0))
        painter.end()
        if kind == "value":
            legend = [(name, colour.name()) for name, colour in widget.legend()]
        else:
            legend = [(curve.name(), curve.opts["pen"].color().name())
                      for curve in (widget.top1, widget.top5, widget.eff)]  # fmt: skip
        return image, legend
    finally:
        widget.close()
        widget.deleteLater()


def write_pdf(app, snapshot: dict, histories: dict[str, Series], path: Path,
              force: bool) -> None:  # fmt: skip
    from PySide6.QtCore import QMarginsF, QUrl
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    doc = QTextDocument()
    font = QFont(doc.defaultFont())
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    legends = {}
    for name, series in histories.items():
        for kind, size in (("value", SUMMARY_CHART), ("concentration", DETAIL_CHART)):
            image, legend = _chart_image(app, kind, series, size)
            doc.addResource(QTextDocument.ResourceType.ImageResource,
                            QUrl(f"chart://{kind}/{html.escape(name)}"), image)  # fmt: skip
            legends[f"{kind}/{name}"] = legend
    app.processEvents()
    doc.setHtml(report_html(snapshot, legends))

    def write(tmp: Path) -> None:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(f"Stakewatch report as of {snapshot['as_of']}, {prices_used(snapshot)}")
        writer.setCreator(f"Stakewatch {snapshot['app_version']}")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(15, 15, 15, 15)))  # fmt: skip
        writer.setResolution(96)
        doc.setPageSize(writer.pageLayout().paintRectPixels(96).size().toSizeF())
        doc.print_(writer)
        del writer  # closes the file
        _ends_with(tmp, b"%%EOF", "PDF file")

    write_verified(path, write, force)


def export(app, args, ctx, snapshot: dict, histories: dict[str, Series]) -> None:
    """The `stakewatch export` handler for pdf, png and svg, in the QApplication given."""
    path = Path(args.out)
    if args.format == "pdf":
        write_pdf(app, snapshot, histories, path, args.force)
        return
    series = next(iter(histories.values()))
    bars = None
    if args.chart == "prices":
        from core.services.prices import ALWAYS

        bars = {t: ctx.prices.cached_bars(t, None, args.as_of) for t in ALWAYS}
    book = snapshot["portfolios"][0]["name"] if snapshot.get("portfolios") else None
    widget = chart_widget(app, args.chart, series, bars, book=book)
    try:
        save_chart(widget, path, args.format, args.force)
    finally:
        widget.close()
