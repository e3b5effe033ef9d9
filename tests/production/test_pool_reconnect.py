"""A pooled connection the server closed meanwhile (a restart, a fail-over) is replaced before a
citizen's request uses it: an idle connection is pinged at check-out (surveyapp/db.py), one in
steady use is not (that round trip would be paid by every request)."""
from __future__ import annotations

import psycopg
import pytest

from surveyapp import db
from tests import databases
from tests.survey.helpers import full_answers

pytestmark = pytest.mark.skipif(not databases.on_postgres(), reason="a server that closes connections: PostgreSQL")


def _close_every_other_connection(database_url: str) -> int:
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        closed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(closed[0]) if closed else 0


def test_a_citizen_is_served_after_the_server_closed_the_pooled_connection(app, client, database_url, monkeypatch):
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303  # a connection is now pooled
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it had been idle for a while
    assert _close_every_other_connection(database_url) >= 1

    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert client.get("/s/TT-Q01").status_code == 200
