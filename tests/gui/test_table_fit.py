"""Holdings fits its width honestly: on a narrow window the change (NEW, SOLD OUT) stays
and the value as filed hides first; Stake shows only when some row has one; on a wide
screen the issuer is as wide as its text, not as the window."""

from __future__ import annotations

from gui.models.holdings_table_model import COL_CHANGE, COL_ISSUER, COL_STAKE, COL_VALUE
from tests.gui.conftest import idle


def test_holdings_columns_at_800_and_2560(qtbot, make_window, ctx):
    w = make_window(ctx)
    w.show_page("holdings")
    # 720 wide: at 800 the sidebar folds to its icons (issue 23) and every column but the
    # class fits, so nothing would have to give way.
    w.resize(720, 600)
    w.show()
    qtbot.waitExposed(w)
    idle(qtbot, w)
    table = w.holdings.table
    qtbot.waitUntil(lambda: w.holdings.model.rowCount() > 0)
    model = w.holdings.model
    some_stake = any(model.index(r, COL_STAKE).data() for r in range(model.rowCount()))
    qtbot.waitUntil(lambda: table.isColumnHidden(COL_VALUE))
    assert not table.isColumnHidden(COL_CHANGE)
    if not some_stake:
        assert table.isColumnHidden(COL_STAKE)
    w.resize(2560, 1440)
    qtbot.waitUntil(lambda: not table.isColumnHidden(COL_VALUE))
    issuer = table.horizontalHeader().sectionSize(COL_ISSUER)
    assert issuer < 500 and issuer <= w.holdings.fitter.width_of(COL_ISSUER) + 160
    assert table.isColumnHidden(COL_STAKE) != some_stake  # shown when a row has one
