"""The layering ARCHITECTURE.md promises, written as sentences and checked on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(package: str) -> dict[str, set[str]]:
    """Top-level module names each file under `package` imports (absolute imports)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, banned: tuple[str, ...], allowed_under: str | None = None):
    out = []
    for file, names in imports_of(package).items():
        if allowed_under and file.startswith(allowed_under):
            continue
        for name in names:
            if name == banned or name.split(".")[0] in banned or any(
                name.startswith(b + ".") or name == b for b in banned
            ):
                out.append(f"{file}: {name}")
    return sorted(out)


def test_core_never_imports_qt_pyqtgraph_or_gui():
    assert offenders("core", ("PySide6", "pyqtgraph", "shiboken6", "gui")) == []


def test_only_core_storage_imports_sqlalchemy_or_alembic():
    assert offenders("core", ("sqlalchemy", "alembic"), allowed_under="core/storage/") == []


def test_backend_specific_code_stays_in_core_storage():
    """PostgreSQL's and SQLite's drivers are known to core/storage alone (backend-neutral)."""
    assert offenders("core", ("psycopg", "sqlite3"), allowed_under="core/storage/") == []
    assert offenders("gui", ("psycopg", "sqlite3")) == []


def test_gui_reaches_neither_storage_nor_the_network_nor_parsers():
    banned = ("sqlalchemy", "alembic", "yfinance", "pandas", "lxml", "core.storage",
              "core.filings")  # fmt: skip
    assert offenders("gui", banned) == []


def gui_import_graph() -> dict[str, set[str]]:
    """gui module -> the gui modules it imports anywhere (lazy imports in functions too)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "gui").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found = set()
        tree = ast.parse(path.read_text(), str(path))
        # Imports for type hints count too: a collaborator typed as MainWindow is tied to it.
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("gui."))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "gui":
                    found.update(f"gui.{a.name}" for a in node.names)
                elif node.module.startswith("gui."):
                    found.add(node.module)
        graph[module] = found - {module}
    return graph


def test_the_gui_has_no_import_circle():
    """e.g. app -> main_window -> snapshot_actions -> export -> app: export is handed the
    application it needs instead of importing the module that builds it. Type hints count:
    the window's collaborators take the narrow Protocol they use (gui/shell.py), never the
    MainWindow type."""
    graph = gui_import_graph()
    circles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                circles.append(" -> ".join([*path, nxt]))
            elif nxt not in path and len(path) < 12:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert circles == []


def test_only_the_yahoo_provider_imports_yfinance_or_pandas():
    assert offenders("core", ("yfinance", "pandas"), allowed_under="core/prices/yahoo.py") == [
        "core/prices/stream.py: yfinance"]  # the live stream, below


def test_only_the_yahoo_provider_and_the_stream_import_yfinance():
    """The stream is yfinance's WebSocket; it needs neither pandas nor anything else."""
    allowed = ("core/prices/yahoo.py", "core/prices/stream.py")
    found = [o for o in offenders("core", ("yfinance",)) if not o.startswith(allowed)]
    assert found == []
    assert [o for o in offenders("core", ("pandas",)) if not o.startswith(allowed[0])] == []


def test_only_core_edgar_and_openfigi_open_network_connections():
    """SEC hosts are reached only through core/edgar (one rate limiter, the declared
    User-Agent); OpenFIGI only through core/openfigi.py, which borrows that HTTP layer."""
    banned = ("urllib.request", "http.client", "requests", "httpx", "urllib3")
    found = [o for o in offenders("core", banned, allowed_under="core/edgar/")
             if not o.startswith("core/openfigi.py")]  # fmt: skip
    assert found == []


BLOCK_QT = """
import importlib, pkgutil, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'gui'):
            raise ImportError('blocked: ' + name)

sys.meta_path.insert(0, Block())
import core
for m in pkgutil.walk_packages(core.__path__, 'core.'):
    if '.migrations' not in m.name:  # Alembic runs those itself
        importlib.import_module(m.name)
from core.cli import main
sys.exit(main(['--db', sys.argv[1], 'holdings', '--period', '2025-06-30']))
"""


def test_core_runs_with_qt_absent(tmp_path):
    proc = subprocess.run([sys.executable, "-c", BLOCK_QT, str(tmp_path / "db.sqlite3")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "$4,333,080,800" in proc.stdout
