"""A throwaway PostgreSQL server for the book tests: ``initdb`` in a temporary folder, run as an
unprivileged user on 127.0.0.1 and a free port, stopped and deleted at the end of the session."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: the unprivileged OS user that owns and runs the test cluster when the tests run as root
PG_USER = "tailkit-pg"


def pg_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest Debian version first), or ``None``."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True
    )
    if found:
        return Path(found[0]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running test cluster; :meth:`url` names a database on it."""

    bindir: Path
    root: Path
    port: int
    user: str | None

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        full = [*(["runuser", "-u", self.user, "--"] if self.user else []), *cmd]
        return subprocess.run(full, check=True, capture_output=True, text=True, timeout=120)

    def url(self, dbname: str = "postgres") -> str:
        """``postgresql://postgres@127.0.0.1:PORT/dbname``."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) on the ``postgres`` database."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def stop(self, mode: str = "fast") -> None:
        """Stop the server."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", mode, "-w", "stop")

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-o", opts, "-l",
            str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip


def start_server() -> PgServer:
    """Create and start a cluster (as :data:`PG_USER` when running as root)."""
    bindir = pg_bindir()
    if bindir is None:
        raise FileNotFoundError("initdb")
    user: str | None = None
    root = Path(tempfile.mkdtemp(prefix="tailkit-pg-"))
    if os.geteuid() == 0:
        user = PG_USER
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", user], check=True, capture_output=True)
        shutil.chown(root, user=user)
    server = PgServer(bindir, root, _free_port(), user)
    server._run(
        str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-A", "trust", "--no-sync"
    )
    server.start()
    return server


def remove_server(server: PgServer) -> None:
    """Stop the server and delete its folder."""
    try:
        server.stop("immediate")
    finally:
        shutil.rmtree(server.root, ignore_errors=True)
