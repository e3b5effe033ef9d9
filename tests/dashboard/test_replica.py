"""A reporting replica (REPORTS_DATABASE_URL): reports read a real PostgreSQL hot standby,
streaming from the test server (`pg_basebackup -R`, scripts/pg-test-server.sh); writes stay on
the primary; when the standby is down the reports read the primary, with one log line."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from surveyapp.db import get_engine, get_reports_session, get_session
from surveyapp.models import Response
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting import reports
from tests import databases
from tests.dashboard.conftest import FAST_HASH, PROVINCE
from tests.survey.helpers import full_answers

pytestmark = pytest.mark.skipif(not databases.on_postgres(), reason="a streaming replica needs PostgreSQL")


@pytest.fixture(scope="module")
def standby(pg_server: str) -> Iterator[databases.Standby]:
    for replica in databases.standby():
        if replica is None:
            pytest.skip("the suite runs on a server it did not start: no standby can be made of it")
        yield replica


@pytest.fixture
def app_config(database_url: str, standby: databases.Standby) -> dict[str, Any]:
    name = database_url.rpartition("/")[2]
    return {"WTF_CSRF_ENABLED": False, **FAST_HASH, "REPORTS_DATABASE_URL": databases.with_dbname(standby.url, name)}


def _province_count(app: Flask) -> tuple[int, bool]:
    """Responses in the province's newest month, read through the reports' session, and
    whether that session is on a server in recovery (the standby)."""
    with app.test_request_context("/"):
        session = get_reports_session()
        month = get_session().scalar(select(Response.month).order_by(Response.month.desc()).limit(1))
        report = reports.monthly_report(session, unit_by_code(get_session(), PROVINCE), month)
        return report.n_responses, bool(session.scalar(text("SELECT pg_is_in_recovery()")))


def test_reports_read_the_standby_and_see_a_response_once_it_is_replayed(app, client, as_admin, pg_server, standby):
    databases.wait_for_replay(pg_server, standby.url)  # the test's database exists there too
    before, on_standby = _province_count(app)
    assert on_standby

    assert client.post("/s/TL-Q01", data=full_answers(overall="5")).status_code == 303  # written on the primary
    databases.wait_for_replay(pg_server, standby.url)
    after, on_standby = _province_count(app)
    assert on_standby and after == before + 1

    # The dashboard page reads the standby: its reports' statements run on the replica's engine.
    with app.app_context():
        replica_engine, primary_engine = app.extensions["reports_engine"], get_engine()
    seen: dict[str, list[str]] = {"replica": [], "primary": []}
    event.listen(replica_engine, "before_cursor_execute", lambda *a: seen["replica"].append(a[2]))
    event.listen(primary_engine, "before_cursor_execute", lambda *a: seen["primary"].append(a[2]))
    month = _newest_month(app)
    assert as_admin.get(f"/reports/{PROVINCE}/{month}").status_code == 200
    assert any("unit_rollup" in statement for statement in seen["replica"])
    assert not any("unit_rollup" in statement for statement in seen["primary"])


def test_the_reports_session_never_writes(app, pg_server, standby):
    databases.wait_for_replay(pg_server, standby.url)
    with app.test_request_context("/"):
        session = get_reports_session()
        with pytest.raises(DBAPIError, match="read-only"):
            session.execute(text("CREATE TABLE written_on_the_replica (i integer)"))


def test_a_standby_that_is_down_sends_reports_to_the_primary_with_one_log_line(app, as_admin, pg_server, standby, caplog):
    month = _newest_month(app)
    standby.pause()
    try:
        with caplog.at_level(logging.WARNING, logger="surveyapp.replica"):
            first = as_admin.get(f"/reports/{PROVINCE}/{month}")
            second = as_admin.get(f"/reports/{PROVINCE}/{month}.csv")
        assert first.status_code == 200 and second.status_code == 200
        lines = [r.getMessage() for r in caplog.records if r.name == "surveyapp.replica"]
        assert lines == ["reports database unreachable: reports read the primary database"]
        count, on_standby = _province_count(app)
        assert not on_standby and count > 0
    finally:
        standby.resume()
    databases.wait_for_replay(pg_server, standby.url)
    with caplog.at_level(logging.WARNING, logger="surveyapp.replica"):
        assert _province_count(app)[1]  # back on the standby once it answers again


def _newest_month(app: Flask) -> str:
    with app.app_context():
        return str(get_session().scalar(select(Response.month).order_by(Response.month.desc()).limit(1)))
