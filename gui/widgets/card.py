"""A dashboard card: a title, a big figure and lines of detail that wrap only between
phrases ("effective N 2.92" never ends a line at "effective N")."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gui import theme

# A line may break after " · " and ", " (the dot and the comma stay behind).
BREAK = "\u200b"  # put where a line may break between two phrases without a separator
_NBSP = "\u00a0"
_WJ = "\u2060"  # word joiner: no line break here
_TAG = re.compile(r"(<[^>]*>)")
_CHARS = re.compile(r"&[#\w]+;|.", re.DOTALL)  # an entity (&amp;) stays one character
_PIECES = re.compile(f"( · |, |{BREAK})")
PROSE = 32  # characters: a longer run between separators is a sentence


def keep_phrases(html: str) -> str:
    """Lines may break only after a separator, at a BREAK or at <br>: inside a phrase no
    space or hyphen breaks. A run longer than PROSE characters is a sentence, not a phrase,
    and wraps between its words as usual. Tags are left alone."""
    out = []
    for part in _TAG.split(html):
        if part.startswith("<"):
            out.append(part)
            continue
        text = ""
        for piece in _PIECES.split(part):
            if piece == " · ":
                text += _NBSP + "· "  # the dot stays with the phrase before it
            elif piece in (", ", BREAK):
                text += piece.replace(BREAK, " ")
            elif len(piece) > PROSE:
                text += piece
            else:  # Unicode breaks after a hyphen or between "+" and "$" with no space:
                # a word joiner between every two characters of a phrase forbids it.
                text += _WJ.join(_CHARS.findall(piece.replace(" ", _NBSP)))
        glue = _WJ if text and not text.startswith(" ") else ""  # to the text before a tag
        out.append(glue + text)
    return "".join(out)


class PhraseLabel(QLabel):
    """A word-wrapped rich-text label that breaks lines only between phrases, never
    narrower than its widest phrase. text() gives back what was set."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._text = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._text = text
        shown = keep_phrases(text)
        super().setText(shown)
        self.setMinimumWidth(self.widest_phrase(shown))

    def text(self) -> str:
        return self._text

    def widest_phrase(self, shown: str | None = None) -> int:
        """The width of the longest run that may not break: the label's least width."""
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # as QLabel wraps: never mid-word
        doc.setDefaultTextOption(option)
        doc.setHtml(shown if shown is not None else keep_phrases(self._text))
        doc.setTextWidth(0)  # every break taken: each line is one unbreakable run
        return int(doc.idealWidth()) + 2


class Card(QFrame):
    """A titled panel with a big figure and lines of detail."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.set_title(title)
        self.figure = QLabel("—")
        self.figure.setTextFormat(Qt.TextFormat.RichText)
        font = self.figure.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.figure.setFont(font)
        self.detail = PhraseLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.figure)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def set_title(self, title: str) -> None:
        self.title.setText(f"<span style='color:{theme.colours().muted}'>{title}</span>")

    def clear(self) -> None:
        self.figure.setText("—")
        self.figure.setToolTip("")
        self.detail.setText("")


class CardRow(QWidget):
    """The cards side by side while they fit at their least widths, else two to a row (then
    one): a narrow window never grows to fit them, nor squeezes a phrase."""

    def __init__(self, cards: list[Card], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = cards
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        for i, c in enumerate(cards):  # children first: a hidden one stays so, the rest show
            self.grid.addWidget(c, 0, i)
        self.columns = 0
        self._place(len(self._shown()))

    def _shown(self) -> list[Card]:
        return [c for c in self.cards if not c.isHidden()]

    def _needs(self, columns: int) -> int:
        """The least width of the widest row of `columns` cards."""
        widths = [c.minimumSizeHint().width() for c in self._shown()] or [0]
        rows = [widths[i:i + columns] for i in range(0, len(widths), columns)]
        spacing = self.grid.horizontalSpacing()
        return max(sum(r) + spacing * (len(r) - 1) for r in rows)

    def _fitting(self, width: int) -> int:
        n = max(1, len(self._shown()))
        for columns in (n, 2, 1):
            if columns <= n and self._needs(columns) <= width:
                return columns
        return 1

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for c in self.cards:
            self.grid.removeWidget(c)
        for i, c in enumerate(self._shown()):
            self.grid.addWidget(c, i // columns, i % columns)
        for col in range(4):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)

    def refit(self) -> None:
        """After a card shows or hides."""
        self.columns = 0
        self._place(self._fitting(self.width()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place(self._fitting(self.width()))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self._needs(1), hint.height())
