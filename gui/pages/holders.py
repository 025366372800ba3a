"""Holders: who else holds a security. Every 13F filer reporting it at a period, what each
changed since its previous report, who sold out; a row opens that filer's book."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.services.holders import HoldersQueries, HoldersReport
from gui.formatting import money_short, percent
from gui.models.holders_table_model import (
    COL_BEFORE,
    COL_CIK,
    COL_FILER,
    COL_STAKE,
    COL_VALUE,
    SORT_ROLE,
    HoldersTableModel,
)
from gui.widgets.column_fit import ColumnFitter
from gui.widgets.wide import keep_centred
from gui.workers import TaskRunner

HINT = ("Type a CUSIP or a ticker and press Enter, or use \"Who else holds it\" (Ctrl+Shift+H) "
        "on a position in Holdings or Companies. Load the SEC's quarterly 13F data sets "
        "(stakewatch universe load) to see every filer, not only the ones you follow.")


class HoldersPage(QWidget):
    """Needs the holders queries and a task runner; says which filer to open by CIK."""

    filer_requested = Signal(str)  # a filer's CIK: open its book

    def __init__(self, holders: HoldersQueries, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.holders = holders
        self.runner = runner
        self.report: HoldersReport | None = None
        self.security = QLineEdit()
        self.security.setPlaceholderText("CUSIP or ticker")
        self.security.setClearButtonEnabled(True)
        self.security.setMaximumWidth(220)
        self.security.returnPressed.connect(lambda: self.show_security(self.security.text()))
        self.period = QComboBox()
        self.period.setMinimumContentsLength(10)
        self.period.activated.connect(self._on_period_chosen)
        self.options = QCheckBox("Options and PRN")
        self.options.setToolTip("Also puts, calls and principal amounts, each a row of its own")
        self.options.toggled.connect(lambda _on: self._load(self._period()))
        go = QPushButton("Show")
        go.clicked.connect(lambda: self.show_security(self.security.text()))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Security:"))
        bar.addWidget(self.security)
        bar.addWidget(go)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Period:"))
        bar.addWidget(self.period)
        bar.addWidget(self.options)
        bar.addStretch(1)
        self.summary = QLabel(HINT)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = HoldersTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.activated.connect(self._on_activated)
        # A narrow window drops the CIK first (the tooltip says it), then the counts before.
        self.fitter = ColumnFitter(self.table, COL_FILER, [COL_CIK, COL_BEFORE, COL_STAKE])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        keep_centred(self)  # a wide screen: a centred column
        self._cusip: str | None = None

    # -- what shows -------------------------------------------------------------------------
    def show_security(self, security: str, period: dt.date | None = None) -> None:
        """Holders of `security` (a CUSIP or ticker) at `period` (the latest by default)."""
        text = security.strip()
        if not text:
            return
        self.security.setText(text)
        self._cusip = text
        self._load(period)

    def _period(self) -> dt.date | None:
        data = self.period.currentData()  # ISO text: Qt would turn a date into a QDate
        return dt.date.fromisoformat(data) if isinstance(data, str) else None

    def _on_period_chosen(self, _index: int) -> None:
        self._load(self._period())

    def _load(self, period: dt.date | None) -> None:
        if not self._cusip:
            return
        security, options = self._cusip, self.options.isChecked()
        self.summary.setText(f"Looking up the holders of {security}...")
        self.runner.submit("holders", lambda: self.holders.holders(security, period, options),
                           on_success=self._on_loaded, on_failure=self._on_failed)

    def _on_loaded(self, report: HoldersReport) -> None:
        self.report = report
        self.period.blockSignals(True)
        self.period.clear()
        for p in reversed(report.periods):
            self.period.addItem(p.isoformat(), p.isoformat())
        if report.period is not None:
            self.period.setCurrentIndex(self.period.findData(report.period.isoformat()))
        self.period.blockSignals(False)
        self.model.set_rows(report.holders, report.sold_out)
        # No count of shares outstanding, no stake: the column goes rather than stand empty.
        self.fitter.set_never(set() if report.shares_outstanding else {COL_STAKE})
        self.table.sortByColumn(COL_VALUE, Qt.SortOrder.DescendingOrder)
        self.fitter.fit()
        self.summary.setText(summary_text(report))

    def _on_failed(self, why: str) -> None:
        self.report = None
        self.model.set_rows((), ())
        self.summary.setText(why)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.model.row_at(self.proxy.mapToSource(index).row())
            self.filer_requested.emit(row.cik)

    def apply_theme(self) -> None:
        self.model.layoutChanged.emit()  # colours come from the theme when painted


def summary_text(r: HoldersReport) -> str:
    head = f"<b>{r.ticker or r.cusip}</b> {r.name} (CUSIP {r.cusip})"
    if r.period is None:
        return f"{head}: no stored filing reports it. {HINT}"
    t = r.totals
    held = (f", {percent(t.stake)} of the {r.shares_outstanding:,} shares outstanding"
            if t.stake is not None and r.shares_outstanding else "")
    return (f"{head} at {r.period}: <b>{t.holders:,}</b> holder(s), {t.shares:,} shares "
            f"({money_short(t.value)}){held}. Since each filer's previous report: {t.new} new, "
            f"{t.added} added, {t.reduced} reduced, {t.unchanged} unchanged, {t.sold_out} sold "
            "out (listed last). Bold: NVIDIA and the filers you follow.")  # fmt: skip
