"""CSRF protection on the questionnaire, without ever losing a citizen's answers."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from surveyapp.models import Response
from tests.conftest import csrf_token_from
from tests.survey.helpers import full_answers


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def test_a_post_without_the_csrf_token_is_refused_but_the_answers_are_kept(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers())
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Phiên làm việc đã hết hạn" in html
    assert 'name="TC01" value="5" checked' in html
    assert db.scalar(select(func.count()).select_from(Response)) == 0
    # The re-shown page carries a fresh token, so pressing Send again works.
    assert client.post("/s/TT-Q01", data={**full_answers(), "csrf_token": csrf_token_from(html)}).status_code == 303


def test_a_post_with_the_page_token_is_stored(client, db):
    token = csrf_token_from(client.get("/s/TT-Q01").get_data(as_text=True))
    assert client.post("/s/TT-Q01", data={**full_answers(), "csrf_token": token}).status_code == 303
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_a_forged_csrf_token_is_refused(client, db):
    client.get("/s/TT-Q01")
    reply = client.post("/s/TT-Q01", data={**full_answers(), "csrf_token": "forged"})
    assert reply.status_code == 400
    assert db.scalar(select(func.count()).select_from(Response)) == 0
