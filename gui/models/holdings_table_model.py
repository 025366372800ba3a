"""Holdings of one report as a table: ticker, issuer, class, shares, reported value, weight,
change since the previous report, and value at the latest price; for own portfolios also
cost, unrealised gain ($ and %) and the day's change, as core's `pnl` computes them; for
13F books the filer's stake in each company (core's figure, blank with the reason)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from core.domain.filings import issuer_label
from core.domain.following import PositionStake
from core.domain.prices import price_when
from core.services.analytics import HoldingRow
from core.services.own import Pnl, PnlTotals, pnl_at
from core.services.prices import PriceNow, utc_now
from gui import theme
from gui.formatting import money_long, money_short, percent, signed_money

(COL_TICKER, COL_ISSUER, COL_CLASS, COL_SHARES, COL_VALUE, COL_WEIGHT, COL_CHANGE,
 COL_VALUE_NOW, COL_COST, COL_GAIN, COL_GAIN_PCT, COL_DAY, COL_STAKE) = range(13)  # fmt: skip
HEADERS = ("Ticker", "Issuer", "Class", "Shares", "Reported value", "Weight", "Change",
           "Value now", "Cost", "Unrealised gain", "Gain %", "Day's change",
           "Stake")  # fmt: skip
PNL_COLUMNS = {COL_COST, COL_GAIN, COL_GAIN_PCT, COL_DAY}  # own portfolios only
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2
_RIGHT = {COL_SHARES, COL_VALUE, COL_WEIGHT, COL_VALUE_NOW, COL_STAKE} | PNL_COLUMNS
NUMERIC = _RIGHT

Index = QModelIndex | QPersistentModelIndex


class HoldingsTableModel(QAbstractTableModel):
    """Rows are HoldingRow values. A missing ticker is editable in place: the model emits
    `ticker_edited(cusip, old, new)` and the page saves it (undoably)."""

    ticker_edited = Signal(str, object, object)
    shares_edited = Signal(str, str)  # ticker, the text typed (own portfolios)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[HoldingRow] = []
        self._pnl: dict[str, Pnl] = {}
        self._by_ticker: dict[str, list[int]] = {}  # rows to reprice when a ticker ticks
        self.shares_editable = False  # an own portfolio's shares are edited in place

    def set_rows(self, rows: list[HoldingRow], pnl: list[Pnl] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._pnl = {p.ticker: p for p in pnl or []}
        self._by_ticker = {}
        for i, r in enumerate(self._rows):
            if r.position.ticker and r.status != "SOLD OUT":
                self._by_ticker.setdefault(r.position.ticker, []).append(i)
        self.endResetModel()

    def pnl_rows(self) -> list[Pnl]:
        return list(self._pnl.values())

    def follow(self, prices: dict[str, PriceNow]) -> bool:
        """Value now (and an own book's gain and day's change) at streamed prices newer
        than the rows': core recomputes each row; only those cells repaint. True if any
        row changed."""
        changed = False
        for ticker, price in prices.items():
            rows = self._by_ticker.get(ticker, [])
            if not rows or not price.newer_than(self._rows[rows[0]].price):
                continue
            for i in rows:
                self._rows[i] = self._rows[i].at(price)
                self.dataChanged.emit(self.index(i, COL_VALUE_NOW), self.index(i, COL_DAY))
            changed = True
        if changed and self._pnl:
            self._pnl = {line.ticker: line for line in pnl_at(list(self._pnl.values()), prices)}
        return changed

    def pnl_of(self, r: HoldingRow) -> Pnl | None:
        return self._pnl.get(r.position.ticker or "") if r.status != "SOLD OUT" else None

    def row_at(self, row: int) -> HoldingRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in _RIGHT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index):
        base = super().flags(index)
        if (index.isValid() and index.column() == COL_SHARES and self.shares_editable
                and self._rows[index.row()].status != "SOLD OUT"):  # fmt: skip
            return base | Qt.ItemFlag.ItemIsEditable
        if index.isValid() and index.column() == COL_TICKER:
            r = self._rows[index.row()]
            if r.position.ticker is None and r.status != "SOLD OUT":
                return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() == COL_SHARES and self.shares_editable:
            r = self._rows[index.row()]
            text = str(value or "").strip()
            if text and r.position.ticker:
                self.shares_edited.emit(r.position.ticker, text)
                return True
            return False
        if index.column() != COL_TICKER:
            return False
        text = str(value or "").strip().upper()
        r = self._rows[index.row()]
        if not text or text == (r.position.ticker or ""):
            return False
        self.ticker_edited.emit(r.position.cusip, r.position.ticker, text)
        return True

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        p, col = r.position, index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._display(r, col)
            return str(p.shares) if col == COL_SHARES else (p.ticker or "")
        if role == SORT_ROLE:
            return self._sort_key(r, col)
        if role == FILTER_ROLE:
            return f"{p.ticker or ''} {p.issuer} {p.cusip} {r.status}".lower()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col in (COL_GAIN, COL_GAIN_PCT):
                q = self.pnl_of(r)
                if q is not None and q.pnl is not None:
                    return QColor(theme.colours().up if q.pnl >= 0 else theme.colours().down)
            if col == COL_CHANGE:
                return QColor(theme.status_colours().get(r.status, theme.colours().muted))
            if r.status == "SOLD OUT":
                return QColor(theme.colours().muted)
            if col == COL_TICKER and p.ticker is None:
                return QColor(theme.colours().error)
            if col == COL_VALUE_NOW and r.value_now is None:
                return QColor(theme.colours().muted)
        if role == Qt.ItemDataRole.FontRole:
            if col == COL_ISSUER and issuer_label(p.issuer)[1]:
                font = QFont()
                font.setItalic(True)
                return font
            if col == COL_CHANGE and r.status in ("NEW", "SOLD OUT"):
                font = QFont()
                font.setBold(True)
                return font
        return None

    def _display(self, r: HoldingRow, col: int) -> str:
        p = r.position
        if col in PNL_COLUMNS:
            return self._display_pnl(self.pnl_of(r), col)
        if col == COL_TICKER:  # the symbol of the report's date (TSP), today's on hover
            return p.ticker_as_filed or p.ticker or "unmapped"
        if col == COL_ISSUER:
            return issuer_label(p.issuer)[0]
        if col == COL_CLASS:
            return p.title_of_class + (f" ({p.put_call.title()})" if p.put_call else "")
        if col == COL_SHARES:
            return f"{p.shares:,}"
        if col == COL_VALUE:
            return money_short(p.value) if r.status != "SOLD OUT" else "—"
        if col == COL_WEIGHT:
            if r.status == "SOLD OUT":
                return "—"
            return percent(p.weight) if p.weight is not None else "option"
        if col == COL_CHANGE:
            if r.status in ("ADDED", "REDUCED"):
                return f"{r.status} {r.shares_change:+,.0f}"
            return r.status
        if col == COL_VALUE_NOW:
            if r.value_now is None:  # said, never a blank that reads as $0
                return "" if p.put_call or r.status == "SOLD OUT" else "no price"
            return money_short(r.value_now)
        if col == COL_STAKE:
            return stake_text(r.stake.value) if r.stake and r.stake.value is not None else ""
        return ""

    @staticmethod
    def _display_pnl(q: Pnl | None, col: int) -> str:
        if q is None:
            return ""
        value = {COL_COST: q.cost, COL_GAIN: q.pnl, COL_DAY: q.day_change}.get(col)
        if col == COL_GAIN_PCT:
            return f"{q.pnl_pct:+.2f}%" if q.pnl_pct is not None else ""
        if value is None:
            return ""
        return money_short(value) if col == COL_COST else signed_money(value)

    def _tooltip(self, r: HoldingRow, col: int) -> str | None:
        p = r.position
        if col in PNL_COLUMNS:
            return self._pnl_tooltip(self.pnl_of(r), col)
        if col == COL_STAKE:
            return stake_tooltip(r.stake)
        if col == COL_VALUE_NOW and r.value_now is None:
            return ("an option: not valued at the share price" if p.put_call
                    else "no market price known for this ticker, so it is left out of the "
                    "value now (F5 fetches prices; offline: Prices > Import prices CSV... or "
                    "Enter a closing price...)")
        if col == COL_TICKER and p.ticker is None:
            return f"No ticker known for CUSIP {p.cusip}: double-click to enter one"
        if col == COL_TICKER and p.ticker_as_filed:
            until = f" until {p.as_filed_until:%Y-%m-%d}" if p.as_filed_until else ""
            return (f"Traded as {p.ticker_as_filed}{until}; {p.ticker} today (prices use it)."
                    f"\nCUSIP {p.cusip}")
        if col == COL_ISSUER:
            note = "\nItalic: a label; the name as filed was not seen" if issuer_label(
                p.issuer)[1] else ""  # fmt: skip
            # The name shown is the security master's; the filing's own spelling on hover.
            filed = f"\nas filed: {p.issuer_as_filed}" if p.issuer_as_filed else ""
            return f"{issuer_label(p.issuer)[0]}{filed}\nCUSIP {p.cusip}{note}"
        if col == COL_CLASS and len(p.titles) > 1:
            return "Filed under several class titles: " + "; ".join(p.titles)
        if col == COL_VALUE:
            return f"{money_long(p.value)} as filed"
        if col == COL_VALUE_NOW and r.price is not None and r.value_now is not None:
            q = r.price
            when = q.when(utc_now()).text  # core's words: "Sep 25 close · 73 days old"
            stamp = f"{q.quote_time:%Y-%m-%d %H:%M} UTC" if q.quote_time else "time unknown"
            return (f"{money_long(r.value_now)} = shares x {q.price:,.2f} ({when}; {stamp}, "
                    f"{q.source}" + (f"; {q.detail}" if q.detail else "") + ")")  # fmt: skip
        return None

    @staticmethod
    def _pnl_tooltip(q: Pnl | None, col: int) -> str | None:
        if q is None:
            return "no holding in this statement"
        if col == COL_COST:
            return (f"{money_long(q.cost)} = shares x {q.cost_per_share} per share"
                    if q.cost is not None else "no cost entered for this holding")  # fmt: skip
        if col in (COL_GAIN, COL_GAIN_PCT):
            if q.pnl is None:
                return ("no cost entered for this holding" if q.cost is None
                        else "no market price known for this ticker")  # fmt: skip
            return f"{money_long(q.value or 0)} now against {money_long(q.cost or 0)} cost"
        if col == COL_DAY:
            if q.day_change is None:
                return "no previous close known for this ticker"
            when = (f" (price of {price_when(1.0, q.quote_time, 'cache', utc_now()).text})"
                    if q.quote_time else "")  # fmt: skip
            return f"shares x (price - previous close){when}"
        return None

    def _sort_key(self, r: HoldingRow, col: int):
        p = r.position
        if col in PNL_COLUMNS:
            q = self.pnl_of(r)
            v = None if q is None else {COL_COST: q.cost, COL_GAIN: q.pnl,
                                        COL_GAIN_PCT: q.pnl_pct, COL_DAY: q.day_change}[col]
            return v if v is not None else float("-inf")
        return {
            COL_TICKER: p.ticker or "",
            COL_ISSUER: p.issuer.lower(),
            COL_CLASS: p.title_of_class,
            COL_SHARES: p.shares,
            COL_VALUE: p.value,
            COL_WEIGHT: p.weight if p.weight is not None else -1.0,
            COL_CHANGE: ("NEW", "ADDED", "REDUCED", "UNCHANGED", "SOLD OUT").index(r.status),
            COL_VALUE_NOW: r.value_now if r.value_now is not None else -1.0,
            COL_STAKE: r.stake.value if r.stake and r.stake.value is not None else -1.0,
        }[col]

    def as_tsv(self, rows: list[int]) -> str:
        """Selected rows as tab-separated text with the header, for the clipboard."""
        lines = ["\t".join(HEADERS)]
        for i in rows:
            r = self._rows[i]
            cells = [self._display(r, c) for c in range(len(HEADERS))]
            cells[COL_VALUE] = str(r.position.value)  # exact dollars, not $3.96B
            cells[COL_VALUE_NOW] = f"{r.value_now:.2f}" if r.value_now is not None else ""
            stake = r.stake.value if r.stake else None  # the fraction, not 5.12%
            cells[COL_STAKE] = f"{stake:.8f}" if stake is not None else ""
            q = self.pnl_of(r)
            for col, v in ((COL_COST, q and q.cost), (COL_GAIN, q and q.pnl),
                           (COL_GAIN_PCT, q and q.pnl_pct), (COL_DAY, q and q.day_change)):
                cells[col] = f"{v:.2f}" if v is not None else ""
            lines.append("\t".join(cells))
        return "\n".join(lines) + "\n"


def stake_text(value: float) -> str:
    """A share of the issuer: 5.12%, 0.034%, or <0.001% (the tooltip gives the exact)."""
    pct = value * 100
    if pct >= 1:
        return f"{pct:.2f}%"
    if pct >= 0.001:
        return f"{pct:.3f}%"
    return "<0.001%" if pct > 0 else "0%"


def stake_tooltip(stake: PositionStake | None) -> str | None:
    """Where the count of shares outstanding comes from, or why the stake is blank."""
    if stake is None:
        return None
    if stake.value is None:
        return f"Stake unknown: {stake.reason}"
    return (f"{stake.shares:,} of {stake.shares_outstanding:,} shares outstanding = "
            f"{stake.value * 100:.4g}% of the company\nShares outstanding as of "
            f"{stake.as_of}, from {stake.source}")  # fmt: skip


class TotalsModel(QAbstractTableModel):
    """The totals row under an own portfolio's holdings: the sums `pnl_totals` makes."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.totals: PnlTotals | None = None

    def set_totals(self, totals: PnlTotals | None) -> None:
        self.beginResetModel()
        self.totals = totals
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.totals is None else 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        t, col = self.totals, index.column()
        if t is None or not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            n = t.positions
            return {
                COL_TICKER: "Total",
                COL_ISSUER: f"{n} position{'s' if n != 1 else ''}" + (
                    f" ({t.unpriced} without a price left out)" if t.unpriced else ""),
                COL_VALUE_NOW: money_short(t.value),
                COL_COST: money_short(t.cost) if t.cost else "",
                COL_GAIN: signed_money(t.pnl) if t.pnl is not None else "",
                COL_GAIN_PCT: f"{t.pnl_pct:+.2f}%" if t.pnl_pct is not None else "",
                COL_DAY: signed_money(t.day_change) if t.day_change is not None else "",
            }.get(col, "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if (role == Qt.ItemDataRole.ForegroundRole and col in (COL_GAIN, COL_GAIN_PCT)
                and t.pnl is not None):  # fmt: skip
            return QColor(theme.colours().up if t.pnl >= 0 else theme.colours().down)
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = []
            if t.unpriced:
                notes.append(f"{t.unpriced} without a price: left out of the value")
            if t.no_cost:
                notes.append(f"{t.no_cost} without a cost: left out of cost and gain")
            return "\n".join(notes) or "every holding priced and with a cost"
        return None
