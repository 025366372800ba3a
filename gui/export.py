"""The drawn exports: a PDF report (title page, tables, value and concentration charts) and
PNG or SVG images of one chart. Called by `stakewatch export` and by File > Export."""

from __future__ import annotations

import html
from pathlib import Path

from core.domain.analytics import Series
from core.files import write_verified
from gui.formatting import money_long

CHART_SIZE = (1200, 650)


def chart_widget(app, kind: str, series: Series, bars: dict | None = None):
    """A chart built offscreen from a series, sized for export. `app` is the running
    QApplication (passed in: this module never builds one, so gui.app need not be imported
    here and no import circle forms)."""
    from core.services.prices import ALWAYS
    from gui.charts.concentration_chart import ConcentrationChart
    from gui.charts.price_chart import PriceChart
    from gui.charts.value_chart import ValueChart

    if kind == "value":
        w = ValueChart()
        w.set_series(series)
    elif kind == "concentration":
        w = ConcentrationChart()
        w.set_series(series)
        for chart in w.charts():
            chart.apply_preset("All")
    else:
        w = PriceChart(ALWAYS)
        w.set_bars(bars or {})
        w.apply_preset("All")
    w.resize(*CHART_SIZE)
    w.show()
    for chart in (w.charts() if hasattr(w, "charts") else [w]):
        chart.getPlotItem().vb.updateAutoRange()  # settle the axes before drawing
    for _ in range(3):
        app.processEvents()
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


def report_html(snapshot: dict) -> str:
    parts = [
        "<h1>Stakewatch snapshot</h1>",
        f"<p><b>As of {snapshot['as_of']}</b>, taken {snapshot['created_at']} by Stakewatch "
        f"{snapshot['app_version']} (database schema {snapshot['database_schema']}).</p>",
    ]  # fmt: skip
    for book in snapshot["portfolios"]:
        c, cr = book["concentration"], book["concentration_reported"]
        name = html.escape(book["name"])
        parts.append(
            f"<p>{name}: report for period {book['report']['period']}, filed "
            f"{book['report']['filed']} ({html.escape(', '.join(book['report']['accessions']))})."
            f" Reported {money_long(book['total_value_reported'])}; at the prices used "
            f"{money_long(book['total_value'])}. Top holding {c['top1_weight'] * 100:.2f}% "
            f"(reported {cr['top1_weight'] * 100:.2f}%), HHI {c['hhi'] * 10_000:,.0f}, "
            f"effective N {c['effective_n']:.2f}.</p>"
        )  # fmt: skip
    parts.append("<p>Values are US dollars as filed; prices with their time and source. "
                 "Numbers trace to the filings (accession numbers) and the price cache.</p>")
    for book in snapshot["portfolios"]:
        name = html.escape(book["name"])
        parts.append(f"<h2 style='page-break-before: always'>{name}: positions</h2>")
        rows = [[p["ticker"] or p["cusip"], p["issuer"], f"{p['shares']:,}",
                 money_long(p["value_reported"]),
                 f"{p['price']:,.2f}" if p["price"] is not None else "",
                 money_long(p["value"]),
                 f"{p['weight'] * 100:.2f}%" if p["weight"] is not None else "option",
                 p["price_source"] + (f" {p['price_time'][:16].replace('T', ' ')}"
                                      if p["price_time"] else "")]
                for p in book["positions"]]  # fmt: skip
        parts.append(_table(["Ticker", "Issuer", "Shares", "Reported", "Price", "Value",
                             "Weight", "Price from"], rows, {2, 3, 4, 5, 6}))  # fmt: skip
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
        parts.append(f"<h2 style='page-break-before: always'>{name}: value over time</h2>")
        parts.append(f"<img src='chart://value/{name}' width='640'>")
        parts.append(f"<h2>{name}: concentration over time</h2>")
        parts.append(f"<img src='chart://concentration/{name}' width='640'>")
        filings = [[f["accession"], f["form_type"], f["amendment_type"] or "", f["period"],
                    f["filed"]] for f in book["filings"]]  # fmt: skip
        parts.append("<h2>Filings behind these positions</h2>")
        parts.append(_table(["Accession", "Form", "Amendment", "Period", "Filed"], filings,
                            set()))  # fmt: skip
    return "\n".join(parts)


def write_pdf(app, snapshot: dict, histories: dict[str, Series], path: Path,
              force: bool) -> None:  # fmt: skip
    from PySide6.QtCore import QMarginsF, QUrl
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    doc = QTextDocument()
    for name, series in histories.items():
        for kind in ("value", "concentration"):
            widget = chart_widget(app, kind, series)
            image = widget.grab().toImage()
            doc.addResource(QTextDocument.ResourceType.ImageResource,
                            QUrl(f"chart://{kind}/{html.escape(name)}"), image)  # fmt: skip
            widget.close()
            widget.deleteLater()
    app.processEvents()
    doc.setHtml(report_html(snapshot))

    def write(tmp: Path) -> None:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(f"Stakewatch snapshot as of {snapshot['as_of']}")
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
    widget = chart_widget(app, args.chart, series, bars)
    try:
        save_chart(widget, path, args.format, args.force)
    finally:
        widget.close()
