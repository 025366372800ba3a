"""A read-only SQLite file or folder: every read works, every write is one `error:` line
(exit 2), and the file is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from core.context import AppContext
from tests import read_only_mount

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not read_only_mount.available(),
                                reason="needs unshare -m to mount read-only")  # fmt: skip


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def stakewatch(db: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "gui", "--db", str(db), *argv]


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_database_reads_and_refuses_writes_in_one_line(tmp_path, what):
    folder = tmp_path / "data"
    db = folder / "stakewatch.sqlite3"
    AppContext.open(str(db)).close()
    before = fingerprint(folder)
    target = folder if what == "folder" else db
    listed = read_only_mount.run_read_only(target, stakewatch(db, "portfolios", "--json"),
                                           cwd=ROOT)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert '"name": "NVIDIA Corp"' in listed.stdout and '"reports": 11' in listed.stdout
    held = read_only_mount.run_read_only(target, stakewatch(db, "holdings"), cwd=ROOT)
    assert held.returncode == 0 and "NVIDIA Corp, period 2026-06-30" in held.stdout
    for argv in (["portfolio", "create", "Mine"], ["settings", "offline", "true"]):
        proc = read_only_mount.run_read_only(target, stakewatch(db, *argv), cwd=ROOT)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert proc.stderr == f"error: read-only database sqlite:///{db}: this user cannot " \
                              "change it\n", proc.stderr
    if what == "folder":
        assert fingerprint(folder) == before
    else:  # SQLite may make its shared-memory index beside the file; the file is as it was
        assert fingerprint(folder)[db.name] == before[db.name]
