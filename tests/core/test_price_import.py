"""Loading daily bars from CSV: all or nothing, every bad line named."""

from __future__ import annotations

import datetime as dt

import pytest

from core.services.price_import import PriceFileError, import_csv
from core.storage.price_store import PriceStore
from tests.conftest import DATA

GOOD = DATA / "prices" / "CRWV_head.csv"


def cached(ctx, ticker):
    with ctx.db.session() as s:
        return PriceStore(s).bars(ticker)


def test_recorded_file_loads_with_provenance(empty_ctx):
    report = import_csv(empty_ctx.db, GOOD, "crwv")
    assert report.rows == 39
    first, _last, n = report.tickers["CRWV"]
    assert (first, n) == (dt.date(2025, 3, 28), 39)
    bars = cached(empty_ctx, "CRWV")
    assert (bars[0].open, bars[0].close) == (39.0, 40.0)
    assert bars[0].source == "csv:CRWV_head.csv (SungKyu-Kim39)"


def test_header_names_any_case_and_a_ticker_column(empty_ctx, tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_text("Ticker,DATE,Close,Volume,Adj Close\nnvda,2025-06-30,157.99,1000,157.98\n"
                 "CRWV,2025-06-30,163.06,,\n")  # fmt: skip
    report = import_csv(empty_ctx.db, f)
    assert set(report.tickers) == {"NVDA", "CRWV"}
    [nvda] = cached(empty_ctx, "NVDA")
    assert (nvda.close, nvda.adj_close, nvda.volume, nvda.open) == (157.99, 157.98, 1000, None)


def test_bad_lines_are_all_named_and_nothing_is_loaded(empty_ctx, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "date,open,high,low,close,volume\n"
        "2025-06-27,1,2,1,1.5,100\n"        # line 2: fine
        "2025-13-01,1,2,1,1.5,100\n"        # line 3: no such month
        "2025-06-30,1,2,1,abc,100\n"        # line 4: close not a number
        "2025-07-01,1,1,2,1.5,100\n"        # line 5: high below low
        "2025-07-02,1,2,1,,100\n"           # line 6: no close
        "2025-06-27,1,2,1,1.5,100\n"        # line 7: duplicate day
        "2025-07-03,1,2,1,-4,100\n"         # line 8: negative
    )  # fmt: skip
    with pytest.raises(PriceFileError) as info:
        import_csv(empty_ctx.db, f, "TEST")
    assert [n for n, _ in info.value.problems] == [3, 4, 5, 6, 7, 8]
    assert "line 3: date '2025-13-01' is not YYYY-MM-DD" in str(info.value)
    assert "nothing loaded" in str(info.value)
    assert cached(empty_ctx, "TEST") == []


@pytest.mark.parametrize(
    ("content", "ticker", "message"),
    [
        ("", "X", "is empty"),
        ("day,price\n2025-01-02,1\n", "X", "no date, close column"),
        ("date,close\n2025-01-02,1\n", None, "give --ticker"),
        ("date,close\n", "X", "no price rows"),
    ],
)
def test_unusable_files(empty_ctx, tmp_path, content, ticker, message):
    f = tmp_path / "f.csv"
    f.write_text(content)
    with pytest.raises(PriceFileError, match=message):
        import_csv(empty_ctx.db, f, ticker)


def test_binary_file(empty_ctx, tmp_path):
    f = tmp_path / "f.csv"
    f.write_bytes(b"\xff\xfe\x00\x01garbage\x00")
    with pytest.raises(PriceFileError):
        import_csv(empty_ctx.db, f, "X")
