"""A PgBouncer of the test's own (Debian's `pgbouncer`) in transaction mode on a free loopback
port, in front of the PostgreSQL server at 127.0.0.1:5432 (trust auth, as in CI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def need_binary(name: str) -> str:
    """The path of a Debian package's program, or skip the test saying how to get it."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install -y {name}; .ci/run does this)")
    return path


def need_postgres() -> None:
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (trust auth)")


def drop_database(name: str) -> None:
    """Drop a database directly on the server (not through a pooler that keeps it open)."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(name: str) -> None:
    drop_database(name)
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"not listening on {port}: {log.read_text()}")


@contextmanager
def pgbouncer(pool_size: int = 20) -> Iterator[int]:
    """A running PgBouncer in transaction mode; yields its port. Every database of the server
    is reachable through it, and its admin console as database `pgbouncer` (user postgres)."""
    binary = need_binary("pgbouncer")
    need_postgres()
    folder = Path(tempfile.mkdtemp(prefix="wijkplein-pgbouncer-"))
    # Started as root, PgBouncer switches to `postgres`, which must read its files.
    folder.chmod(0o755)
    port = free_port()
    (folder / "userlist.txt").write_text('"postgres" ""\n')
    settings = [
        "[databases]",
        "* = host=127.0.0.1 port=5432",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder / 'userlist.txt'}",
        "pool_mode = transaction",
        "admin_users = postgres",
        "max_client_conn = 500",
        f"default_pool_size = {pool_size}",
        # psycopg and Django send these at connect; PgBouncer keeps none of them per client.
        "ignore_startup_parameters = extra_float_digits,options",
        # SHOW STATS (pooled_transactions) up to date within a second.
        "stats_period = 1",
    ]
    if os.geteuid() == 0:
        settings.append("user = postgres")
    ini = folder / "pgbouncer.ini"
    ini.write_text("\n".join(settings) + "\n")
    for path in folder.iterdir():
        path.chmod(0o644)
    log = folder / "pgbouncer.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - Debian's pgbouncer, our own config
            [binary, str(ini)], stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def pooled_transactions(port: int, database: str) -> int:
    """How many transactions PgBouncer passed to `database` (its admin console's SHOW STATS)."""
    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{port}/pgbouncer", autocommit=True
    ) as conn:
        cursor = conn.cursor(row_factory=psycopg.rows.dict_row)
        rows = cursor.execute("SHOW STATS").fetchall()
    return sum(int(row["total_xact_count"]) for row in rows if row["database"] == database)
