"""An own book's ledger: every transaction, sortable and filterable, editable in place; Add
(Ctrl+N), Edit, Delete (the Delete key and the context menu), Import and Reconcile; every
change one undoable step through the window's write runner."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.ledger import Transaction
from core.domain.own import TxInput
from core.domain.positions import PortfolioRef
from gui.widgets.tables import RIGHT, SORT_ROLE, row_table
from gui.widgets.wide import keep_centred

(COL_DATE, COL_TYPE, COL_TICKER, COL_SHARES, COL_PRICE, COL_FEES, COL_AMOUNT, COL_NOTE,
 COL_ORIGIN) = range(9)  # fmt: skip
HEADERS = ("Date", "Type", "Ticker", "Shares", "Price", "Fees", "Amount / ratio", "Note",
           "From")  # fmt: skip
NUMERIC = {COL_SHARES, COL_PRICE, COL_FEES, COL_AMOUNT}
# What a cell edits: the field of TxInput; the amount column is a split's ratio.
EDITABLE = {COL_DATE: "date", COL_SHARES: "shares", COL_PRICE: "price", COL_FEES: "fees",
            COL_AMOUNT: "amount", COL_NOTE: "note"}  # fmt: skip
ORIGINS = {"user": "entered", "csv": "CSV", "statement": "from statement",
           "reconcile": "reconciled"}  # fmt: skip


def _num(d: Decimal | None) -> str:
    return f"{d.normalize():,f}" if d is not None else ""


def as_input(tx: Transaction, **changed: str) -> TxInput:
    """A stored entry as typed, with some fields changed (an edit in place)."""

    def text(d: Decimal | None) -> str | None:
        return format(d.normalize(), "f") if d is not None else None

    fields = {"type": tx.type.value, "ticker": tx.cusip or tx.ticker,
              "date": tx.date.isoformat(), "shares": text(tx.shares), "price": text(tx.price),
              "fees": text(tx.fees) if tx.fees else None, "amount": text(tx.amount),
              "ratio": text(tx.ratio), "note": tx.note}  # fmt: skip
    if "amount" in changed and tx.type.value == "split":
        changed["ratio"] = changed.pop("amount")
    fields.update(changed)
    return TxInput(**fields)


class TransactionsModel(QAbstractTableModel):
    edited = Signal(object, str, str)  # the entry, the field, the text typed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Transaction] = []
        self.editable = True

    def set_rows(self, rows: list[Transaction]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index):
        f = super().flags(index)
        tx = self.rows[index.row()]
        col = index.column()
        ok = col in EDITABLE and not (col == COL_AMOUNT and tx.type.value not in
                                      ("dividend", "fee", "split"))  # fmt: skip
        if (col == COL_SHARES and tx.shares is None) or (
                col in (COL_PRICE, COL_FEES)
                and tx.type.value not in ("buy", "sell", "transfer-in", "transfer-out")):
            ok = False
        if col == COL_FEES and tx.type.value.startswith("transfer"):
            ok = False
        return f | Qt.ItemFlag.ItemIsEditable if ok and self.editable else f

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        tx = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(tx, col)
        if role == SORT_ROLE:
            if col in NUMERIC:
                value = {COL_SHARES: tx.shares, COL_PRICE: tx.price, COL_FEES: tx.fees,
                         COL_AMOUNT: tx.amount if tx.amount is not None else tx.ratio}[col]
                return float(value) if value is not None else -1.0
            if col == COL_DATE:
                return f"{tx.date.isoformat()} {tx.id or 0:012d}"  # entry order within a day
            return self._text(tx, col).lower()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TICKER and not tx.verified:
                return "not checked against a price source yet (entered offline)"
            if col == COL_PRICE and tx.price is None and tx.shares is not None:
                return "price unknown: valued at that day's close"
        return None

    @staticmethod
    def _text(tx: Transaction, col: int) -> str:
        if col == COL_DATE:
            return tx.date.isoformat()
        if col == COL_TYPE:
            return tx.type.value
        if col == COL_TICKER:
            return tx.ticker
        if col == COL_SHARES:
            return _num(tx.shares)
        if col == COL_PRICE:
            return _num(tx.price)
        if col == COL_FEES:
            return _num(tx.fees) if tx.fees else ""
        if col == COL_AMOUNT:
            return _num(tx.amount) if tx.amount is not None else (
                f"{_num(tx.ratio)} for 1" if tx.ratio is not None else "")
        if col == COL_NOTE:
            return tx.note or ""
        return ORIGINS.get(tx.origin, tx.origin)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        tx = self.rows[index.row()]
        text = str(value).strip()
        if text.endswith(" for 1"):
            text = text[: -len(" for 1")]
        if text.replace(",", "") == self._text(tx, index.column()).replace(",", ""):
            return False  # nothing changed
        self.edited.emit(tx, EDITABLE[index.column()], text)
        return False  # the reload after the write shows what was stored


class TransactionsPage(QWidget):
    def __init__(self, own, actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.own, self.actions = own, actions
        self.portfolio: PortfolioRef | None = None
        self.title = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by ticker, type, date or note")
        self.filter.setClearButtonEnabled(True)
        self.add_button = QPushButton("Add...")
        self.add_button.setToolTip("Record a transaction (Ctrl+N)")
        self.edit_button = QPushButton("Edit...")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected transactions (Delete; undoable)")
        self.import_button = QPushButton("Import CSV...")
        self.reconcile_button = QPushButton("Reconcile...")
        self.reconcile_button.setToolTip("Compare with a broker's holdings on a date and "
                                         "record the differences")
        self.model = TransactionsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = row_table(self.proxy, COL_DATE, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.delete_action = QAction("&Delete", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)
        self.table.installEventFilter(self)  # Delete works however the window was activated
        self.edit_action = QAction("&Edit...", self)
        self.edit_action.triggered.connect(self.edit_selected)

        bar = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.import_button,
                  self.reconcile_button):  # fmt: skip
            bar.addWidget(b)
        bar.addSpacing(12)
        bar.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        keep_centred(self)  # a wide screen: a centred column

        self.add_button.clicked.connect(lambda: self.actions.add_transaction())
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(lambda: self.actions.choose_holdings_csv())
        self.reconcile_button.clicked.connect(lambda: self.actions.reconcile_csv())
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.edited.connect(self._on_edited)
        self._on_selection()

    def eventFilter(self, watched, event) -> bool:
        from PySide6.QtCore import QEvent

        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and self.table.state() != QAbstractItemView.State.EditingState):
            self.delete_selected()
            return True
        return super().eventFilter(watched, event)

    # -- loading --------------------------------------------------------------------------
    def show_portfolio(self, portfolio: PortfolioRef) -> None:
        self.portfolio = portfolio
        self.reload()

    def reload(self) -> None:
        p = self.portfolio
        own = p is not None and p.kind == "own"
        for w in (self.add_button, self.import_button, self.reconcile_button, self.filter):
            w.setEnabled(own)
        if not own:
            self.model.set_rows([])
            self.title.setText("<b>Transactions</b>")
            self.summary.setText("")
            self.empty.setText("Transactions are kept for your own portfolios. Pick one in the "
                               "Portfolio box, or make one: Portfolio > New portfolio "
                               "(Ctrl+Shift+N).")  # fmt: skip
            self._show_empty(True)
            return
        rows = self.own.transactions(p.name)
        self.model.set_rows(rows)
        self.title.setText(f"<b>Transactions of {p.name}</b>")
        report = self.own.pnl(p.name, latest=True)
        realised = "unknown (a sale without its price)" if report.realised_gain is None \
            else f"${float(report.realised_gain):,.2f}"
        self.summary.setText(
            f"{len(rows):,} transaction{'s' if len(rows) != 1 else ''} · realised gain "
            f"{realised} · dividends ${float(report.dividends):,.2f}"
            + (f" · fees ${float(report.fees):,.2f}" if report.fees else "")
            + " · double-click a cell to change it; every change is undoable (Ctrl+Z)")
        self.empty.setText(f"{p.name} has no transactions yet. Add your first holding (Add..., "
                           "Ctrl+N) or import a CSV of transactions or holdings (your broker's, "
                           "Portfolio Performance's or Wealthfolio's export).")  # fmt: skip
        self._show_empty(not rows)
        self._on_selection()

    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        self.summary.setVisible(not empty)

    # -- actions --------------------------------------------------------------------------
    def selected(self) -> list[Transaction]:
        rows = {self.proxy.mapToSource(i).row()
                for i in self.table.selectionModel().selectedRows()}  # fmt: skip
        return [self.model.rows[r] for r in sorted(rows)]

    def _on_selection(self, *_args) -> None:
        chosen = self.selected() if self.portfolio is not None else []
        self.edit_button.setEnabled(len(chosen) == 1)
        self.delete_button.setEnabled(bool(chosen))
        self.delete_action.setEnabled(bool(chosen))

    def edit_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self.actions.edit_transaction(chosen[0])

    def delete_selected(self) -> None:
        chosen = self.selected()
        if chosen:
            self.actions.delete_transactions(chosen)

    def _on_double_clicked(self, index) -> None:
        source = self.proxy.mapToSource(index)
        if not self.model.flags(source) & Qt.ItemFlag.ItemIsEditable:
            self.actions.edit_transaction(self.model.rows[source.row()])

    def context_menu(self, pos) -> QMenu:
        """Add; on a row also Edit and Delete."""
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        menu.addAction("Add...", lambda: self.actions.add_transaction())
        if index.isValid():
            menu.addAction(self.edit_action)
            menu.addAction(self.delete_action)
        return menu

    def _on_context_menu(self, pos) -> None:
        self._menu = self.context_menu(pos)  # kept alive while it shows
        self._menu.popup(self.table.viewport().mapToGlobal(pos))

    def _on_edited(self, tx: Transaction, field: str, text: str) -> None:
        """A cell typed over: the entry with that field changed, checked as a new one,
        one undoable edit; a refusal says why and the cell shows what is stored."""
        from core.services.own import HoldingError

        raw = as_input(tx, **{field: text})
        try:
            self.own.check_tx(raw, use_network=False)
        except HoldingError as exc:
            QMessageBox.warning(self, "Not saved", str(exc))
            return
        self.actions.ledger_edit(f"edit {tx.type.value} of {tx.ticker} on {tx.date}",
                                 lambda: self.own.edit_tx(tx.id, raw))
