"""Who commits (docs/ARCHITECTURE.md, "Transactions"): services only add and flush; a request
commits once after its view answered and rolls back when anything was raised; a CLI command
commits once when it succeeds; the public rate limit counts in the transaction it guards."""
from __future__ import annotations

import ast
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Flask, abort
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from surveyapp.cli import add_commands
from surveyapp.db import get_session
from surveyapp.logs import JsonFormatter
from surveyapp.models import AuditEvent, RateLimitWindow, Response
from surveyapp.services.accounts import audit
from surveyapp.services.survey.ratelimit import Limit, hit
from tests.kiosk.helpers import auth, item, pair
from tests.survey.helpers import full_answers

SERVICES = Path(__file__).resolve().parents[2] / "surveyapp" / "services"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, "RATE_LIMIT_SUBMISSIONS": "2/600"}


def rows(app: Flask, model: Any) -> int:
    """Rows as another connection sees them (committed data only)."""
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model)) or 0


def hits_stored(app: Flask) -> int:
    with app.app_context():
        return int(get_session().scalar(select(func.coalesce(func.sum(RateLimitWindow.hits), 0))) or 0)


def count_commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = Session.commit

    def counting(self: Session) -> None:
        calls.append(1)
        original(self)

    monkeypatch.setattr(Session, "commit", counting)
    return calls


# ---------------------------------------------------------------- services


