"""What goes out is safe: printed text escaped, spreadsheet cells never formulas, passwords
masked in every form a database URL takes, and no Qt message before an `error:` line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.cli.common import printable
from core.masking import mask_secrets, url_password
from core.paths import database_url
from core.services.cells import csv_cell, xlsx_value
from tests.builders import Row, info_table

ROOT = Path(__file__).resolve().parents[2]

# Issuer names a filer can type into XML (which cannot hold ESC, but holds the 8-bit CSI
# \x9b, NEL, bidi overrides and line breaks), and spreadsheet formulas.
HOSTILE = ["EVIL\x9b2J\x9b31mCORP", "NEL\x85INC", "RTL\u202eCOD.EXE", "TWO\nLINES",
           "=HYPERLINK(\"http://x.invalid\",\"click\")", "@SUM(1+1)", "+1+1 HOLDINGS",
           "-2+3 CORP", "TAB\tINSIDE", "PLAIN CORP"]  # fmt: skip
SEQUENCES = ("\x1b", "\x9b", "\x85", "\x07", "\u202e", "\r")


def run(db_url: str, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        rc = main(["--db", db_url, *argv], out=out)
    finally:
        sys.stderr = old
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def hostile_db(db_url: str, tmp_path: Path) -> str:
    """A filer whose issuer names are HOSTILE, and own portfolios named after them. The
    CUSIPs are unknown to the bundled security master, whose names views would show instead
    (one casing everywhere): so the filed names are the names every printer shows."""
    rows = [Row(cusip=c, issuer=name, value=1000 * (i + 1), shares=10 * (i + 1))
            for i, (c, name) in enumerate(zip(["025816109", "17275R102", "594918104",
                                               "037833100", "02079K305", "023135106",
                                               "30303M102", "88160R101", "11135F101",
                                               "46090E103"], HOSTILE, strict=True))]  # fmt: skip
    table = tmp_path / "table.xml"
    table.write_text(info_table(rows))
    rc, _, err = run(db_url, "import-13f", str(table), "--cik", "777", "--name",
                     "FILER\x9b5mBLINK", "--period", "2025-06-30", "--filed", "2025-08-14",
                     "--no-map")  # fmt: skip
    assert rc == 0, err
    assert run(db_url, "portfolio", "create", "=HYPERLINK(\"http://x.invalid\",\"y\")")[0] == 0
    # A name with control characters is refused now; one made before (an older database)
    # is still escaped wherever it is shown.
    rc, _, err = run(db_url, "portfolio", "create", "BELL\x07\x1b[2JBOOK")
    assert rc == 2 and "one line, without control characters" in err, err
    from core.context import AppContext
    from core.storage.own_store import OwnStore

    ctx = AppContext.open(db_url)
    try:
        with ctx.db.session() as s:
            OwnStore(s).create("BELL\x07\x1b[2JBOOK")
    finally:
        ctx.close()
    return db_url


@pytest.mark.parametrize("text, shown", [
    ("plain NVIDIA Corp", "plain NVIDIA Corp"),
    ("a\x1b[2Jb", "a\\x1b[2Jb"),
    ("c1\x9b31m", "c1\\x9b31m"),
    ("tab\tnl\ncr\r", "tab\\tnl\\ncr\\r"),
    ("del\x7fnul\x00", "del\\x7fnul\\x00"),
    ("bidi\u202eabc\u2066", "bidi\\u202eabc\\u2066"),
    ("line\u2028sep", "line\\u2028sep"),
    ("bad \udcff name", "bad \\udcff name"),
    ("accents é ü 中 stay", "accents é ü 中 stay"),
])  # fmt: skip
def test_printable_escapes_what_a_terminal_would_act_on(text, shown):
    assert printable(text) == shown
    assert printable(text, keep="\n") == shown.replace("\\n", "\n")


@pytest.mark.backends  # the names go through storage
@pytest.mark.parametrize("command", [
    ("holdings", "--portfolio", "777"), ("portfolios",), ("filings", "--portfolio", "777"),
    ("summary", "--portfolio", "777", "--offline"), ("changes", "--portfolio", "777"),
])  # fmt: skip
def test_every_printer_escapes_names(hostile_db, command):
    rc, out, err = run(hostile_db, *command)
    assert rc == 0, err
    for seq in SEQUENCES:
        assert seq not in out, (seq, out)
    if command[0] == "holdings":
        assert "EVIL\\x9b2J\\x9b31mCORP" in out and "TWO\\nLINES" in out
    if command[0] == "portfolios":
        assert "FILER\\x9b5mBLINK" in out and "BELL\\x07\\x1b[2JBOOK" in out


@pytest.mark.backends  # the names go through storage
def test_no_name_can_start_a_line_of_its_own(hostile_db, tmp_path):
    """A filer named with a line break (a cover page, a data set or --name can hold one) is
    stored on one line; an issuer's filed name with one is escaped where it is shown; and a
    user's portfolio name with one is refused: no output line starts with a forged text."""
    table = tmp_path / "forged.xml"
    table.write_text(info_table([Row(cusip="037833100", issuer="TWO\nerror: forged issuer",
                                     value=1000, shares=10)]))  # fmt: skip
    rc, _, err = run(hostile_db, "import-13f", str(table), "--cik", "778", "--name",
                     "NEW\nerror: forged filer", "--period", "2025-06-30", "--filed",
                     "2025-08-14", "--no-map")  # fmt: skip
    assert rc == 0, err
    rc, _, err = run(hostile_db, "portfolio", "create", "MINE\nerror: forged book")
    assert rc == 2 and err.count("\n") == 1, err
    outputs = []
    for command in (("portfolios",), ("holdings", "--portfolio", "778"),
                    ("filings", "--portfolio", "778"), ("changes", "--portfolio", "778"),
                    ("summary", "--portfolio", "778", "--offline"),
                    ("companies", "show", "037833100"), ("holders", "037833100")):  # fmt: skip
        rc, out, err = run(hostile_db, *command)
        assert rc == 0, (command, err)
        outputs.append(out + err)
    assert "NEW error: forged filer" in outputs[0]  # one line, as the filer is named now
    assert "TWO\\nerror: forged issuer" in outputs[5]  # as filed, escaped
    lines = [line for text in outputs for line in text.splitlines()]
    assert not [line for line in lines if line.lstrip().startswith("error: forged")]


