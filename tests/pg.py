"""A throwaway PostgreSQL cluster for the test session, from the server binaries on the
machine (Debian: /usr/lib/postgresql/N/bin), on a Unix socket in a temporary folder and a
random port. As root, the server runs as the `postgres` user (it refuses to run as root)."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SKIP_REASON = ("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb) or "
               "psycopg missing: the PostgreSQL half of the tests is skipped "
               "(apt-get install postgresql; pip install -e '.[dev]')")  # fmt: skip


def server_bin() -> Path | None:
    """The newest PostgreSQL server's bin folder, if the server is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent
                   .name.isdigit() else 0)  # fmt: skip
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def psycopg_available() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb + pg_ctl start; `url(name)` for a database created with `create()`."""

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        self.bin = bin_dir
        self.durable = durable  # True: the server's defaults (fsync on), for benchmarks
        self.root = Path(tempfile.mkdtemp(prefix="stakewatch-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.port = _free_port()
        self.names = itertools.count(1)
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres"

    def _run(self, *argv: str) -> None:
        cmd = [str(self.bin / argv[0]), *argv[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True)
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            for p in (self.root, self.socket_dir):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust",
                  "-E", "UTF8", "--no-sync")  # fmt: skip
        opts = f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c max_connections=200"
        if not self.durable:  # test speed over durability: this cluster lives for one session
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, name: str, user: str | None = None, password: str | None = None) -> str:
        who = user or self.user
        if password:
            who += f":{password}"
        return (f"postgresql+psycopg://{who}@/{name}?host={self.socket_dir}"
                f"&port={self.port}")  # fmt: skip

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user,
                             dbname=database, autocommit=True) as conn:  # fmt: skip
            conn.execute(sql)

    def create(self, prefix: str = "t", template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self.names)}"
        extra = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name}{extra}")
        return name

    def drop(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
