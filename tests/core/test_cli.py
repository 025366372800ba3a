"""The headless command line: output, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from tests.conftest import F13, cli

REPO_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL



def test_init_is_idempotent(db_url):
    rc, out = cli(db_url, "init")
    assert rc == 0 and "seeded: 17 companies, 11 filings, 63 rows" in out
    rc, out = cli(db_url, "init")
    assert rc == 0 and "up to date" in out


def test_holdings_json_shape(db_url):
    rc, out = cli(db_url, "holdings", "--period", "2025-06-30", "--json")
    assert rc == 0
    data = json.loads(out)
    assert data["portfolio"] == "NVIDIA Corp"
    assert data["period"] == "2025-06-30"
    assert data["accessions"] == ["0001045810-25-000199"]
    assert data["total_value"] == 4_333_080_800
    first = data["positions"][0]
    assert set(first) >= {"cusip", "ticker", "issuer", "title_of_class", "share_type",
                          "put_call", "shares", "value", "weight"}  # fmt: skip
    assert (first["ticker"], first["shares"], first["value"]) == ("CRWV", 24_277_573,
                                                                  3_958_701_053)  # fmt: skip
    assert round(first["weight"], 4) == 0.9136
    values = [p["value"] for p in data["positions"]]
    assert values == sorted(values, reverse=True)
    assert abs(sum(p["weight"] for p in data["positions"]) - 1) < 1e-9


def test_holdings_table_is_aligned_with_separators(db_url):
    rc, out = cli(db_url, "holdings", "--portfolio", "1045810", "--period", "2025-06-30")
    assert rc == 0
    lines = out.splitlines()
    assert "$4,333,080,800" in lines[0]
    crwv = next(line for line in lines if line.startswith("CRWV"))
    assert "24,277,573" in crwv and "$3,958,701,053" in crwv and "91.36%" in crwv
    header, rule = lines[1], lines[2]
    assert len(header) <= len(rule)
    assert header.index("weight") + len("weight") == len(header)  # right-aligned column


def test_latest_period_is_the_default(db_url):
    rc, out = cli(db_url, "holdings", "--json")
    assert rc == 0 and json.loads(out)["period"] == "2026-06-30"


def test_filings_and_portfolios(db_url):
    rc, out = cli(db_url, "filings", "--json")
    data = json.loads(out)
    assert rc == 0 and len(data) == 11
    assert data[6]["accession"] == "0001045810-25-000199"
    assert data[6]["rows_value"] == 4_333_080_800
    rc, out = cli(db_url, "filings")
    assert "0001045810-26-000065" in out and "($63,439,974,569)" in out
    rc, out = cli(db_url, "portfolios", "--json")
    assert json.loads(out) == [{"name": "NVIDIA Corp", "kind": "filer", "cik": "0001045810",
                                "reports": 11, "filings": 11,
                                "latest_period": "2026-06-30",
                                # followed from the first start; never synced yet
                                "followed": True, "last_synced": None}]  # fmt: skip


def test_import_prints_the_summary(db_url):
    rc, out = cli(db_url, "import-13f", str(F13 / "0001894188-23-000007.txt"), "--offline")
    assert rc == 0
    assert "LTS One Management LP (CIK 0001894188)" in out
    assert "rows:       14" in out and "$454,926,000" in out
    # Every CUSIP named with no network, from the bundled CUSIP map (issue 20: it was 0 of 14).
    assert "map:        14 new CUSIP(s) named from the CUSIP map" in out
    assert "unmapped:" not in out
    rc, out = cli(db_url, "import-13f", str(F13 / "0001894188-23-000007.txt"), "--offline")
    assert rc == 0 and "already imported; nothing changed" in out
    rc, out = cli(db_url, "holdings", "--portfolio", "LTS One Management LP", "--json")
    assert json.loads(out)["total_value"] == 454_926_000


def test_lone_table_through_the_cli(db_url):
    rc, out = cli(db_url, "import-13f", str(F13 / "infotable_255_rows.xml"), "--cik", "42",
                  "--name", "Answer Capital", "--period", "2024-03-31", "--filed", "2024-05-10",
                  "--offline")
    assert rc == 0 and "rows:       255" in out and "$350,153,407" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["holdings", "--period", "2025-13-01"], "is not a date"),
        (["holdings", "--period", "2021-03-31"], "has no report for 2021-03-31"),
        (["holdings", "--portfolio", "Nobody"], "no portfolio 'Nobody'"),
        (["import-13f", "missing.txt"], "no such file"),
        (["import-13f", str(F13 / "infotable_255_rows.xml")], "give --cik, --period, --filed"),
        (["import-13f", str(F13 / "Sample_13F-NT.xml")], "13F-NT notice"),
        (["frobnicate"], "invalid choice"),
        (["holdings", "--bogus"], "unrecognized arguments"),
        ([], "no command given"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(db_url, capsys, argv, message):
    rc = main(["--db", str(db_url), *argv], out=io.StringIO())
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err


def test_a_bad_file_among_good_ones_fails_alone(db_url, capsys):
    rc, out = cli(db_url, "import-13f", str(F13 / "Sample_13F-NT.xml"),
                  str(F13 / "0001951757-25-000093.nc"), "--offline")  # fmt: skip
    assert rc == 2
    assert "ACORN CREEK CAPITAL LLC" in out
    assert capsys.readouterr().err.count("error:") == 1


def run_entry(*argv, env_extra=None):
    code = ("import sys; from gui.__main__ import main; rc = main(sys.argv[1:]); "
            "assert 'PySide6' not in sys.modules and 'pyqtgraph' not in sys.modules, "
            "'Qt was imported'; sys.exit(rc)")  # fmt: skip
    return subprocess.run([sys.executable, "-c", code, *argv], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_the_entry_point_runs_commands_without_qt(db_url):
    proc = run_entry("--db", str(db_url), "holdings", "--period", "2025-06-30")
    assert proc.returncode == 0, proc.stderr
    assert "CRWV" in proc.stdout
    proc = run_entry("--db", str(db_url), "holdings", "--period", "nope")
    assert proc.returncode == 2 and proc.stderr.startswith("error:")


def test_every_command_has_help():
    from core.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description, name
        assert p.format_help().startswith("usage: stakewatch " + name)