@pytest.mark.backends  # the names go through storage
def test_snapshot_show_escapes_a_hostile_file(hostile_db, tmp_path):
    snap = tmp_path / "snap.json"
    assert run(hostile_db, "export", "--portfolio", "777", "--format", "json", "--out",
               str(snap), "--offline")[0] == 0  # fmt: skip
    rc, out, err = run(hostile_db, "snapshot", "show", str(snap))
    assert rc == 0, err
    assert not any(seq in out for seq in SEQUENCES) and "FILER\\x9b5mBLINK" in out


@pytest.mark.backends  # the names go through storage
def test_an_error_line_is_one_escaped_line(hostile_db, tmp_path):
    bad = tmp_path / "evil\x1b[2J\nerror: forged line.json"
    rc, _, err = run(hostile_db, "snapshot", "show", str(bad))
    assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "\x1b" not in err and "evil\\x1b[2J\\nerror: forged line.json" in err


@pytest.mark.backends  # the names go through storage
def test_csv_export_neutralises_formulas_and_keeps_numbers(hostile_db, tmp_path):
    out = tmp_path / "positions.csv"
    assert run(hostile_db, "export", "--portfolio", "777", "--format", "csv", "--out",
               str(out), "--offline")[0] == 0  # fmt: skip
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    issuers = {r["issuer"] for r in rows}
    for name in HOSTILE:
        if name.startswith(("=", "+", "-", "@", "\t")):
            assert "'" + name in issuers, (name, issuers)
        else:
            assert name in issuers
    assert sorted(int(r["value_reported"]) for r in rows) == [1000 * i for i in range(1, 11)]
    shares = [r["shares"] for r in rows]
    assert all(s.isdigit() for s in shares), shares  # numbers stay numbers