def test_no_service_commits_or_rolls_back():
    offenders = []
    for path in sorted(SERVICES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("commit", "rollback"):
                offenders.append(f"{path.relative_to(SERVICES)}:{node.lineno} .{node.func.attr}()")
    assert list(SERVICES.rglob("*.py")), "services found"
    assert offenders == []


def test_services_leave_their_writes_to_the_callers_transaction(app, monkeypatch):
    """The write paths run with commit and rollback forbidden, then the caller rolls back:
    nothing they did is left."""
    from surveyapp.services.kiosk.devices import create_pairing_code, note_seen, redeem_pairing_code, revoke_device
    from surveyapp.services.operations.demo import load_demo
    from surveyapp.services.organisation.lookups import counter_by_code, unit_by_code
    from surveyapp.services.reporting.aggregates import rebuild_month
    from surveyapp.services.reporting.targets import set_targets
    from surveyapp.services.survey.tokens import mint_tokens

    def forbidden(self: Session) -> None:
        raise AssertionError("a service ended the caller's transaction")

    before = {model: rows(app, model) for model in (Response, AuditEvent)}
    with app.app_context():
        session = get_session()
        monkeypatch.setattr(Session, "commit", forbidden)
        monkeypatch.setattr(Session, "rollback", forbidden)
        counter = counter_by_code(session, "TT-Q01")
        mint_tokens(session, counter, 3)
        code = create_pairing_code(session, counter).code
        paired = redeem_pairing_code(session, code, "test")
        assert paired is not None
        note_seen(session, paired.device, 2, "test")
        revoke_device(session, paired.device.id)
        set_targets(session, unit_by_code(session, "DEMO"), {"overall": 0.9})
        assert load_demo(session, months=1) > 0
        assert rebuild_month(session, "2020-01").responses == 0
        monkeypatch.undo()
        session.rollback()
    assert {model: rows(app, model) for model in (Response, AuditEvent)} == before


# ---------------------------------------------------------------- requests


def test_a_citizens_submission_commits_exactly_once(app, client, monkeypatch):
    commits = count_commits(monkeypatch)
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert len(commits) == 1
    assert rows(app, Response) == 1


def _write_audit_event() -> None:
    session = get_session()
    audit.record(session, "import", username="test", target="half-done")
    session.flush()


@pytest.mark.parametrize("propagate", [False, True], ids=["500 page", "exception propagated"])
def test_a_view_that_raises_after_writing_leaves_nothing(app, client, propagate):
    app.config["PROPAGATE_EXCEPTIONS"] = propagate

    def write_then_fail() -> str:
        _write_audit_event()
        raise RuntimeError("failed half-way")

    app.add_url_rule("/test/write-then-fail", view_func=write_then_fail)
    if propagate:
        with pytest.raises(RuntimeError):
            client.get("/test/write-then-fail")
    else:
        assert client.get("/test/write-then-fail").status_code == 500
    assert rows(app, AuditEvent) == 0


def test_a_view_that_aborts_after_writing_leaves_nothing(app, client):
    def write_then_abort() -> str:
        _write_audit_event()
        abort(403)

    app.add_url_rule("/test/write-then-abort", view_func=write_then_abort)
    assert client.get("/test/write-then-abort").status_code == 403
    assert rows(app, AuditEvent) == 0


def test_a_status_the_view_chose_is_committed(app, client):
    # Like a failed sign-in: a 401 answered on purpose keeps what the view recorded.
    def write_then_refuse() -> tuple[str, int]:
        _write_audit_event()
        return "refused", 401

    app.add_url_rule("/test/write-then-refuse", view_func=write_then_refuse)
    assert client.get("/test/write-then-refuse").status_code == 401
    assert rows(app, AuditEvent) == 1


def test_a_failed_commit_answers_500_never_thank_you(app, client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def disk_full(self: Session) -> None:
        raise OperationalError("COMMIT", {}, OSError("database or disk is full"))

    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(JsonFormatter().format(record))  # type: ignore[method-assign]
    logger = logging.getLogger("surveyapp")
    logger.addHandler(handler)
    monkeypatch.setattr(Session, "commit", disk_full)
    try:
        reply = client.post("/s/TT-Q01", data=full_answers())
    finally:
        monkeypatch.undo()
        logger.removeHandler(handler)
    assert reply.status_code == 500
    assert "Location" not in reply.headers and "thanks" not in reply.get_data(as_text=True)
    assert rows(app, Response) == 0
    # The commit runs before the other after-request hooks: the request is logged once, as a 500.
    logged = [json.loads(line) for line in lines if '"event": "request"' in line]
    assert [(entry["route"], entry["status"]) for entry in logged] == [("/s/<counter_code>", 500)]


def test_a_kiosk_batch_is_stored_with_its_request_or_not_at_all(app, client, monkeypatch):
    """Each item has its own savepoint, still inside the request's transaction (on SQLite too,
    where a savepoint opened first would otherwise commit on its own)."""
    from surveyapp.kiosk import api

    headers = auth(pair(app, client)["token"])
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fails_after_the_items(*_args: Any) -> None:
        raise RuntimeError("failed after the items")

    monkeypatch.setattr(api, "note_seen", fails_after_the_items)
    batch = [item(), item()]
    assert client.post("/api/kiosk/responses", headers=headers, json={"responses": batch}).status_code == 500
    assert rows(app, Response) == 0
    monkeypatch.undo()
    stored = client.post("/api/kiosk/responses", headers=headers, json={"responses": batch}).get_json()
    assert stored["stored"] == 2 and rows(app, Response) == 2


# ---------------------------------------------------------------- commands


def test_a_command_that_fails_half_way_leaves_nothing(app, runner, monkeypatch):
    from surveyapp.services.operations import demo

    def fails_after_the_inserts(*_args: Any) -> None:
        raise RuntimeError("failed half-way")

    monkeypatch.setattr(demo, "record_tallies", fails_after_the_inserts)
    result = runner.invoke(args=["load-demo", "--months", "1"])
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)
    assert rows(app, Response) == 0


@pytest.mark.parametrize("status, kept", [(0, 1), (1, 0)])
def test_a_command_commits_when_it_succeeds_and_rolls_back_on_a_failing_exit(app, runner, status, kept):
    @click.command("write-and-exit")
    def write_and_exit() -> None:
        _write_audit_event()
        raise SystemExit(status)

    add_commands(app, [write_and_exit])
    assert runner.invoke(args=["write-and-exit"]).exit_code == status
    assert rows(app, AuditEvent) == kept


def test_a_command_commits_once_at_its_end(app, runner, monkeypatch, tmp_path):
    commits = count_commits(monkeypatch)
    result = runner.invoke(args=["make-tokens", "--counter", "TT-Q01", "-n", "3", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(commits) == 1


# ---------------------------------------------------------------- the public rate limit


def test_only_stored_submissions_spend_the_rate_limit_budget(app, client):
    for _ in range(4):  # refused answers (no overall): 400, and nothing counted
        assert client.post("/s/TT-Q01", data=full_answers(overall=None)).status_code == 400
    assert hits_stored(app) == 0
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert hits_stored(app) == 1
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert hits_stored(app) == 2
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 429  # the budget is spent
    assert client.post("/s/TT-Q01", data=full_answers(overall=None)).status_code == 429
    assert hits_stored(app) == 2, "a refused 429 does not count either"
    assert rows(app, Response) == 2


def test_a_submission_counted_over_the_limit_at_its_commit_is_refused_whole(app, client, monkeypatch):
    """Two POSTs of one address pass the early read at the same moment; the second one's hit,
    counted just before its commit, is over the limit: 429, and neither its response nor its
    hit is kept (web/hardening.py, db.before_commit)."""
    from surveyapp.services.survey import ratelimit
    from surveyapp.web import hardening

    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert (hits_stored(app), rows(app, Response)) == (2, 2)

    def not_spent_yet(*_args: Any) -> ratelimit.Verdict:  # the read raced with the other POSTs
        return ratelimit.Verdict(allowed=True, retry_after=1)

    monkeypatch.setattr(hardening, "already_spent", not_spent_yet)
    refused = client.post("/s/TT-Q01", data=full_answers())
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert (hits_stored(app), rows(app, Response)) == (2, 2)


def test_a_submission_that_fails_while_stored_takes_its_hit_back(app, client, monkeypatch):
    from surveyapp.services.survey import submission

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def storage_fails(*_args: Any) -> None:
        raise OperationalError("INSERT", {}, OSError("database or disk is full"))

    monkeypatch.setattr(submission, "add_pending", storage_fails)
    for _ in range(3):
        assert client.post("/s/TT-Q01", data=full_answers()).status_code == 500
    assert (hits_stored(app), rows(app, Response)) == (0, 0)
    monkeypatch.undo()
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    assert hits_stored(app) == 1


def test_concurrent_hits_of_one_bucket_count_only_committed_ones(app):
    """Twelve requests of one address at once, every other one rolled back (like a rejected
    submission): the committed ones are counted one after the other, the others not at all."""
    limit = Limit(hits=3, seconds=600)
    now = time.time()
    start = threading.Barrier(12)
    verdicts: dict[int, bool] = {}
    errors: list[BaseException] = []

    def request(number: int) -> None:
        try:
            with app.app_context():
                session = get_session()
                start.wait()
                verdicts[number] = hit(session, "one-office", limit, now).allowed
                if number % 2:
                    session.commit()
                else:
                    session.rollback()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert hits_stored(app) == 6
    assert sum(verdicts[n] for n in range(1, 12, 2)) == limit.hits
