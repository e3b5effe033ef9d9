"""Behind real gunicorn workers, a forced 500 on an appointment-slip link leaves a log file with
the route template and the error's type, and without the token, the comment, the answers or the
client's address (issue 11). The 500 is a real one: another process holds SQLite's write lock
longer than the busy timeout, so the worker's write fails with "database is locked"."""
from __future__ import annotations

import http.client
import json
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest

from surveyapp.db import get_session
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.services.survey.tokens import mint_tokens
from tests import databases
from tests.production.harness import CSRF, Gunicorn
from tests.survey.helpers import full_answers

COMMENT = "Nhà tôi ở số 42 Lê Lợi, gọi 0912345678"
pytestmark = pytest.mark.skipif(databases.on_postgres(), reason="forces the 500 with SQLite's file lock")


def test_a_real_500_behind_gunicorn_logs_no_token_comment_or_answers(app, database_url, tmp_path: Path):
    with app.app_context():
        session = get_session()
        token = mint_tokens(session, counter_by_code(session, "TT-Q01"), 1, None)[0]
        session.commit()
    log_path = tmp_path / "gunicorn.log"
    server = Gunicorn(database_url, workers=1, log_path=log_path, REQUEST_LOG="1", TRUSTED_PROXY_COUNT="1",
                      GUNICORN_FORWARDED_ALLOW_IPS="127.0.0.1")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        connection.request("GET", f"/t/{token}")
        reply = connection.getresponse()
        page = reply.read().decode()
        cookie = (reply.getheader("Set-Cookie") or "").split(";")[0]
        csrf = CSRF.search(page)
        assert reply.status == 200 and csrf is not None
        form = {**full_answers(comment=COMMENT, overall="2"), "csrf_token": csrf.group(1)}
        blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=1, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # held past the app's 10 s busy timeout
        try:
            connection.request("POST", f"/t/{token}", body=urlencode(form, doseq=True), headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                "X-Forwarded-For": "198.51.100.23",
            })
            failed = connection.getresponse()
            failed.read()
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert failed.status == 500
    finally:
        server.stop()

    log = log_path.read_text(encoding="utf-8")
    assert token not in log
    assert "0912345678" not in log and "Lê Lợi" not in log
    assert "198.51.100" not in log
    assert '"TC01"' not in log and "'TC01'" not in log
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    [error] = [e for e in entries if e.get("event") == "exception"]
    assert (error["route"], error["endpoint"], error["method"]) == ("/t/<token>", "survey.token_survey", "POST")
    assert error["exception"] == "sqlalchemy.exc.OperationalError"
    assert [(e["route"], e["status"]) for e in entries if e.get("event") == "request"][-1] == ("/t/<token>", 500)
