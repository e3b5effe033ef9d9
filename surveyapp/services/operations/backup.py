"""Backups that can be taken while the service runs, and their restore (docs/DEPLOY.md).

SQLite: the online backup API (a consistent copy even while submissions are written).
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot) and `pg_restore` in one transaction.
"""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


class DatabaseNotEmpty(BackupError):
    pass


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str, pg_bin: str | None = None) -> str:
    """The newest `pg_dump`/`pg_restore` (the PG_BIN setting, then Debian's versioned dirs, then
    PATH): pg_dump must not be older than the server."""
    candidates = []
    if pg_bin:
        candidates.append(str(Path(pg_bin) / name))
    candidates += [
        str(Path(d) / name) for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    ]
    candidates += [found for found in [shutil.which(name)] if found]
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} not found: install Debian's postgresql-client")


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parent.name)
    except ValueError:
        return 0.0


def is_empty(engine: Engine) -> bool:
    """True when the database holds no tables at all."""
    return not inspect(engine).get_table_names()


def backup(engine: Engine, output: Path, *, pg_bin: str | None = None) -> None:
    url = engine.url.render_as_string(hide_password=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(output)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    _run(
        [
            pg_tool("pg_dump", pg_bin),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(output),
            _libpq_url(url),
        ]
    )


def restore(engine: Engine, backup_file: Path, *, force: bool = False, pg_bin: str | None = None) -> None:
    """Replace the database with the backup. Refuses a database that has tables unless `force`."""
    url = engine.url.render_as_string(hide_password=False)
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist")
    if engine.dialect.name == "sqlite":
        path = _sqlite_path(url)
        if path.exists() and not force and not is_empty(engine):
            raise DatabaseNotEmpty(str(path))
        engine.dispose()
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(backup_file)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    _create_pg_database_if_missing(url)
    if not force and not is_empty(engine):
        raise DatabaseNotEmpty(make_url(url).database or "")
    engine.dispose()
    command = [
        pg_tool("pg_restore", pg_bin),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    if force:
        command += ["--clean", "--if-exists"]
    _run(command + ["--dbname", _libpq_url(url), str(backup_file)])


def _create_pg_database_if_missing(url: str) -> None:
    import psycopg

    parsed = make_url(url)
    name = parsed.database
    maintenance = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")
