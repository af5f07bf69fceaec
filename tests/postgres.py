"""A throwaway PostgreSQL server for the store's tests: a school trust's database, for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "PostgreSQL's server is not installed: `make test` installs Debian's postgresql."


def server_programs() -> Path:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError(INSTALL_HINT)
    return found[-1].parent


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server on a Unix socket only (no TCP port), and give a URL template for databases.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
    """
    programs = server_programs()
    root = Path(tempfile.mkdtemp(prefix="esafety-postgres-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        for path in (root, sockets):
            shutil.chown(path, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_user, programs / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-k {sockets} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        [
            *as_user,
            programs / "pg_ctl",
            "-D",
            data,
            "-l",
            root / "log",
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@/{{database}}?host={sockets}"
    finally:
        subprocess.run(
            [*as_user, programs / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(template: str) -> str:
    """A fresh, empty database on the server; its SQLAlchemy URL."""
    import psycopg

    name = f"esafety_{uuid.uuid4().hex[:12]}"
    admin = template.format(database="postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return template.format(database=name)
