"""Settings: quote refresh interval, offline mode, theme, and where the database lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from core.services.settings import Settings
from gui.theme import THEMES


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, theme: str, database: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Stakewatch settings")
        self.interval = QSpinBox()
        self.interval.setRange(10, 3600)
        self.interval.setSuffix(" s")
        self.interval.setValue(settings.quote_interval)
        self.offline = QCheckBox("Work offline (no network; cached prices only)")
        self.offline.setChecked(settings.offline)
        self.theme = QComboBox()
        self.theme.addItems([t.title() if t != "system" else "Follow system" for t in THEMES])
        self.theme.setCurrentIndex(THEMES.index(theme) if theme in THEMES else 0)
        self.database = QLineEdit(database)
        self.database.setReadOnly(True)
        self.database.setMinimumWidth(380)
        open_folder = QPushButton("Open folder")
        open_folder.clicked.connect(self._open_folder)
        db_row = QHBoxLayout()
        db_row.addWidget(self.database, 1)
        db_row.addWidget(open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Quote refresh every", self.interval)
        form.addRow("", self.offline)
        form.addRow("Theme", self.theme)
        form.addRow("Database", db_row)
        form.addRow(buttons)
        self._settings = settings

    def values(self) -> tuple[Settings, str]:
        from dataclasses import replace

        return (replace(self._settings, quote_interval=self.interval.value(),
                        offline=self.offline.isChecked()),
                THEMES[self.theme.currentIndex()])  # fmt: skip

    def _open_folder(self) -> None:
        path = Path(self.database.text())
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent if path.suffix else path)))
