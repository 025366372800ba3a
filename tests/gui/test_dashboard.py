"""The dashboard answers what the book is worth, how concentrated, what changed; an own
book shows cost, value and gain (the same figures as `pnl`) and no 13F wording."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from core.domain.own import HoldingInput, TxInput
from core.services.own import pnl_totals
from gui.formatting import money_short
from tests.gui.conftest import idle


def test_the_filer_dashboard_has_figures_chart_allocation_and_changes(qtbot, make_window, gctx):
    w = make_window(gctx)
    d = w.dashboard
    qtbot.waitUntil(lambda: d.year_chart is not None and d.year_chart.series is not None,
                    timeout=10_000)  # fmt: skip
    assert d.report_card.figure.text() == "2026-06-30"
    assert d.value_card.figure.text().startswith("$")
    assert not d.gain_card.isVisible()
    names = [s.name for s in d.allocation.slices]
    assert names[0] == d.concentration_card.figure.text().split()[0]  # the top, called out
    assert abs(sum(s.weight for s in d.allocation.slices) - 1.0) < 1e-9
    assert d.changes.proxy.rowCount() == 8
    # Numbers sort largest first on the first click.
    d.changes.horizontalHeader().sectionClicked.emit(7)
    values = [d.changes.proxy.index(r, 7).data(Qt.ItemDataRole.UserRole + 1)
              for r in range(d.changes.proxy.rowCount())]  # fmt: skip
    assert values == sorted(values, reverse=True)


def test_an_own_dashboard_shows_cost_value_and_gain_like_pnl(qtbot, make_window, gctx):
    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-04-01", cost="40"))
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    d = w.dashboard
    rows = gctx.own.pnl("Mine").lines
    totals = pnl_totals(rows)
    assert d.gain_card.isVisibleTo(w) and d.value_card.title.text().endswith(
        "Market value</span>")  # fmt: skip
    assert d.value_card.figure.text() == money_short(totals.value)
    assert money_short(totals.pnl).lstrip("-") in d.gain_card.figure.text()
    assert f"{totals.pnl_pct:+.2f}%" in d.gain_card.detail.text()
    # The page's own words (a banner in the slot is news about followed filers, not this book).
    slot = [d.banner_slot.itemAt(i).widget() for i in range(d.banner_slot.count())]
    words = " ".join(label.text() for label in d.findChildren(QLabel)
                     if not any(b is not None and b.isAncestorOf(label) for b in slot)).lower()
    assert "filing" not in words and "13f" not in words
    assert "your transactions of 2025-04-01" in d.changes_title.text()
    assert "report" not in words and "statement" not in words


def test_an_own_book_with_nothing_priced_shows_no_value_or_concentration(qtbot, make_window,
                                                                        gctx):  # fmt: skip
    """Every position without a close: the cards say so, not "$0" and "X 0.00%, HHI 0"
    (core's Summary.nothing_valued, as `summary` says it)."""
    gctx.own.create("Mine")
    tx = gctx.own.check_tx(TxInput("transfer-in", "QQQZ", "2025-04-03", shares="7"),
                           use_network=False)  # accepted offline, as `tx add --offline`
    gctx.own.add_transactions("Mine", [tx])
    w = make_window(gctx)
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    d = w.dashboard
    qtbot.waitUntil(lambda: d.summary is not None and d.summary.portfolio.name == "Mine",
                    timeout=10_000)  # fmt: skip
    assert d.summary.nothing_valued
    assert d.value_card.figure.text() == "—" and "$0" not in d.value_card.detail.text()
    assert "no price for any position yet" in d.value_card.detail.text()
    assert d.concentration_card.figure.text() == "—"
    assert d.concentration_card.detail.text() == "no price for any position yet"


def test_another_book_never_shows_the_last_books_chart_notes(qtbot, make_window, gctx):
    """Picking an own book right after NVIDIA's charts were drawn: before the new book's
    charts are (a moment after its figures), no label still says what NVIDIA's did."""
    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-04-01", cost="40"))
    w = make_window(gctx)
    d = w.dashboard
    qtbot.waitUntil(lambda: d.perf_chart is not None and "filing" in d.perf_chart.note.text(),
                    timeout=10_000)  # fmt: skip
    w.portfolio_box.setCurrentText("Mine")  # no event processed after this
    words = " ".join(label.text() for label in d.findChildren(QLabel)).lower()
    assert "filing's weights" not in words and "disclosed book" not in words
    assert d.perf_chart.note.text() == "Loading…"


def test_the_banner_slot_takes_and_gives_back_a_widget(qtbot, make_window, gctx):
    w = make_window(gctx)
    banner = QLabel("3 new filings")
    w.dashboard.set_banner(banner)
    assert banner.parent() is w.dashboard
    w.dashboard.set_banner(None)
    assert banner.parent() is None and w.dashboard.banner is None


def test_pnl_totals_add_up_what_pnl_lists(gctx):
    gctx.own.create("Two")
    gctx.own.add("Two", HoldingInput("CRWV", "10", "2025-04-01", cost="50"))
    gctx.own.add("Two", HoldingInput("NVDA", "5", "2025-04-01"))
    rows = gctx.own.pnl("Two", dt.date(2025, 4, 1)).lines
    t = pnl_totals(rows)
    assert t.positions == 2 and t.no_cost == 1
    assert t.cost == 500.0
    priced = [r for r in rows if r.value is not None]
    assert t.value == sum(r.value for r in priced)
    with_both = [r for r in rows if r.pnl is not None]
    assert t.pnl == (sum(r.pnl for r in with_both) if with_both else None)


def test_a_big_books_changes_table_stays_compact(qtbot):
    from core.domain.analytics import Change
    from core.services.analytics import ChangeSet
    from gui.pages.dashboard import MAX_CHANGE_ROWS, DashboardPage

    page = DashboardPage(analytics=None, runner=None)
    qtbot.addWidget(page)
    changes = [Change(f"{i:09d}", None, f"ISSUER {i}", None, "NEW", 0, i, 0, i * 10, 0.0,
                      float(i * 10)) for i in range(MAX_CHANGE_ROWS + 50)]  # fmt: skip
    page._show_changes(ChangeSet(None, dt.date(2025, 3, 31), None, dt.date(2025, 5, 15),
                                 changes), own=False)  # fmt: skip
    model = page.changes.proxy
    assert model.rowCount() == MAX_CHANGE_ROWS
    shown = {model.index(r, 2).data() for r in range(model.rowCount())}
    assert f"ISSUER {MAX_CHANGE_ROWS + 49}" in shown and "ISSUER 0" not in shown  # largest
    assert f"the {MAX_CHANGE_ROWS} largest shown" in page.changes_title.text()


def test_no_filing_banner_over_an_own_portfolio(qtbot, make_window, gctx):
    """NVIDIA's report for 2026-06-30 is old by the time this runs (its next was due
    2026-11-14): the filer's dashboard says so; an own book's never does, nor shows news."""
    from core.services.following import NewFiling

    gctx.own.create("Mine")
    gctx.own.add("Mine", HoldingInput("CRWV", "100", "2025-04-01", cost="40"))
    w = make_window(gctx)
    banner, d = w.sync_actions.banner, w.dashboard
    assert banner.isVisibleTo(w) and "is due" in banner.text.text()
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    assert not banner.isVisibleTo(w)
    nvidia = gctx.queries.portfolio()
    note = NewFiling(nvidia, "0001045810-26-000099", dt.date(2026, 9, 30),
                     dt.date(2026, 11, 13), 9, 70_000_000_000, 2, 1)  # fmt: skip
    w.sync_actions.announce(note)  # news arrives while the own book is shown
    assert not banner.isVisibleTo(w)
    words = " ".join(label.text() for label in d.findChildren(QLabel)
                     if label.isVisibleTo(w)).lower()  # fmt: skip
    assert "filing" not in words and "13f" not in words and "filed" not in words
    w.portfolio_box.setCurrentText("NVIDIA Corp")  # back on a filer: the news waits there
    idle(qtbot, w)
    assert banner.isVisibleTo(w) and banner.text.text().startswith("NVIDIA filed its 13F")
    banner.close_button.click()  # read: it stays away on the next switch
    w.portfolio_box.setCurrentText("Mine")
    idle(qtbot, w)
    w.portfolio_box.setCurrentText("NVIDIA Corp")
    idle(qtbot, w)
    assert banner.isVisibleTo(w) and banner.text.text().startswith("NVIDIA's latest report")


def test_a_year_without_prices_says_so_instead_of_empty_axes(qtbot, make_window, gctx):
    """An own book whose last year has no daily bar: the chart's place says why and how to
    fetch prices; a book with prices afterwards shows its chart again."""
    from tests.gui.conftest import own_book_window

    w = own_book_window(qtbot, make_window, gctx, "dashboard")
    d = w.dashboard
    qtbot.waitUntil(lambda: "No daily prices" in d.chart_note.text(), timeout=10_000)
    assert d.chart_note.isVisibleTo(d) and "F5" in d.chart_note.text()
    assert d.year_chart is None or not d.year_chart.isVisibleTo(d)
    w.portfolio_box.setCurrentText("NVIDIA Corp")
    qtbot.waitUntil(lambda: d.year_chart is not None and d.year_chart.isVisibleTo(d)
                    and d.year_chart.series is not None, timeout=10_000)  # fmt: skip
    assert not d.chart_note.isVisibleTo(d)
