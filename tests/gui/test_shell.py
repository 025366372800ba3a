"""The window's shell (issue 23): the sidebar folds on a narrow window and reaches every page
by mouse and keyboard; the first paint comes before the pages and imports it does not need;
dashboard cards never break a phrase; a wide screen keeps the content together."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication, QLabel

from gui.pages.dashboard import MAX_CONTENT_WIDTH
from gui.widgets.card import Card, PhraseLabel
from gui.widgets.sidebar import FOLDED_WIDTH
from tests.gui.conftest import idle

ROOT = Path(__file__).resolve().parents[2]


def shown(qtbot, w, width: int, height: int) -> None:
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.width() == width)


def test_the_sidebar_folds_at_800_and_unfolds_at_1280(qtbot, make_window, gctx):
    w = make_window(gctx)
    shown(qtbot, w, 800, 600)
    qtbot.waitUntil(lambda: w.sidebar.folded)
    assert w.sidebar.width() == FOLDED_WIDTH
    # The stack takes the room the sidebar gave up: no empty band beside the icons.
    assert w.stack.geometry().left() < FOLDED_WIDTH + 20
    w.resize(1280, 800)
    qtbot.waitUntil(lambda: not w.sidebar.folded)
    qtbot.waitUntil(lambda: w.sidebar.width() >= 150)
    # Unfolded, every title fits beside its icon (none elided).
    fm = w.sidebar.fontMetrics()
    assert all(fm.horizontalAdvance(w.sidebar.item(i).text()) + 60 <= w.sidebar.width()
               for i in range(w.sidebar.count()))  # fmt: skip
    # Folded, each icon still says its page: the tooltip and the accessible text.
    assert [w.sidebar.item(i).toolTip() for i in range(w.sidebar.count())] == [
        s.title for s in w.pages.specs]


def test_each_sidebar_entry_shows_its_page_by_mouse_and_keyboard(qtbot, make_window, gctx):
    w = make_window(gctx)
    shown(qtbot, w, 1280, 800)
    bar = w.sidebar
    for row, name in enumerate(w.pages.names):
        rect = bar.visualRect(bar.model().index(row, 0))
        qtbot.mouseClick(bar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert w.current_page() == name
        assert w.stack.currentWidget() is w.pages.widgets[name]
    idle(qtbot, w)
    bar.setFocus()
    bar.setCurrentRow(0)
    for name in w.pages.names[1:]:
        qtbot.keyClick(bar, Qt.Key.Key_Down)
        assert w.current_page() == name
    idle(qtbot, w)


def test_the_sidebar_shows_keyboard_focus_as_a_ring(qtbot, make_window, gctx):
    w = make_window(gctx)
    shown(qtbot, w, 1280, 800)
    bar = w.sidebar
    w.portfolio_box.setFocus()
    qtbot.waitUntil(lambda: not bar.hasFocus())
    rect = bar.visualRect(bar.model().index(bar.currentRow(), 0))
    without = bar.viewport().grab(rect).toImage()
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(bar.hasFocus)
    with_focus = bar.viewport().grab(rect).toImage()
    changed = sum(without.pixel(x, y) != with_focus.pixel(x, y)
                  for x in range(rect.width()) for y in range(rect.height()))  # fmt: skip
    # A ring goes round the row: at least its two long sides change colour.
    assert changed >= 2 * (rect.width() - 20)


def _lines(label: QLabel, width: int) -> list[str]:
    """The label's shown text laid out at `width`, as its lines."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)  # QLabel's word wrap
    doc.setDefaultTextOption(option)
    doc.setHtml(QLabel.text(label))  # what the label draws (non-breaking spaces and all)
    doc.setTextWidth(width)
    doc.size()  # lays it out
    lines = []
    block = doc.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines.append(text[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    # As read: non-breaking spaces as spaces, word joiners (zero-width) left out.
    return [x.replace("\u00a0", " ").replace("\u2060", "").strip() for x in lines]


def test_a_card_breaks_lines_only_between_phrases(qtbot):
    card = Card("Concentration now")
    qtbot.addWidget(card)
    phrases = ["top-5 96.07%", "HHI 3,430", "effective N 1.35"]
    card.detail.setText(" · ".join(phrases))
    assert card.detail.text() == " · ".join(phrases)  # what was set, unchanged
    narrowest = card.detail.minimumWidth()
    lines = _lines(card.detail, narrowest)
    assert len(lines) == 3  # at its least width every phrase takes a line of its own...
    for phrase in phrases:  # ...and none is split
        assert any(phrase in line for line in lines), (phrase, lines)
    # The layout cannot squeeze it further: its least width holds the widest phrase.
    widest = max(card.detail.fontMetrics().horizontalAdvance(p) for p in phrases)
    assert narrowest >= widest
    assert _lines(card.detail, 2000) == ["top-5 96.07% · HHI 3,430 · effective N 1.35"]
    # Nor after a hyphen, nor between a sign and its amount, nor across a coloured span.
    card.detail.setText("at closes of Sep 25 - Oct 9<br>day's change of Oct 9: "
                        "<span style='color:#16722f'>+$269</span> · 3 transactions")
    lines = _lines(card.detail, card.detail.minimumWidth())
    assert lines == ["at closes of Sep 25 - Oct 9", "day's change of Oct 9: +$269 ·",
                     "3 transactions"], lines  # fmt: skip


def test_the_dashboard_cards_keep_phrases_on_a_narrow_window(qtbot, make_window, gctx):
    w = make_window(gctx)
    shown(qtbot, w, 800, 600)
    idle(qtbot, w)
    detail = w.dashboard.concentration_card.detail
    qtbot.waitUntil(lambda: "effective N" in detail.text())
    assert isinstance(detail, PhraseLabel) and detail.width() >= detail.minimumWidth()
    lines = _lines(detail, detail.contentsRect().width())
    assert len(lines) >= 2, lines  # it does wrap at 800 wide...
    assert any(re.search(r"effective N \d", line) for line in lines), lines  # ...not in it
    value = w.dashboard.value_card.detail
    lines = _lines(value, value.contentsRect().width())
    assert any(re.search(r"against \$[\d.]+B", line) for line in lines), lines
    assert any(re.search(r"reported for \d{4}-\d\d-\d\d", line) for line in lines), lines


def test_an_800_wide_window_fits_every_kind_of_book(qtbot, make_window, gctx):
    """A filer, a followed filer before its first filing (a long sentence on its cards), an
    own book with four cards: the window stays 800 wide, nothing forces it wider."""
    from core.services.following import Following

    Following(gctx.db, gctx.settings).follow("1067983", name="Berkshire Hathaway Inc")
    gctx.own.create("Mine")
    w = make_window(gctx)
    shown(qtbot, w, 800, 600)
    for name in ("NVIDIA Corp", "Berkshire Hathaway Inc", "Mine"):
        w.select_portfolio(name)
        idle(qtbot, w)
        assert w.portfolio.name == name
        assert w.minimumSizeHint().width() <= 800 and w.width() == 800, name
        cards = [c for c in (w.dashboard.value_card, w.dashboard.gain_card,
                             w.dashboard.concentration_card, w.dashboard.report_card)
                 if c.isVisible()]  # fmt: skip
        assert all(c.geometry().right() < w.dashboard.width() for c in cards), name


def test_on_a_wide_screen_the_dashboard_stays_within_its_width(qtbot, make_window, gctx):
    w = make_window(gctx)
    shown(qtbot, w, 2560, 1440)
    idle(qtbot, w)
    page = w.dashboard
    qtbot.waitUntil(lambda: page.content_rect().width() == MAX_CONTENT_WIDTH)
    rect = page.content_rect()
    left, right = rect.left(), page.width() - rect.right() - 1
    assert abs(left - right) <= 2 and left > 100  # a centred column
    cards = [page.value_card, page.concentration_card, page.report_card]
    assert cards[0].mapTo(page, QPoint(0, 0)).x() >= rect.left()
    assert cards[-1].mapTo(page, QPoint(cards[-1].width() - 1, 0)).x() <= rect.right()
    assert len({c.mapTo(page, QPoint(0, 0)).y() for c in cards}) == 1  # one row of cards
    assert page.changes.mapTo(page, QPoint(page.changes.width() - 1, 0)).x() <= rect.right()
    w.resize(1280, 800)  # on an ordinary screen it takes the whole page, less its margins
    qtbot.waitUntil(lambda: page.content_rect().width() > page.width() - 40)


class _FirstPaint(QObject):
    def __init__(self, w) -> None:
        super().__init__()
        self.w = w
        self.built: dict[str, bool] | None = None

    def eventFilter(self, obj, event) -> bool:
        if (self.built is None and event.type() == QEvent.Type.Paint
                and getattr(obj, "window", lambda: None)() is self.w):  # fmt: skip
            self.built = {n: self.w.pages.is_built(n) for n in self.w.pages.names}
        return False


def test_pages_off_the_first_screen_are_built_after_the_first_paint(qtbot, qsettings, gctx):
    from gui.main_window import MainWindow

    w = MainWindow(gctx, qsettings)
    qtbot.addWidget(w)
    probe = _FirstPaint(w)
    QApplication.instance().installEventFilter(probe)
    try:
        w.resize(1280, 800)
        w.show()
        qtbot.waitUntil(lambda: probe.built is not None)
    finally:
        QApplication.instance().removeEventFilter(probe)
    assert probe.built == {n: n == "dashboard" for n in w.pages.names}
    idle(qtbot, w)  # then Holdings and Companies are built (everyone visits them)...
    assert w.pages.is_built("holdings") and w.pages.is_built("companies")
    assert not w.pages.is_built("charts")  # ...and the rest on the first visit
    w.show_page("charts")
    assert w.pages.is_built("charts") and w.stack.currentWidget() is w.pages.widgets["charts"]
    idle(qtbot, w)
    w.close()


FIRST_PAINT = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.context import AppContext
from gui.main_window import MainWindow
HEAVY = ("numpy", "sqlalchemy.orm", "lxml", "pyqtgraph", "yfinance", "openpyxl",
         "gui.pages.holdings", "gui.pages.companies", "gui.pages.charts")
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps([m for m in HEAVY if m in sys.modules]), flush=True)
            os._exit(0)
        return False
ctx = AppContext.open(sys.argv[1], offline=True)
w = MainWindow(ctx, QSettings(sys.argv[2], QSettings.Format.IniFormat))
probe = Probe(); app.installEventFilter(probe)
w.show()
app.exec()
"""


def test_the_first_paint_comes_before_the_heavy_imports(tmp_path, db_file):
    from core.context import AppContext

    AppContext.open(str(db_file)).close()
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(db_file), str(tmp_path / "w.ini")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
