"""Help > Getting started and Help > Keyboard shortcuts: what the window shows and how to
begin, and every shortcut the window has (read from its actions, so the list never lies)."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

GETTING_STARTED = """
<h2>Getting started</h2>
<p><b>What you see.</b> Stakewatch follows 13F filers' disclosed holdings (NVIDIA's are
bundled) and your own portfolios at the latest prices it has. Every price says how old it
is; values say which closes they use.</p>
<ul>
<li><b>Dashboard</b> (Ctrl+1): value now against the last filing, concentration, what
changed, the last year.</li>
<li><b>Holdings</b> (Ctrl+2): the positions of a filing or statement; Enter or a
double-click opens one position in depth.</li>
<li><b>Charts</b> (Ctrl+3): value, weights and concentration over time.</li>
<li><b>Companies</b> (Ctrl+4): every CUSIP with its ticker.</li>
<li><b>Transactions</b> (Ctrl+5): your own book's ledger: buys, sells, dividends.</li>
<li><b>Holders</b> (Ctrl+6): who else holds a security.</li>
</ul>
<p><b>Follow a filer.</b> Portfolio &gt; Follow a 13F filer... with its SEC CIK (the name is
looked up when online; offline, type it). Its filings come with the next check for new
filings (Portfolio &gt; Check for new filings, Ctrl+Shift+F), and the window checks by itself
at start when online.</p>
<p><b>Your own book.</b> Portfolio &gt; New portfolio... (Ctrl+Shift+N), then add your
transactions (Add transaction, Ctrl+N) or import a CSV.</p>
<p><b>Prices.</b> Prices &gt; Refresh prices (F5) fetches daily closes and quotes. Offline,
import a CSV of closes instead (the command <tt>stakewatch prices import FILE --ticker T</tt>).
</p>
<p><b>Export.</b> File &gt; Export snapshot... (Ctrl+E) writes JSON, CSV, XLSX, PDF, PNG or
SVG; File &gt; Open snapshot... shows one again.</p>
<p>Everything the window does is also a command: <tt>stakewatch --help</tt>.</p>
"""


def _shown_text(action: QAction) -> str:
    return action.text().replace("&", "").removesuffix("...")


def shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what) for every action of the window that has a shortcut, sorted by what."""
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys and _shown_text(action):
            seen.setdefault(keys, _shown_text(action))
    return sorted(seen.items(), key=lambda kv: kv[1].lower())


def _dialog(parent: QWidget, title: str, body: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    text = QTextBrowser()
    text.setOpenExternalLinks(False)
    text.setHtml(body)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(560, 520)
    return dialog


def getting_started_dialog(parent: QWidget) -> QDialog:
    return _dialog(parent, "Getting started", GETTING_STARTED)


def shortcuts_dialog(window: QWidget) -> QDialog:
    rows = "".join(f"<tr><td style='padding-right:18px'><b>{html.escape(k)}</b></td>"
                   f"<td>{html.escape(w)}</td></tr>" for k, w in shortcuts(window))
    extra = ("<p>In tables: arrows move, Enter opens a position, Alt+Left goes back, "
             "Ctrl+C copies the rows selected. Tab moves between controls.</p>")
    return _dialog(window, "Keyboard shortcuts",
                   f"<h2>Keyboard shortcuts</h2><table>{rows}</table>{extra}")
