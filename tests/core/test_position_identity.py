"""A position is a security (CUSIP + SH/PRN + put/call), never a class title: holdings,
changes and history agree on every real sample filing, through the commands users run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.domain.positions import PositionKey, RowInDollars, aggregate, position_key
from tests.conftest import F13, cli

# The real EDGAR documents the project is given; the copies in tests/data/13f stand in
# where the shared folder is absent (a developer's checkout without it).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "edgar_13f_samples"
SAMPLES = SHARED if SHARED.is_dir() else F13
SEC = SAMPLES / "sec_samples" if (SAMPLES / "sec_samples").is_dir() else SAMPLES
LONE = ["--cik", "4242", "--name", "SAMPLE TABLE LLC", "--period", "2024-03-31",
        "--filed", "2024-05-01"]  # fmt: skip


def _folder(tmp_path: Path, cover: str) -> Path:
    """The SEC's sample cover page with its sample information table, as EDGAR serves a
    filing's documents in one folder."""
    d = tmp_path / cover.replace(".xml", "")
    d.mkdir()
    shutil.copy(SEC / cover, d / "primary_doc.xml")
    shutil.copy(SEC / "information_table.xml", d / "information_table.xml")
    return d


# name -> the import-13f arguments for it
CASES = {
    "0001894188-23-000007.txt": lambda t: [str(SAMPLES / "0001894188-23-000007.txt")],
    "0001951757-25-000093.nc": lambda t: [str(SAMPLES / "0001951757-25-000093.nc")],
    "infotable_255_rows.xml": lambda t: [str(SAMPLES / "infotable_255_rows.xml"), *LONE],
    "sec information_table.xml": lambda t: [str(SEC / "information_table.xml"), *LONE],
    "sec Sample_13F-HR + table": lambda t: [str(_folder(t, "Sample_13F-HR.xml"))],
}


def _json(db, *argv) -> dict:
    rc, out = cli(db, *argv, "--json")
    assert rc == 0, (argv, out)
    return json.loads(out)


def _key(p: dict) -> PositionKey:
    return position_key(p["cusip"], p["share_type"], p["put_call"])


@pytest.mark.parametrize("case", list(CASES))
def test_holdings_changes_and_history_agree(db_file, tmp_path, case):
    args = CASES[case]
    rc, out = cli(db_file, "import-13f", *args(tmp_path))
    assert rc == 0, out
    (portfolio,) = [p["name"] for p in _json(db_file, "portfolios")
                    if p["name"] != "NVIDIA Corp"]
    h = _json(db_file, "holdings", "--portfolio", portfolio)
    c = _json(db_file, "changes", "--portfolio", portfolio)
    hist = _json(db_file, "history", "--portfolio", portfolio, "--freq", "filing",
                 "--options")  # fmt: skip

    positions = {_key(p): p for p in h["positions"]}
    assert len(positions) == len(h["positions"]), "one position per security"
    # A first report: every position is NEW, once, with the value holdings show.
    changes = {_key(x): x for x in c["changes"]}
    assert len(changes) == len(c["changes"])
    assert changes.keys() == positions.keys()
    assert {k: x["value_after"] for k, x in changes.items()} == {
        k: p["value"] for k, p in positions.items()}
    assert all(x["status"] == "NEW" for x in changes.values())
    equity_after = sum(x["value_after"] for x in c["changes"] if x["put_call"] is None)
    assert equity_after == h["total_value"]

    (point,) = hist["points"]
    assert point["as_filed"] and point["report_period"] == h["period"]
    assert point["total_value"] == h["total_value"] + h["options_value"]
    in_history = {_key(p): p["value"] for p in point["positions"]}
    assert in_history == {k: p["value"] for k, p in positions.items() if p["shares"] > 0}


def test_one_security_filed_under_two_titles_is_one_position(db_file):
    """The SEC's sample files CUSIP 02079K107 as "COM" and as "CAP STK CL C"."""
    rc, out = cli(db_file, "import-13f", str(SEC / "information_table.xml"), *LONE)
    assert rc == 0, out
    h = _json(db_file, "holdings", "--portfolio", "4242")
    rows = [p for p in h["positions"] if p["cusip"] == "02079K107"]
    assert len(rows) == 1
    (p,) = rows
    assert p["value"] == 7_454_547_777 + 1_876 and p["shares"] == 79_296 + 1_403
    # The largest row labels it as filed; every title stays in the detail. The name shown
    # is the security master's for the CUSIP, as the Companies page lists it (issue 23).
    assert p["title_of_class"] == "COM" and p["issuer_as_filed"] == "AT&T INC"
    assert p["issuer"] == "ALPHABET INC"
    assert p["titles"] == ["COM", "CAP STK CL C"]


def _row(title, shares, value, share_type="SH", put_call=None, issuer="X"):
    return RowInDollars("21873S108", issuer, title, share_type, put_call, shares, value)


def test_the_key_is_cusip_share_type_and_put_call():
    from core.domain.positions import ReportRows

    rows = [_row("COMMON STOCK", 10, 100), _row("COM", 30, 300, issuer="Y"),
            _row("COM", 5, 50, share_type="PRN"), _row("COM", 2, 20, put_call="CALL")]
    import datetime as dt

    rep = ReportRows("a", "13F-HR", None, dt.date(2025, 8, 14), rows)
    h = aggregate("P", dt.date(2025, 6, 30), [rep], {})
    got = {p.key: (p.shares, p.value, p.title_of_class, p.titles, p.issuer) for p in h.positions}
    assert got == {
        ("21873S108", "SH", None): (40, 400, "COM", ("COM", "COMMON STOCK"), "Y"),
        ("21873S108", "PRN", None): (5, 50, "COM", ("COM",), "X"),
        ("21873S108", "SH", "CALL"): (2, 20, "COM", ("COM",), "X"),
    }
    assert h.total_value == 450 and h.options_value == 20


def test_an_unknown_share_type_is_shares_and_shown_as_unknown():
    """The bundled data kept no SH/PRN for NVIDIA's older filings and "SH" for the newer:
    CoreWeave stays one position across them."""
    import datetime as dt

    from core.domain.analytics import changes
    from core.domain.positions import ReportRows

    def report(period, share_type):
        rows = [_row("COM CL A", 24_277_573, 3_958_701_053, share_type=share_type)]
        return aggregate("P", period, [ReportRows(str(period), "13F-HR", None, period, rows)],
                         {"21873S108": "CRWV"})  # fmt: skip

    before, after = report(dt.date(2025, 12, 31), None), report(dt.date(2026, 3, 31), "SH")
    assert before.positions[0].share_type is None  # not invented for display
    assert before.positions[0].key == after.positions[0].key == ("21873S108", "SH", None)
    (c,) = changes(before, after, {})
    assert c.status == "UNCHANGED"


def test_the_bundled_book_keeps_each_security_one_position(db_file):
    """Across NVIDIA's shipped filings a security is never both SOLD OUT and NEW."""
    periods = [f["period"] for f in _json(db_file, "filings")]
    for period in periods:
        c = _json(db_file, "changes", "--period", period)
        keys = [(x["cusip"], x["put_call"]) for x in c["changes"]]
        assert len(keys) == len(set(keys)), (period, c["changes"])
