"""Snapshots: lossless JSON with a schema, CSV, XLSX; atomic writes; show, diff, refusals."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest

from core.cli import main
from core.services import exporters
from core.services.price_import import import_csv
from core.services.queries import InvalidRequestError
from core.services.snapshots import SnapshotError, diff, dumps, load, schema, validate
from core.storage.database import HEAD_REVISION
from tests.conftest import DATA, cli


@pytest.fixture
def snap_ctx(ctx):
    import_csv(ctx.db, DATA / "prices" / "CRWV_head.csv", "CRWV")
    return ctx


def build(ctx, as_of=dt.date(2025, 5, 20)):
    return ctx.snapshots.build([ctx.queries.portfolio()], as_of, live=False)


def test_snapshot_content_as_of_a_date(snap_ctx):
    s = build(snap_ctx)
    assert (s["kind"], s["schema_version"], s["as_of"]) == ("stakewatch-snapshot", 3,
                                                            "2025-05-20")  # fmt: skip
    assert s["database_schema"] == HEAD_REVISION
    [book] = s["portfolios"]
    assert book["report"] == {"period": "2025-03-31", "filed": "2025-05-15",
                              "accessions": ["0001045810-25-000102"]}  # fmt: skip
    assert book["previous_period"] == "2024-12-31"
    crwv = next(p for p in book["positions"] if p["ticker"] == "CRWV")
    close = next(float(line.split(",")[4]) for line in
                 (DATA / "prices" / "CRWV_head.csv").read_text().splitlines()
                 if line.startswith("2025-05-20"))  # fmt: skip
    assert crwv["price"] == close and crwv["price_source"] == "cache"
    assert crwv["price_time"] == "2025-05-20" and "close of 2025-05-20" in crwv["price_detail"]
    assert crwv["value"] == pytest.approx(24_182_460 * close, abs=0.01)
    arm = next(p for p in book["positions"] if p["ticker"] == "ARM")
    assert not arm["priced"] and arm["value"] == 117_602_381  # no ARM price: as reported
    assert abs(sum(p["weight"] for p in book["positions"]) - 1) < 1e-9
    assert book["total_value_reported"] == 1_147_142_107
    assert [f["accession"] for f in book["filings"]] == ["0001045810-25-000102"]
    assert {c["status"]: c["ticker"] for c in book["changes"] if c["status"] != "UNCHANGED"} == {
        "NEW": "CRWV"}
    assert s["prices"] == [{"ticker": "CRWV", "price": close, "time": "2025-05-20",
                            "source": "cache", "detail": crwv["price_detail"]}]  # fmt: skip


def test_json_round_trip_is_identical(snap_ctx, tmp_path):
    first = tmp_path / "a.json"
    exporters.write_json(build(snap_ctx), first)
    again = tmp_path / "b.json"
    exporters.write_json(load(first), again)
    assert again.read_bytes() == first.read_bytes()


def test_every_export_validates_against_the_shipped_schema(snap_ctx):
    import jsonschema

    for as_of in (dt.date(2024, 1, 2), dt.date(2025, 5, 20), None):
        s = snap_ctx.snapshots.build(snap_ctx.queries.portfolios(), as_of, live=False)
        jsonschema.validate(s, schema())  # the real validator
        assert validate(s) == []  # and the built-in one agrees


def test_csv_and_xlsx(snap_ctx, tmp_path):
    import csv

    from openpyxl import load_workbook

    s = build(snap_ctx)
    exporters.write_csv(s, tmp_path / "p.csv")
    rows = list(csv.DictReader((tmp_path / "p.csv").open()))
    assert rows[0]["ticker"] == "CRWV" and len(rows) == 6
    assert rows[0]["value_reported"] == "896685617"
    histories = {"NVIDIA Corp": snap_ctx.snapshots.history(snap_ctx.queries.portfolio(),
                                                           dt.date(2025, 5, 20))}  # fmt: skip
    exporters.write_xlsx(s, histories, tmp_path / "s.xlsx")
    wb = load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames == ["Positions", "History", "Changes", "Returns", "About"]
    pos = wb["Positions"]
    header = [c.value for c in pos[1]]
    assert header[:4] == ["Portfolio", "Period of report", "CUSIP", "Ticker"]  # for people
    reported = pos.cell(2, header.index("Reported value") + 1)
    assert reported.value == 896_685_617 and reported.number_format == '"$"#,##0'
    assert pos.cell(2, header.index("Weight") + 1).number_format == "0.00%"
    assert pos.freeze_panes == "A2" and pos.column_dimensions["E"].width >= len("COREWEAVE INC")
    hist = wb["History"]
    first = [c.value for c in hist[2]]
    assert first[0] == "NVIDIA Corp" and first[1].date() == dt.date(2023, 12, 31)
    assert first[2] == 230_419_085 and first[7] is True
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["as_of"] == "2025-05-20"
    assert "0001045810-25-000102" in about["filing of NVIDIA Corp"]


def test_an_interrupted_write_leaves_no_file(snap_ctx, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "s.json"

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("core.services.snapshots.dumps", boom)
    monkeypatch.setattr("core.services.exporters.dumps", boom)
    # One clear error (the CLI's `error:` line), never a raw OSError.
    with pytest.raises(InvalidRequestError, match=r"disk full.*nothing written"):
        exporters.write_json(build(snap_ctx), target)
    assert list(folder.iterdir()) == []  # neither the file nor a temporary part


def test_existing_files_need_force(snap_ctx, tmp_path):
    target = tmp_path / "s.json"
    target.write_text("keep me")
    rc, _ = cli(snap_ctx.db.path, "export", "--offline", "--format", "json", "--out",
                str(target))  # fmt: skip
    assert rc == 2 and target.read_text() == "keep me"
    rc, _ = cli(snap_ctx.db.path, "export", "--offline", "--format", "json", "--force",
                "--out", str(target))  # fmt: skip
    assert rc == 0 and load(target)["kind"] == "stakewatch-snapshot"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not a JSON snapshot"),
        ('{"kind": "other"}', "is not a Stakewatch snapshot"),
        ('{"kind": "stakewatch-snapshot", "schema_version": 4}', "schema version 4"),
        ('{"kind": "stakewatch-snapshot", "schema_version": 1}', "lacks created_at"),
    ],
)
def test_malformed_and_future_files_are_refused(tmp_path, db_file, capsys, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(SnapshotError, match=message):
        load(bad)
    rc = main(["--db", str(db_file), "snapshot", "show", str(bad)], out=io.StringIO())
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and message in err


def test_a_wrong_type_deep_inside_is_refused(snap_ctx, tmp_path):
    s = build(snap_ctx)
    s["portfolios"][0]["positions"][0]["shares"] = "many"
    (tmp_path / "x.json").write_text(dumps(s))
    with pytest.raises(SnapshotError, match=r"positions\[0\]\.shares should be integer"):
        load(tmp_path / "x.json")


def hand_made(positions, total, top1):
    return {"created_at": "2026-01-01T00:00:00+00:00", "as_of": "2026-01-01", "portfolios": [{
        "name": "Book", "report": {"period": "2025-12-31"}, "total_value": total,
        "concentration": {"top1_weight": top1, "top5_weight": 1.0, "hhi": top1,
                          "effective_n": 1 / top1},
        "positions": [{"cusip": c, "ticker": t, "put_call": None, "shares": s, "value": v,
                       "weight": v / total} for c, t, s, v in positions],
    }]}  # fmt: skip


def test_diff_of_hand_made_snapshots():
    a = hand_made([("A", "AAA", 10, 600.0), ("B", "BBB", 5, 400.0)], 1000.0, 0.6)
    b = hand_made([("A", "AAA", 12, 900.0), ("C", "CCC", 1, 100.0)], 1000.0, 0.9)
    d = diff(a, b)
    [book] = d["portfolios"]
    by = {p["ticker"]: p for p in book["positions"]}
    assert (by["AAA"]["status"], by["AAA"]["shares_before"], by["AAA"]["shares_after"]) == (
        "CHANGED", 10, 12)
    assert by["BBB"]["status"] == "REMOVED" and by["BBB"]["value_after"] == 0
    assert by["CCC"]["status"] == "ADDED" and by["CCC"]["value_before"] == 0
    assert book["concentration_change"]["top1_weight"] == pytest.approx(0.3)
    same = diff(a, copy.deepcopy(a))["portfolios"][0]
    assert same["positions"] == [] and same["concentration_change"]["hhi"] == 0


def test_cli_show_and_diff(snap_ctx, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert cli(snap_ctx.db.path, "export", "--offline", "--as-of", "2025-05-20", "--format",
               "json", "--out", str(a))[0] == 0  # fmt: skip
    assert cli(snap_ctx.db.path, "export", "--offline", "--as-of", "2025-07-01", "--format",
               "json", "--out", str(b))[0] == 0  # fmt: skip
    rc, out = cli(snap_ctx.db.path, "snapshot", "show", str(a))
    assert rc == 0 and "report for 2025-03-31" in out and "CRWV" in out
    rc, out = cli(snap_ctx.db.path, "snapshot", "diff", str(a), str(b), "--json")
    d = json.loads(out)
    crwv = next(p for p in d["portfolios"][0]["positions"] if p["ticker"] == "CRWV")
    assert (crwv["shares_before"], crwv["shares_after"]) == (24_182_460, 24_277_573)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "json", "--out", "x.csv"], "ends in .csv"),
        (["--format", "json", "--out", "/no/such/dir/x.json"], "does not exist"),
        (["--format", "json", "--as-of", "2099-01-01", "--out", "y.json"], "in the future"),
        (["--format", "json", "--as-of", "2020-01-01", "--out", "z.json"], "no report on or"),
        (["--format", "doc", "--out", "x.doc"], "invalid choice"),
    ],
)
def test_export_bad_input(snap_ctx, tmp_path, capsys, monkeypatch, argv, message):
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    rc, _ = cli(snap_ctx.db.path, "export", "--offline", *argv)
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and message in err, err
    assert not list(folder.iterdir())


@pytest.mark.parametrize("version", [1, 2])
def test_older_versions_still_open(snap_ctx, tmp_path, version):
    """Written before cost and gain (1), or returns and transactions (2) were added: read
    as it is, nothing newer required of it."""
    old = build(snap_ctx)
    old["schema_version"] = version
    for book in old["portfolios"]:
        book.pop("returns", None)
        book.pop("transactions", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    assert load(path)["schema_version"] == version


def test_a_snapshot_carries_returns_and_an_own_books_transactions(snap_ctx, tmp_path):
    from core.domain.own import TxInput

    own = snap_ctx.own
    own.create("Mine")
    own.add_tx("Mine", TxInput("buy", "CRWV", "2025-04-01", shares="100", price="40", fees="1"))
    own.add_tx("Mine", TxInput("sell", "CRWV", "2025-05-01", shares="40", price="50"))
    own.add_tx("Mine", TxInput("dividend", "CRWV", "2025-05-02", amount="7.5"))
    snap = snap_ctx.snapshots.build([snap_ctx.queries.portfolio("Mine"),
                                     snap_ctx.queries.portfolio()], None, live=False)
    assert not validate(snap)
    mine, nvidia = snap["portfolios"]
    assert [t["type"] for t in mine["transactions"]] == ["buy", "sell", "dividend"]
    assert mine["transactions"][0]["fees"] == "1" and "transactions" not in nvidia
    # 40 sold at 50 against 40 x (4,001 / 100): the realised gain, and the dividend.
    assert mine["pnl"]["realised_gain"] == pytest.approx(2000 - 1600.4)
    assert mine["pnl"]["dividends"] == 7.5
    perf = snap_ctx.performance.run(snap_ctx.queries.portfolio("Mine"))
    assert mine["returns"] == perf.as_json() and nvidia["returns"]["kind"] == "filer"
    exporters.write_xlsx(snap, {}, tmp_path / "s.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "s.xlsx")
    tx = list(wb["Transactions"].values)
    assert tx[0][:4] == ("Portfolio", "Date", "Type", "Ticker") and len(tx) == 4
    assert tx[1][5] == 100 and tx[1][7] == 1  # shares and fees as numbers
    returns = {r[0]: r for r in list(wb["Returns"].values)[1:]}
    assert set(returns) == {"Mine", "NVIDIA Corp"}
    assert perf.twr is not None and returns["Mine"][3] == pytest.approx(perf.twr)


def test_an_own_snapshot_carries_cost_and_gain_like_pnl(snap_ctx, tmp_path):
    from core.domain.own import HoldingInput
    from core.services.own import pnl_totals

    own = snap_ctx.own
    own.create("Mine")
    own.add("Mine", HoldingInput("CRWV", "100", "2025-04-01", cost="40"))
    own.add("Mine", HoldingInput("NVDA", "3", "2025-04-01"))
    snap = snap_ctx.snapshots.build([snap_ctx.queries.portfolio("Mine")], None, live=False)
    assert not validate(snap)
    [book] = snap["portfolios"]
    by = {p["ticker"]: p for p in book["positions"]}
    rows = {r.ticker: r for r in own.pnl("Mine").lines}
    assert by["CRWV"]["cost"] == rows["CRWV"].cost == 4000.0
    assert by["CRWV"]["gain"] == pytest.approx(rows["CRWV"].pnl)
    assert by["NVDA"]["cost"] is None and by["NVDA"]["gain"] is None
    totals = pnl_totals(list(rows.values()))
    assert book["pnl"]["cost"] == totals.cost and book["pnl"]["no_cost"] == 1
    assert book["pnl"]["gain"] == pytest.approx(totals.pnl)
    exporters.write_csv(snap, tmp_path / "mine.csv")
    header, *lines = (tmp_path / "mine.csv").read_text().splitlines()
    assert header.endswith("cost_per_share,cost,gain,gain_pct")
    assert any(line.startswith("Mine,") and ",40.0,4000.0," in line for line in lines)


def test_a_pdf_is_refused_in_plain_words(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\xff\xfe\x00binary")
    with pytest.raises(SnapshotError) as info:
        load(pdf)
    message = str(info.value)
    assert "looks like a PDF report" in message and "codec" not in message
