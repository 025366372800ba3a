"""A dashboard card: a title, a big figure and lines of detail that wrap only between
phrases ("effective N 2.92" never ends a line at "effective N")."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gui import theme

SEPARATORS = (" · ", ", ")  # a line may break after these (the dot and comma stay behind)
BREAK = "\u200b"  # put where a line may break between two phrases without a separator
_NBSP = "\u00a0"
_TAG = re.compile(r"(<[^>]*>)")


def keep_phrases(html: str) -> str:
    """Spaces inside a phrase made non-breaking; lines may break only after a separator, at
    a BREAK or at <br>. Tags are left alone."""
    out = []
    for part in _TAG.split(html):
        if part.startswith("<"):
            out.append(part)
            continue
        text = part.replace(BREAK, "\0")
        for sep in SEPARATORS:
            text = text.replace(sep, sep.rstrip().replace(" ", _NBSP) + "\1")
        text = text.replace(" ", _NBSP).replace("\1", " ").replace("\0", " ")
        out.append(text)
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
