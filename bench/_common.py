"""What the benchmark scripts share (not a benchmark: `make bench` runs bench/[a-z]*.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compile_bytecode() -> None:
    """Compile Stakewatch's modules to bytecode first, as installing it does: with
    PYTHONDONTWRITEBYTECODE set (as on the team's machines) every run would otherwise
    compile them from source, while the baseline's libraries are read as bytecode."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "core", "gui"], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
