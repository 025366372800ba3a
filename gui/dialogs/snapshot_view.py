"""A JSON snapshot re-opened read-only: a banner says so; positions per portfolio."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.domain.filings import issuer_label
from gui import theme
from gui.formatting import money_long, money_short

COLUMNS = ("Ticker", "Issuer", "Shares", "Reported", "Price", "Value", "Weight", "Price from")


class SnapshotDialog(QDialog):
    def __init__(self, snapshot: dict, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot = snapshot
        self.setWindowTitle(f"Snapshot {path} (read-only)")
        self.resize(1000, 560)
        self.banner = QLabel(
            f"<b>Read-only snapshot</b> of {snapshot['as_of']}, taken {snapshot['created_at']} "
            f"by Stakewatch {snapshot['app_version']}. Nothing here changes your database."
        )  # fmt: skip
        c = theme.colours()
        self.banner.setStyleSheet(f"background:{c.banner_bg}; color:{c.banner_text}; "
                                  f"padding:6px; border:1px solid {c.warn}")  # fmt: skip
        self.tabs = QTabWidget()
        for book in snapshot["portfolios"]:
            self.tabs.addTab(self._book(book), book["name"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _book(self, book: dict) -> QWidget:
        c = book["concentration"]
        summary = QLabel(
            f"Report for {book['report']['period']} ({', '.join(book['report']['accessions'])})"
            f" · reported {money_short(book['total_value_reported'])} · at the prices used "
            f"{money_short(book['total_value'])} · top-1 {c['top1_weight'] * 100:.2f}% · "
            f"effective N {c['effective_n']:.2f}"
        )  # fmt: skip
        table = QTableWidget(len(book["positions"]), len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        for i, p in enumerate(book["positions"]):
            cells = [
                p["ticker"] or p["cusip"], issuer_label(p["issuer"])[0], f"{p['shares']:,}",
                money_short(p["value_reported"]),
                f"{p['price']:,.2f}" if p["price"] is not None else "",
                money_short(p["value"]) if p["value"] is not None else "no price",
                f"{p['weight'] * 100:.2f}%" if p["weight"] is not None else (
                    "option" if p["put_call"] else ""),
                p["price_source"] + (f" {p['price_time']}" if p["price_time"] else ""),
            ]  # fmt: skip
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 3 or (j == 5 and p["value"] is not None):
                    item.setToolTip(money_long(p["value_reported"] if j == 3 else p["value"]))
                if j in (2, 3, 4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)  # fmt: skip
                table.setItem(i, j, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(summary)
        layout.addWidget(table, 1)
        return page


class SnapshotDiffDialog(QDialog):
    """Two snapshots compared: positions added, removed and changed; value and
    concentration before and after, per portfolio."""

    def __init__(self, d: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Snapshot of {d['before']['as_of']} against {d['after']['as_of']}")
        self.resize(900, 520)
        self.tabs = QTabWidget()
        for book in d["portfolios"]:
            page = QWidget()
            layout = QVBoxLayout(page)
            text = (f"{book['portfolio']} ({book['in']}): {money_short(book['total_value_before'])}"
                    f" → {money_short(book['total_value_after'])}")  # fmt: skip
            if book["concentration_change"]:
                ca, cb = book["concentration_before"], book["concentration_after"]
                text += (f" · top-1 {ca['top1_weight'] * 100:.2f}% → "
                         f"{cb['top1_weight'] * 100:.2f}% · effective N "
                         f"{ca['effective_n']:.2f} → {cb['effective_n']:.2f}")  # fmt: skip
            layout.addWidget(QLabel(text))
            headers = ["Ticker", "Status", "Shares before", "After", "Value before", "After"]
            table = QTableWidget(len(book["positions"]), len(headers))
            table.setHorizontalHeaderLabels(headers)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
            for i, p in enumerate(book["positions"]):
                for j, cell in enumerate((p["ticker"] or p["cusip"], p["status"],
                                          f"{p['shares_before']:,.0f}",
                                          f"{p['shares_after']:,.0f}",
                                          *(money_short(v) if v is not None else "no price"
                                            for v in (p["value_before"], p["value_after"])))):
                    table.setItem(i, j, QTableWidgetItem(cell))
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            layout.addWidget(table, 1)
            self.tabs.addTab(page, book["portfolio"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
