"""The public rate limit counts only stored submissions: junk POSTs from one address (no session,
no CSRF token, broken answers) cannot use up the budget a genuine citizen on the same Wi-Fi needs
(issue 11). The default limit, 60 submissions per 10 minutes, is used as shipped."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from surveyapp.db import get_session
from surveyapp.models import RateLimitWindow, Response
from tests.conftest import csrf_token_from
from tests.survey.helpers import full_answers

OFFICE_WIFI = {"REMOTE_ADDR": "203.0.113.9"}


def _count(app, what):  # type: ignore[no-untyped-def]
    # A context of its own: requests made inside a test's app context would share its `g`.
    with app.app_context():
        return get_session().scalar(what)


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def test_sixty_junk_posts_without_session_or_csrf_leave_the_budget_to_a_genuine_citizen(app):
    attacker = app.test_client()
    for _ in range(60):
        assert attacker.post("/s/TT-Q01", data=full_answers(), environ_base=OFFICE_WIFI).status_code == 400
    for _ in range(10):
        assert attacker.post("/s/TT-Q01", data={"csrf_token": "forged", "TC01": "9"},
                             environ_base=OFFICE_WIFI).status_code == 400
    assert _count(app, select(func.count()).select_from(RateLimitWindow)) == 0

    citizen = app.test_client()
    page = citizen.get("/s/TT-Q01", environ_base=OFFICE_WIFI).get_data(as_text=True)
    reply = citizen.post("/s/TT-Q01", data={**full_answers(), "csrf_token": csrf_token_from(page)},
                         environ_base=OFFICE_WIFI)
    assert reply.status_code == 303
    assert _count(app, select(func.count()).select_from(Response)) == 1
    assert _count(app, select(func.sum(RateLimitWindow.hits))) == 1


def test_a_genuine_citizen_with_invalid_answers_spends_nothing_either(app):
    citizen = app.test_client()
    page = citizen.get("/s/TT-Q01", environ_base=OFFICE_WIFI).get_data(as_text=True)
    token = csrf_token_from(page)
    for _ in range(61):
        reply = citizen.post("/s/TT-Q01", data={"csrf_token": token, "TC01": "9"}, environ_base=OFFICE_WIFI)
        assert reply.status_code == 400
    assert citizen.post("/s/TT-Q01", data={**full_answers(), "csrf_token": token},
                        environ_base=OFFICE_WIFI).status_code == 303
