"""Prices without the network: Prices > Import prices CSV... (daily closes from a file, as
`stakewatch prices import` reads them) and Prices > Enter a closing price... (one close you
type). Either way the pages reload and value the book at those closes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from gui.shell import Shell
from gui.write_runner import save

if TYPE_CHECKING:
    from gui.quote_actions import QuoteActions
    from gui.tasks import LongTasks


class _Host(Shell, Protocol):
    tasks: LongTasks
    quote_actions: QuoteActions  # show_cached(): the tiles show the new closes


class CloseDialog(QDialog):
    """Ticker, date (typed as YYYY-MM-DD) and close; a bad field says why, nothing saved."""

    def __init__(self, ticker: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enter a closing price")
        self.ticker = QLineEdit(ticker)
        self.ticker.setPlaceholderText("e.g. NVDA")
        self.day = QLineEdit(dt.date.today().isoformat())
        self.day.setPlaceholderText("YYYY-MM-DD")
        self.close_price = QLineEdit()
        self.close_price.setPlaceholderText("e.g. 181.25 (US dollars)")
        self.error = QLabel()
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Ticker:", self.ticker)
        form.addRow("Date:", self.day)
        form.addRow("Close:", self.close_price)
        form.addRow(self.error)
        form.addRow(buttons)
        self.value: tuple[str, dt.date, float] | None = None

    def _on_save(self) -> None:
        ticker = self.ticker.text().strip().upper()
        try:
            day = dt.date.fromisoformat(self.day.text().strip())
        except ValueError:
            self.error.setText("The date is YYYY-MM-DD, e.g. 2026-12-04.")
            return
        try:
            close = float(self.close_price.text().replace(",", "").replace("$", "").strip())
        except ValueError:
            self.error.setText("The close is a number, e.g. 181.25.")
            return
        if not ticker:
            self.error.setText("Give a ticker.")
            return
        self.value = (ticker, day, close)
        self.accept()


class PriceEntry:
    def __init__(self, host: _Host, parent: QWidget) -> None:
        self.w = host
        self.parent = parent

    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Import daily prices", "",
                                              "CSV (*.csv);;All files (*)")  # fmt: skip
        if not path:
            return
        guess = Path(path).stem.upper()
        ticker, ok = QInputDialog.getText(self.parent, "Import daily prices",
                                          "Ticker of these prices:", text=guess)  # fmt: skip
        if ok and ticker.strip():
            self.import_csv(Path(path), ticker.strip())

    def import_csv(self, path: Path, ticker: str) -> None:
        """On a worker as the one long job; a bad file is one message, nothing stored."""
        from core.services.price_import import import_csv

        db = self.w.ctx.db
        self.w.tasks.start("prices-csv", lambda: import_csv(db, path, ticker),
                           f"Importing prices from {path.name}", self._on_imported)

    def _on_imported(self, report) -> None:
        parts = [f"{t} {first} to {last} ({n:,})"
                 for t, (first, last, n) in sorted(report.tickers.items())]  # fmt: skip
        self.w.statusBar().say(f"{report.path.name}: {report.rows:,} daily closes loaded: "
                               + "; ".join(parts))  # fmt: skip
        self.w.reload_pages()
        self.w.quote_actions.show_cached()

    def enter_close(self, ticker: str = "") -> None:
        dialog = CloseDialog(ticker, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.value is None:
            return
        self.put_close(*dialog.value)

    def put_close(self, ticker: str, day: dt.date, close: float) -> bool:
        from core.services.price_import import PriceFileError, enter_close

        db = self.w.ctx.db
        try:
            saved, bar = save(f"close of {ticker}", lambda: enter_close(db, ticker, day, close))
        except PriceFileError as exc:
            self.w.statusBar().say(f"Not saved: {exc}")
            return False
        if not saved:
            return False  # said in the window
        self.w.statusBar().say(f"{bar.ticker}: close of {bar.date} saved at ${bar.close:,.2f}")
        self.w.reload_pages()
        self.w.quote_actions.show_cached()
        return True
