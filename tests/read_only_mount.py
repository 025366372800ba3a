"""Run a command with a folder or file mounted read-only (a private mount namespace):
as root every file is writable, so chmod cannot make a read-only database in tests."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


@functools.cache
def available() -> bool:
    try:
        probe = subprocess.run(["unshare", "-m", "sh", "-c", _MOUNT, "sh", "/tmp", "true"],
                               capture_output=True, timeout=30)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def run_read_only(target: Path, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """`argv` run where `target` (a folder or a file) cannot be written, by anyone."""
    return subprocess.run(["unshare", "-m", "sh", "-c", _MOUNT, "sh", str(target), *argv],
                          capture_output=True, text=True, timeout=120, **kwargs)  # fmt: skip
