"""Date fields take a date typed in full as ISO (issue 23: typing 2025-01-15 into a date
field gave 2026-01-15): the export dialog's as-of date and the lone table's period and
filing date, reached from the keyboard as a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from gui.dialogs.export_dialog import ExportDialog
from gui.dialogs.import_details import ImportDetailsDialog
from gui.widgets.date_edit import IsoDateEdit


@pytest.mark.parametrize("typed, wanted", [
    ("2025-01-15", "2025-01-15"), ("1999-7-4", "1999-07-04"), ("20240229", "2024-02-29"),
])  # fmt: skip
def test_a_typed_iso_date_is_the_date(qtbot, typed, wanted):
    e = IsoDateEdit(QDate(2026, 12, 7))
    qtbot.addWidget(e)
    e.show()
    e.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(e, typed)
    assert e.date().toString("yyyy-MM-dd") == wanted


def test_the_dialogs_date_fields_take_typed_dates(qtbot, tmp_path):
    d = ExportDialog(["NVIDIA Corp"], "NVIDIA Corp", tmp_path)
    qtbot.addWidget(d)
    d.show()
    d.today.setChecked(False)
    d.as_of.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(d.as_of, "2025-01-15")
    assert d.as_of.date() == QDate(2025, 1, 15)
    i = ImportDetailsDialog("table.xml")
    qtbot.addWidget(i)
    i.show()
    for edit, typed in ((i.period, "2025-03-31"), (i.filed, "2025-05-15")):
        edit.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClicks(edit, typed)
    assert (i.period.date(), i.filed.date()) == (QDate(2025, 3, 31), QDate(2025, 5, 15))
