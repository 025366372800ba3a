"""import-13f maps the filing's new CUSIPs through OpenFIGI after it commits (a local fake
OpenFIGI): tickers in holdings, a typed ticker kept, and an import that stands when OpenFIGI
is down, offline or told not to map."""

from __future__ import annotations

import datetime as dt
import json

from tests.builders import Row
from tests.conftest import cli
from tests.core.sec_fixtures import fake  # noqa: F401
from tests.cusips import unknown_cusips
from tests.fake_sec import filing_text

CIK = "0000555002"
ACC = f"{CIK}-26-000001"
# Three CUSIPs (valid check digits) the bundled CUSIP map does not know, standing for AbbVie,
# Apple and Amazon: only such CUSIPs go to OpenFIGI (real ones are named by the map).
ABBV, AAPL, AMZN = unknown_cusips(3)


def filing(tmp_path, cusips=(ABBV, AAPL, AMZN)):
    rows = [Row(cusip=c, issuer=f"ISSUER {i}", value=1000 + i, shares=100 + i)
            for i, c in enumerate(cusips)]  # fmt: skip
    path = tmp_path / f"{ACC}.txt"
    path.write_text(filing_text(CIK, "IMPORT MAP LLC", ACC, dt.date(2026, 6, 30),
                                dt.date(2026, 8, 14), rows))  # fmt: skip
    return path


def tickers(db_file) -> dict[str, str | None]:
    rc, out = cli(db_file, "holdings", "--portfolio", CIK, "--json")
    assert rc == 0
    return {p["cusip"]: p["ticker"] for p in json.loads(out)["positions"]}


def tickers_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip().startswith("tickers:")]


def test_import_maps_new_cusips_through_openfigi(fake, db_file, tmp_path):  # noqa: F811
    fake.add_figi(ABBV, "ABBV", "AbbVie Inc")
    fake.add_figi(AAPL, "AAPL", "Apple Inc")  # Amazon: OpenFIGI knows nothing of it here
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path)))
    assert rc == 0, out
    assert tickers_lines(out) == ["tickers: 2 of 3 CUSIP(s) mapped (OpenFIGI), 1 unmapped "
                                  "with the reason (see the Companies page)"]  # fmt: skip
    assert f"unmapped:   1 CUSIP(s) with no ticker: {AMZN}" in out  # as it stands after
    assert tickers(db_file) == {ABBV: "ABBV", AAPL: "AAPL", AMZN: None}
    jobs = [r.jobs for r in fake.requests_to("/v3/mapping")]
    assert jobs == [3]
    assert not fake.sec_requests()  # an import asks EDGAR nothing


def test_a_typed_ticker_is_kept(fake, db_file, tmp_path):  # noqa: F811
    rc, _ = cli(db_file, "companies", "import-map", str(_map_file(tmp_path, f"{ABBV},MYABBV")))
    assert rc == 0
    for c, t in ((ABBV, "WRONG"), (AAPL, "AAPL"), (AMZN, "AMZN")):
        fake.add_figi(c, t, "Some Co")
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path)))
    assert rc == 0 and "2 of 2 CUSIP(s) mapped" in out
    assert tickers(db_file) == {ABBV: "MYABBV", AAPL: "AAPL", AMZN: "AMZN"}
    assert sum(r.jobs for r in fake.requests_to("/v3/mapping")) == 2  # ABBV not even asked


def test_openfigi_down_the_import_still_lands(fake, db_file, tmp_path, capsys):  # noqa: F811
    fake.fail_from["/v3/mapping"] = (1, 503)  # every try answers 503
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path)))
    assert rc == 0
    assert "error" not in capsys.readouterr().err
    lines = tickers_lines(out)
    assert len(lines) == 1
    assert lines[0].startswith("tickers: mapping skipped: OpenFIGI: HTTP 503")
    assert "3 CUSIP(s) not asked" in lines[0]
    assert tickers(db_file) == {ABBV: None, AAPL: None, AMZN: None}
    rc, out = cli(db_file, "filings", "--portfolio", CIK, "--json")
    assert [f["accession"] for f in json.loads(out)] == [ACC]
    # Nothing was recorded as unmappable: mapping on demand asks again and succeeds.
    fake.fail_from.clear()
    fake.add_figi(AAPL, "AAPL", "Apple Inc")
    rc, out = cli(db_file, "companies", "map")
    assert rc == 0 and tickers(db_file)[AAPL] == "AAPL"


def test_no_network_at_all_is_one_line(db_file, tmp_path, capsys):
    """No fake server: the conftest points OpenFIGI at a port that refuses."""
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path)))
    assert rc == 0 and "error" not in capsys.readouterr().err
    (line,) = tickers_lines(out)
    assert line.startswith("tickers: mapping skipped: OpenFIGI: cannot connect")


def test_offline_and_no_map_send_nothing(fake, db_file, tmp_path, monkeypatch):  # noqa: F811
    for c in (ABBV, AAPL, AMZN):
        fake.add_figi(c, "T" + c[:3], "Some Co")
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path)), "--offline")
    assert rc == 0
    assert tickers_lines(out) == ["tickers: mapping skipped: offline mode is on; 3 CUSIP(s) "
                                  "not asked ('stakewatch companies map' tries "
                                  "again)"]  # fmt: skip
    other = filing(tmp_path, (ABBV, AAPL))
    text = other.read_text().replace(ACC, f"{CIK}-26-000002")
    other = tmp_path / f"{CIK}-26-000002.txt"
    other.write_text(text)
    rc, out = cli(db_file, "import-13f", str(other), "--no-map")
    assert rc == 0 and tickers_lines(out) == []
    monkeypatch.setenv("STAKEWATCH_OFFLINE", "1")
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path)))  # already there
    assert rc == 0 and "already imported" in out and tickers_lines(out) == []
    assert fake.log == []


def test_the_deadline_keeps_what_was_mapped(fake, db_file, tmp_path):  # noqa: F811
    """25 requests a minute without a key: a 26th batch would wait past the deadline, so
    the first batches' answers are stored and the rest are said to be not asked."""
    from core import openfigi

    for _ in range(24):  # this minute's budget nearly spent by earlier requests
        openfigi.ANONYMOUS[1].acquire()
        openfigi.ANONYMOUS[1].release()
    cusips = [ABBV, AAPL, AMZN, *unknown_cusips(9, prefix="Q8")]
    for i, c in enumerate(cusips):
        fake.add_figi(c, f"TK{i}", f"Company {i}")
    rc, out = cli(db_file, "import-13f", str(filing(tmp_path, cusips)), "--deadline", "5")
    assert rc == 0
    (line,) = tickers_lines(out)
    assert line.startswith("tickers: 10 of 12 CUSIP(s) mapped (OpenFIGI); 2 not asked: "
                           "OpenFIGI: deadline reached while waiting for the rate limit")
    assert sum(1 for t in tickers(db_file).values() if t) == 10


def _map_file(tmp_path, *lines):
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(lines) + "\n")
    return path
