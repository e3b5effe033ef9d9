"""Which database the suite runs on, and PostgreSQL test databases made from a template.

`SURVEYAPP_TEST_DB` selects it:

* unset or `sqlite`: a file SQLite database per test, copied from a template file;
* `postgresql`: a throwaway server is started for the session (scripts/pg-test-server.sh, which
  installs Debian's postgresql when it is missing) and stopped at the end;
* `postgresql+psycopg://user@host:port/dbname`: an existing server where the user may create
  databases.

A streaming replica of the throwaway server (`standby()`) is started only by the tests that
need one (the reporting replica, REPORTS_DATABASE_URL) and stopped when they are done.

On PostgreSQL the migrated template is built once per session and every test gets its own
`CREATE DATABASE ... TEMPLATE ...` copy (a file copy inside the server: fast), dropped afterwards.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SCRIPT = ROOT / "scripts" / "pg-test-server.sh"


def test_db_setting() -> str:
    return os.environ.get("SURVEYAPP_TEST_DB", "sqlite").strip() or "sqlite"


def on_postgres() -> bool:
    return test_db_setting().startswith("postgresql")


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_dbname(server_url: str, dbname: str) -> str:
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{dbname}"


def admin_execute(server_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(server_url), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def pg_bindir() -> Path:
    out = subprocess.run(["bash", str(PG_SCRIPT), "bindir"], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def server() -> Iterator[str]:
    """The URL of a PostgreSQL server (maintenance database `postgres`) for the session."""
    setting = test_db_setting()
    if setting != "postgresql":
        yield setting
        return
    directory = tempfile.mkdtemp(prefix="surveyapp-pg-")
    out = subprocess.run(["bash", str(PG_SCRIPT), "start", directory], check=True, capture_output=True, text=True)
    _THROWAWAY_SERVERS.append(directory)
    try:
        yield out.stdout.strip().splitlines()[-1]
    finally:
        _THROWAWAY_SERVERS.remove(directory)
        subprocess.run(["bash", str(PG_SCRIPT), "stop", directory], check=False)


_THROWAWAY_SERVERS: list[str] = []  # data folders of the servers this session started


@dataclass(frozen=True)
class Standby:
    url: str  # maintenance database `postgres` on the standby
    directory: str

    def pause(self) -> None:
        subprocess.run(["bash", str(PG_SCRIPT), "pause", self.directory], check=True, capture_output=True)

    def resume(self) -> None:
        subprocess.run(["bash", str(PG_SCRIPT), "resume", self.directory], check=True, capture_output=True)


def standby() -> Iterator[Standby | None]:
    """A hot standby streaming from this session's throwaway server (`pg_basebackup -R`), stopped
    and deleted afterwards; None when the suite runs on a server it did not start."""
    if not _THROWAWAY_SERVERS:
        yield None
        return
    directory = tempfile.mkdtemp(prefix="surveyapp-pg-standby-")
    try:
        out = subprocess.run(
            ["bash", str(PG_SCRIPT), "standby", _THROWAWAY_SERVERS[-1], directory], check=True, capture_output=True, text=True
        )
        yield Standby(out.stdout.strip().splitlines()[-1], directory)
    finally:
        subprocess.run(["bash", str(PG_SCRIPT), "stop", directory], check=False)


def wait_for_replay(primary_url: str, standby_url: str, timeout: float = 30.0) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    import psycopg

    with psycopg.connect(_libpq(primary_url), autocommit=True) as primary:
        # The insert position, not pg_current_wal_lsn() (the write position): the test server runs
        # with synchronous_commit=off, so a commit just made may still sit in the WAL buffers,
        # before the write position, and the standby would be "caught up" without it.
        target = primary.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]  # type: ignore[index]
    deadline = time.monotonic() + timeout
    with psycopg.connect(_libpq(standby_url), autocommit=True) as replica:
        while True:
            caught_up = replica.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", (target,)).fetchone()
            if caught_up and caught_up[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby has not replayed {target} in {timeout} s")
            time.sleep(0.05)


def create_template(server_url: str, build: Callable[[str], None], label: str = "template") -> str:
    """A database built once by `build(url)` and cloned per test. Give another `label` for a
    second template (e.g. one already holding demo responses)."""
    name = f"surveyapp_{label}_{os.getpid()}"
    admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    build(with_dbname(server_url, name))
    return name


def clone_database(server_url: str, template: str) -> tuple[str, str]:
    """A fresh copy of the template: (its name, its URL)."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin_execute(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name, with_dbname(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_database(server_url: str) -> tuple[str, str]:
    name = f"e_{uuid.uuid4().hex[:16]}"
    admin_execute(server_url, f'CREATE DATABASE "{name}"')
    return name, with_dbname(server_url, name)