@pytest.mark.backends  # the names go through storage
def test_xlsx_export_writes_text_cells_never_formulas(hostile_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "book.xlsx"
    rc, _, err = run(hostile_db, "export", "--all", "--format", "xlsx", "--out", str(out),
                     "--offline")  # fmt: skip
    assert rc == 0, err
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert "=HYPERLINK(\"http://x.invalid\",\"click\")" in texts  # as typed, shown as text
    assert "EVIL\x9b2J\x9b31mCORP" in texts  # as filed: a spreadsheet shows, never runs
    ws = wb["Positions"]
    header = [c.value for c in ws[1]]
    col = header.index("Reported value")
    assert all(isinstance(r[col].value, int) for r in ws.iter_rows(min_row=2))


@pytest.mark.backends  # the note goes through storage
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_own_books_note_and_name_are_text_in_exports(hostile_db, tmp_path, fmt):
    """A user's note '@SUM(1+1)' on a buy in the book named =HYPERLINK(...): text in the
    workbook's Transactions sheet and in the CSV, never a formula."""
    book = "=HYPERLINK(\"http://x.invalid\",\"y\")"
    rc, _, err = run(hostile_db, "tx", "add", "--portfolio", book, "--type", "buy", "--ticker",
                     "NVDA", "--date", "2025-07-01", "--shares", "3", "--price", "100",
                     "--note", "@SUM(1+1)", "--offline")  # fmt: skip
    assert rc == 0, err
    out = tmp_path / f"book.{fmt}"
    rc, _, err = run(hostile_db, "export", "--portfolio", book, "--format", fmt, "--out",
                     str(out), "--offline")  # fmt: skip
    assert rc == 0, err
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(out)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        notes = [c for row in wb["Transactions"].iter_rows() for c in row
                 if c.value == "@SUM(1+1)"]  # fmt: skip
        assert notes and all(c.data_type == "s" for c in notes)
        assert book in {c.value for c in cells if c.data_type == "s"}
    else:
        text = out.read_text(encoding="utf-8")
        assert "'" + book.replace('"', '""') in text or "'" + book in text
        assert "\n=" not in text and not text.startswith("=")


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+A1", "'+A1"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("NVIDIA", "NVIDIA"), ("a=b", "a=b"),
    ("-12.50", "-12.50"), ("+3", "+3"), ("-1e-05", "-1e-05"), ("-1,234.5", "-1,234.5"),
    (-5, -5), (2.5, 2.5), ("", ""),
])  # fmt: skip
def test_csv_cells(value, written):
    assert csv_cell(value) == written


def test_xlsx_values_hold_only_what_xml_can():
    assert xlsx_value("BELL\x07\x1b[2J") == "BELL\\x07\\x1b[2J"
    assert xlsx_value("tab\tnl\n") == "tab\tnl\n" and xlsx_value(5) == 5


def test_history_and_prices_csv_are_neutralised(tmp_path):
    db = tmp_path / "p.sqlite3"
    prices = tmp_path / "p.csv"
    prices.write_text("date,open,high,low,close,volume,source\n"
                      "2025-01-02,1,1,1,1,100,=cmd|' /C calc'!A0\n")
    assert main(["--db", str(db), "prices", "import", str(prices), "--ticker", "NVDA"],
                out=io.StringIO()) == 0  # fmt: skip
    out = io.StringIO()
    main(["--db", str(db), "prices", "show", "NVDA", "--csv"], out=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) == 2, rows
    assert not rows[1][-1].startswith(("=", "+", "@")), rows


# -- passwords ------------------------------------------------------------------------------
SECRET = "Sup3rS3cret"
FORMS = [  # (what is typed or printed, what may be shown)
    (f"postgresql+psycopg://owner:{SECRET}@db.example/stake",
     "postgresql+psycopg://owner:***@db.example/stake"),
    (f"postgresql://owner:p@ss{SECRET}@db.example:5433/stake",
     "postgresql://owner:***@db.example:5433/stake"),
    (f"postgresql+psycopg://owner@db.example/stake?password={SECRET}",
     "postgresql+psycopg://owner@db.example/stake?password=***"),
    (f"postgresql+psycopg:///stake?host=db.example&user=owner&password={SECRET}&port=5",
     "postgresql+psycopg:///stake?host=db.example&user=owner&password=***&port=5"),
    (f"host=db.example user=owner password={SECRET} dbname=stake",
     "host=db.example user=owner password=*** dbname=stake"),
    (f"host=db.example password='{SECRET} with space' dbname=stake",
     "host=db.example password=*** dbname=stake"),
    (f"cannot open database postgresql://o:{SECRET}@h/d: refused",
     "cannot open database postgresql://o:***@h/d: refused"),
    (f"cannot open postgresql://o@h/d?PassWord={SECRET}: refused",
     "cannot open postgresql://o@h/d?PassWord=***: refused"),
    (f"postgresql://owner:{SECRET}/x@h/d", "postgresql://owner:***@h/d"),
    # SQLAlchemy reads a password up to its '@' whatever it holds: '#', '?', a space
    (f"postgresql://owner:pa#{SECRET}@h/d", "postgresql://owner:***@h/d"),
    (f"postgresql://owner:pa?{SECRET}@h:5/d?x=1", "postgresql://owner:***@h:5/d?x=1"),
    (f"cannot open postgresql://owner:pa {SECRET}@h/d: refused",
     "cannot open postgresql://owner:***@h/d: refused"),
    # a host:port followed later in the message by an '@' is no password
    ("postgresql://h:5432/d: no answer from me@example.com",
     "postgresql://h:5432/d: no answer from me@example.com"),
    ("sqlite:////home/me/stakewatch.sqlite3", "sqlite:////home/me/stakewatch.sqlite3"),
    ("postgresql://owner@h/d", "postgresql://owner@h/d"),
]  # fmt: skip


