"""A 500 leaves a log line that helps the operator and holds no token, answer, comment or address
(issue 11): Flask's exception log and the database's errors are scrubbed."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from surveyapp.logs import JsonFormatter
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.services.survey import collect as collect_module
from surveyapp.services.survey.tokens import mint_tokens
from tests.survey.helpers import full_answers

COMMENT = "Bí mật: số nhà 42 đường Lê Lợi, điện thoại 0912345678"
ADDRESS = "198.51.100.23"


@pytest.fixture
def app_config():
    # As in production: Flask turns the exception into a 500 page and logs it.
    return {"WTF_CSRF_ENABLED": False, "PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def captured_log() -> Iterator[list[str]]:
    """Every log record of the process, as the JSON line it becomes and as plain text with
    its exception, whichever logger it comes from."""
    lines: list[str] = []

    seen: set[int] = set()

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if id(record) in seen:  # a record reaches both the app's logger and the root
                return
            seen.add(id(record))
            lines.append(JsonFormatter().format(record))
            lines.append(logging.Formatter("%(name)s %(message)s").format(record))

    handler = Capture(level=logging.DEBUG)
    loggers = [logging.getLogger(), logging.getLogger("surveyapp"), logging.getLogger("sqlalchemy")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield lines
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _token(app) -> str:  # type: ignore[no-untyped-def]
    from surveyapp.db import get_session

    with app.app_context():
        session = get_session()
        token = mint_tokens(session, counter_by_code(session, "TT-Q01"), 1, None)[0]
        session.commit()
        return token


def _database_refuses(session, **values):  # type: ignore[no-untyped-def]
    """A statement the database refuses, with the citizen's answers and comment as parameters."""
    answers = json.dumps(values["validated"].answers, ensure_ascii=False)
    session.execute(text("INSERT INTO no_such_table (answers, comment) VALUES (:answers, :comment)"),
                    {"answers": answers, "comment": values["validated"].comment})


def _code_fails_with_the_values_in_its_message(session, **values):  # type: ignore[no-untyped-def]
    raise ValueError(f"cannot store {values['validated'].answers} {values['validated'].comment!r}")


@pytest.mark.parametrize("failure", [_database_refuses, _code_fails_with_the_values_in_its_message])
def test_a_500_on_a_token_link_logs_no_token_comment_answer_or_address(app, client, captured_log, monkeypatch,
                                                                        failure):
    token = _token(app)
    monkeypatch.setattr(collect_module, "submit_response", failure)
    answers = full_answers(comment=COMMENT, overall="2")
    reply = client.post(f"/t/{token}", data=answers, environ_base={"REMOTE_ADDR": ADDRESS})
    assert reply.status_code == 500

    log = "\n".join(captured_log)
    assert token not in log
    assert "0912345678" not in log and "Lê Lợi" not in log
    assert ADDRESS not in log and "198.51.100" not in log
    assert "'TC01'" not in log and '"TC01"' not in log  # no answers dict, from the message or the SQL
    # What the operator needs is there: which route failed, where in the code, what kind of error.
    entries = [json.loads(line) for line in captured_log if line.startswith("{")]
    errors = [e for e in entries if e.get("event") == "exception"]
    assert len(errors) == 1
    error = errors[0]
    assert error["route"] == "/t/<token>" and error["endpoint"] == "survey.token_survey" and error["method"] == "POST"
    assert error["level"] == "error"
    assert "Traceback" in error["traceback"] and "collect.py" in error["traceback"]
    if failure is _database_refuses:
        assert error["exception"].startswith("sqlalchemy.exc.")
    else:
        assert error["exception"] == "ValueError"
    requests = [e for e in entries if e.get("event") == "request"]
    assert [(r["route"], r["status"]) for r in requests] == [("/t/<token>", 500)]


def test_the_engine_hides_sql_parameters(app):
    from surveyapp.db import get_engine

    with app.app_context():
        assert get_engine().hide_parameters is True
