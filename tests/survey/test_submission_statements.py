"""A citizen's POST is one transaction with a fixed, short list of statements (issue 17).

Counted with SQLAlchemy's engine events on a warmed-up worker (the look-up copies and the
parsed questionnaire already in memory): before, a POST made 9 statements and 2 commits on
PostgreSQL; the counter, its units, the procedure and the questionnaire now come from the
worker's copies, checked with one primary-key SELECT of `lookup_generation`.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from surveyapp.db import get_engine
from surveyapp.models import Response
from surveyapp.services.reporting.aggregates import compare_with_raw
from tests import databases
from tests.conftest import csrf_token_from
from tests.survey.helpers import full_answers


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True, "RATE_LIMIT_SUBMISSIONS": "1000000/86400"}


class Recorder:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.commits = 0
        self.rollbacks = 0


@pytest.fixture
def recorder(app) -> Iterator[Recorder]:  # type: ignore[no-untyped-def]
    with app.app_context():
        engine = get_engine()
    seen = Recorder()

    def on_statement(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        # The first request of a new rate-limit window also deletes expired windows: not per POST.
        if not statement.startswith("DELETE FROM rate_limit_window"):
            seen.statements.append(statement)

    def on_commit(_conn) -> None:  # type: ignore[no-untyped-def]
        seen.commits += 1

    def on_rollback(_conn) -> None:  # type: ignore[no-untyped-def]
        seen.rollbacks += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield seen
    event.remove(engine, "before_cursor_execute", on_statement)
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)


def test_one_post_is_one_transaction_of_a_few_statements(client, recorder):
    token = csrf_token_from(client.get("/s/TT-Q01").get_data(as_text=True))
    answers = {**full_answers(procedure="1.001193"), "csrf_token": token}
    assert client.post("/s/TT-Q01", data=answers).status_code == 303  # warms this worker's copies

    recorder.statements.clear()
    recorder.commits = recorder.rollbacks = 0
    assert client.post("/s/TT-Q01", data=answers).status_code == 303

    # Reads first, then the writes together, the rate limit's hit (a row shared by everyone
    # behind one address) last: no lock is held while the worker validates and counts.
    if databases.on_postgres():
        expected = [
            "SELECT hits FROM rate_limit_window ",  # budget already spent? (a read, no lock)
            "SELECT value FROM lookup_generation ",  # are this worker's copies still current?
            # the unit tree, then the month: against a concurrent move or rebuild
            "WITH tree AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(",
            # The response, its group and its units' rollups: one statement, one round trip,
            # the rollups' units read from the unit's path by it, after that lock.
            "WITH fst AS (INSERT INTO response ",
            "INSERT INTO rate_limit_window ",
        ]
    else:
        expected = [
            "SELECT hits FROM rate_limit_window ",
            "SELECT value FROM lookup_generation ",
            "INSERT INTO response ",  # SQLite's write lock from here to the commit
            "INSERT INTO response_tally ",
            "SELECT id, path FROM unit ",  # read under the write lock: no move in between
            "INSERT INTO unit_rollup ",
            "INSERT INTO rate_limit_window ",
        ]
    assert len(recorder.statements) == len(expected), recorder.statements
    for statement, start in zip(recorder.statements, expected, strict=True):
        assert statement.startswith(start), (statement[:80], start)
    assert recorder.commits == 1
    assert recorder.rollbacks == 0


def test_the_stored_response_reads_back_as_the_citizen_sent_it(client, db):
    """On PostgreSQL the response row goes in the same statement as its aggregates, written
    through the driver: what comes back is what the ORM would have stored, and the aggregates
    equal a recount of the raw answers."""
    token = csrf_token_from(client.get("/s/TT-Q01").get_data(as_text=True))
    answers = {**full_answers(procedure="1.001193", comment="Chờ <b>lâu</b> \"quá\"; 'ok'"), "csrf_token": token}
    assert client.post("/s/TT-Q01", data=answers).status_code == 303

    db.expire_all()
    stored = db.scalar(select(Response))
    sent = full_answers()
    expected = {
        key: int(value) if key.startswith("TC") and value != "na" or key == "overall" else value
        for key, value in sent.items()
        if key not in ("comment", "procedure")
    }
    assert stored.answers == expected  # scores as numbers, "na" and the choices as sent
    assert stored.comment == "Chờ <b>lâu</b> \"quá\"; 'ok'"
    assert stored.fact_sources is None
    # none_as_null: SQL NULL, not the JSON value null, as the ORM stores it
    assert db.scalar(select(func.count()).select_from(Response).where(Response.fact_sources.is_(None))) == 1
    assert stored.channel == "qr" and stored.month == stored.submitted_at.strftime("%Y-%m")
    assert compare_with_raw(db) == []
