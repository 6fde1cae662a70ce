"""Fault tests: real processes killed, a real PostgreSQL restarted, a full disk simulated.

``own_postgres`` starts a throwaway PostgreSQL cluster of the test's own (never the shared server at
127.0.0.1:5432, which other suites use). It skips, saying why, when no cluster can be started here;
with ``CI`` set it fails instead (as the PostgreSQL tests of the main suite do), so CI never passes
without having restarted a PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

PG_BIN = Path(os.environ.get("HETAO_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _cannot_start(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and the fault tests need their own PostgreSQL cluster: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    data: Path
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1"
        subprocess.run(
            [
                *self.as_user,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-w",
                "-l",
                str(self.data.parent / "log"),
                *args,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")


@pytest.fixture
def own_postgres():
    if not (PG_BIN / "initdb").exists():
        _cannot_start(f"no PostgreSQL server binaries in {PG_BIN} (set HETAO_PG_BIN)")
    # initdb refuses to run as root: run the cluster as the "postgres" system user then.
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _cannot_start("running as root and runuser is missing: cannot start an own PostgreSQL")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="hetao-pg-"))
    if as_user:
        shutil.chown(root, user="postgres")
    cluster = Cluster(root / "data", free_port(), as_user)
    try:
        subprocess.run(
            [*as_user, str(PG_BIN / "initdb"), "-D", str(cluster.data), "-U", "postgres", "--auth=trust"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        cluster.pg_ctl("start")
    except (subprocess.CalledProcessError, OSError, KeyError, LookupError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        _cannot_start(f"could not start an own PostgreSQL cluster: {exc}")
    try:
        yield cluster
    finally:
        try:
            cluster.pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)