@pytest.mark.parametrize("text, shown", FORMS)
def test_one_masking_function_masks_every_form(text, shown):
    assert mask_secrets(text) == shown
    assert SECRET not in mask_secrets(text)


def test_a_traceback_through_the_windows_hook_is_masked(capsys):
    """The window's sys.excepthook (a slot that raised): the traceback's message holds the
    URL with its password; what reaches stderr does not."""
    from core.masking import masked_excepthook

    try:
        raise RuntimeError(f"cannot reach postgresql://owner:{SECRET}@db.example/stake")
    except RuntimeError as exc:
        masked_excepthook(type(exc), exc, exc.__traceback__)
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: cannot reach postgresql://owner:***@" in err
    assert SECRET not in err


def test_a_known_password_is_masked_wherever_a_driver_repeats_it():
    url = f"postgresql://owner:p@ss{SECRET}@h/d"
    assert url_password(url) == [f"p@ss{SECRET}"]
    said = f"failed to resolve host 'ss{SECRET}@h'"
    assert SECRET not in mask_secrets(said, *url_password(url))
    # And the URL itself is read as the user meant: the host follows the last '@'.
    assert database_url(url) == f"postgresql://owner:p%40ss{SECRET}@h/d"


@pytest.mark.parametrize("form", [
    "postgresql+psycopg://owner:{s}@127.0.0.1:{port}/db",
    "postgresql+psycopg://owner:p@ss{s}@127.0.0.1:{port}/db",
    "postgresql+psycopg://owner@127.0.0.1:{port}/db?password={s}",
    "postgresql+psycopg:///db?host=127.0.0.1&port={port}&user=owner&password={s}",
    "host=127.0.0.1 port={port} user=owner password={s}",
    "postgresql+psycopg://owner:pa#{s}@127.0.0.1:{port}/db",
    "postgresql+psycopg://owner:pa?{s}@127.0.0.1:{port}/db",
    "postgresql+psycopg://owner:pa {s}@127.0.0.1:{port}/db",
])  # fmt: skip
def test_no_command_prints_the_password(form, _refusing_port, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a keyword string must not become an SQLite file here
    url = form.format(s=SECRET, port=_refusing_port)
    rc, out, err = run(url, "portfolios")
    assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert SECRET not in err + out and "ss" + SECRET[:4] not in err, err
    assert not list(tmp_path.iterdir())


# -- Qt's messages ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["pdf", "png", "svg"])
def test_a_drawn_export_to_a_missing_folder_is_one_line_and_no_qt_message(tmp_path, fmt):
    db = tmp_path / "x.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-m", "gui", "--db", str(db), "export", "--format", fmt, "--out",
         f"/nonexistent/folder/x.{fmt}", "--offline"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == "error: folder /nonexistent/folder does not exist\n", proc.stderr


def test_json_output_stays_exact(tmp_path):
    """--json is already escaped by JSON itself: the names round-trip exactly."""
    from core.context import AppContext
    from core.storage.own_store import OwnStore

    db = tmp_path / "j.sqlite3"
    name = "BELL\x07\x1b[2JBOOK"  # refused by `portfolio create` now; an older database's
    ctx = AppContext.open(str(db))
    try:
        with ctx.db.session() as s:
            OwnStore(s).create(name)
    finally:
        ctx.close()
    out = io.StringIO()
    assert main(["--db", str(db), "portfolios", "--json"], out=out) == 0
    assert name in [p["name"] for p in json.loads(out.getvalue())]
