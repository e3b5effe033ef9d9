"""Backup while running, wipe, restore: the restored report equals the original, byte for byte."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from surveyapp.db import get_engine
from surveyapp.models import Response
from surveyapp.services.operations.demo import load_demo
from surveyapp.services.reporting.aggregates import compare_with_raw
from tests import databases


def _wipe(app, database_url: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        get_engine().dispose()
    if databases.on_postgres():
        url = make_url(database_url)
        server = databases.with_dbname(database_url, "postgres")
        databases.drop_database(server, url.database)
    else:
        path = Path(make_url(database_url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def _report(runner) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-04"])
    assert result.exit_code == 0, result.output
    return result.output


def test_backup_wipe_and_restore_give_back_the_same_report(app, db, runner, database_url, tmp_path):
    load_demo(db, today=datetime(2026, 5, 20), months=3)
    db.commit()  # as the load-demo command does
    responses = db.scalar(select(func.count()).select_from(Response))
    before = _report(runner)
    db.close()
    backup_file = tmp_path / "surveyapp.backup"

    made = runner.invoke(args=["backup", "--output", str(backup_file)])
    assert made.exit_code == 0, made.output
    assert backup_file.stat().st_size > 10_000

    _wipe(app, database_url)
    restored = runner.invoke(args=["restore", str(backup_file)])
    assert restored.exit_code == 0, restored.output

    with app.app_context():
        from surveyapp.db import get_session

        session = get_session()
        assert session.scalar(select(func.count()).select_from(Response)) == responses
        assert compare_with_raw(session) == []
    assert _report(runner) == before


def test_restore_refuses_to_overwrite_a_database_without_force(db, runner, tmp_path):
    backup_file = tmp_path / "surveyapp.backup"
    assert runner.invoke(args=["backup", "--output", str(backup_file)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code == 1
    assert "--force" in refused.output
    forced = runner.invoke(args=["restore", "--force", str(backup_file)])
    assert forced.exit_code == 0, forced.output
