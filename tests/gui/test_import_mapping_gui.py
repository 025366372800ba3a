"""The window's import maps the new CUSIPs through OpenFIGI (a local fake) once the import
is in; OpenFIGI down leaves the import in place and says why on the status bar."""

from __future__ import annotations

import pytest

from gui.models.holdings_table_model import COL_TICKER
from tests.core.sec_fixtures import fake  # noqa: F401
from tests.core.test_import_mapping import AAPL, ABBV, AMZN, CIK, filing


@pytest.fixture
def online_ctx(fake, db_file, memory_provider, monkeypatch):  # noqa: F811
    from core.context import AppContext

    monkeypatch.delenv("STAKEWATCH_SEC_CONTACT")  # no start-up check of EDGAR in the way
    c = AppContext.open(str(db_file), provider=memory_provider)
    yield c
    c.close()


def import_and_wait(qtbot, w, path) -> list[str]:
    seen: list[str] = []
    w.statusBar().messageChanged.connect(seen.append)
    w.imports.import_paths([path])
    qtbot.waitUntil(lambda: any(m.startswith("Tickers:") for m in seen), timeout=20_000)
    qtbot.waitUntil(lambda: w.tasks.current is None, timeout=10_000)
    return seen


def test_an_import_in_the_window_maps_its_cusips(fake, online_ctx, make_window, qtbot,  # noqa: F811
                                                 tmp_path, messages):  # fmt: skip
    fake.add_figi(ABBV, "ABBV", "AbbVie Inc")
    fake.add_figi(AAPL, "AAPL", "Apple Inc")
    w = make_window(online_ctx)
    seen = import_and_wait(qtbot, w, filing(tmp_path))
    assert messages[-1][1] == "Import finished"
    assert "what OpenFIGI finds" in messages[-1][2]
    line = next(m for m in seen if m.startswith("Tickers:"))
    assert line.startswith("Tickers: 2 of 3 CUSIP(s) mapped (OpenFIGI)")
    p = online_ctx.queries.portfolio(CIK)
    got = {q.cusip: q.ticker for q in online_ctx.queries.holdings(p).positions}
    assert got == {ABBV: "ABBV", AAPL: "AAPL", AMZN: None}
    w.reload_portfolios(select=p.name)
    w.show_page("holdings")
    m = w.holdings.model

    def shown():
        return {m.index(i, COL_TICKER).data() for i in range(m.rowCount())}

    qtbot.waitUntil(lambda: shown() == {"ABBV", "AAPL", "unmapped"}, timeout=10_000)


def test_openfigi_down_the_window_import_stands(fake, online_ctx, make_window, qtbot,  # noqa: F811
                                                tmp_path, messages):  # fmt: skip
    fake.fail_from["/v3/mapping"] = (1, 503)
    w = make_window(online_ctx)
    seen = import_and_wait(qtbot, w, filing(tmp_path))
    assert messages[-1][1] == "Import finished"  # no warning box: the import is in
    line = next(m for m in seen if m.startswith("Tickers:"))
    assert line.startswith("Tickers: mapping skipped: OpenFIGI: HTTP 503")
    assert "Map unmapped CUSIPs tries again" in line
    assert [f.accession for f in online_ctx.queries.filings(online_ctx.queries.portfolio(CIK))
            ] == [f"{CIK}-26-000001"]  # fmt: skip
