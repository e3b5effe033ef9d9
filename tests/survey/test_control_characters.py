"""A NUL byte or another control character in what a citizen or a tablet sends is removed, never
a 500 and never a lost answer, on both databases (issue 11; docs/SURVEY.md)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import Response
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.services.survey.tokens import mint_tokens
from surveyapp.textinput import clean_text
from tests.kiosk.helpers import COMPLETE, auth, item, pair, pairing_code
from tests.survey.helpers import full_answers

HOSTILE_COMMENT = "Chờ\x00 lâu\x01ctl\x0bchar\x7f\x9f\tquá\r\nmột dòng nữa"
CLEAN_COMMENT = "Chờ lâuctlchar\tquá\r\nmột dòng nữa"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "KIOSK_RATE_BURST": 100_000, "KIOSK_PAIR_BURST": 100_000}


def _responses(app) -> list[Response]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(get_session().scalars(select(Response).order_by(Response.id)))


def test_clean_text_removes_controls_but_keeps_tab_and_line_breaks():
    assert clean_text(HOSTILE_COMMENT) == CLEAN_COMMENT
    assert clean_text("a\ud800b\udfffc") == "abc"
    assert clean_text("Tiếng Việt có dấu — ★ 😀") == "Tiếng Việt có dấu — ★ 😀"


def test_a_nul_byte_in_the_comment_is_removed_and_the_answers_are_stored(app, client):
    reply = client.post("/s/TT-Q01", data=full_answers(comment=HOSTILE_COMMENT))
    assert reply.status_code == 303
    [stored] = _responses(app)
    assert stored.comment == CLEAN_COMMENT
    assert stored.answers["TC01"] == 5


def test_control_characters_in_every_field_of_the_form_never_cost_the_answers(app, client):
    answers = {key: (value if isinstance(value, list) else f"\x00{value}\x01") for key, value in full_answers().items()}
    answers["expect"] = ["time\x00", "\x1bonline"]
    answers["procedure"] = "\x002.000986"
    reply = client.post("/s/TT-Q01?p=%00x", data=answers)
    assert reply.status_code in (303, 400)
    if reply.status_code == 400:  # refused with a message beside the field, never a 500
        assert "\x00" not in reply.get_data(as_text=True)
    else:
        [stored] = _responses(app)
        assert stored.answers["expect"] == ["time", "online"]


def test_a_nul_byte_on_an_appointment_slip_link_keeps_the_token_usable_once(app, client):
    with app.app_context():
        session = get_session()
        token = mint_tokens(session, counter_by_code(session, "TT-Q01"), 1, None)[0]
        session.commit()
    assert client.post(f"/t/{token}", data=full_answers(comment="\x00")).status_code == 303
    assert client.post(f"/t/{token}", data=full_answers()).status_code == 409
    [stored] = _responses(app)
    assert stored.comment in (None, "")


@pytest.mark.parametrize("path", ["/s/TT-Q01%00", "/s/%00", "/t/abc%00def", "/reports/DEMO%00/2026-11", "/posters/%01X"])
def test_a_control_character_in_a_link_is_not_found(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path, data=full_answers()).status_code == 404


def test_a_control_character_in_the_query_string_is_ignored(client):
    assert client.get("/s/TT-Q01?p=%00&lang=%00en").status_code == 200


def test_the_kiosk_api_stores_answers_sent_with_nul_byte_escapes_without_them(app, client):
    token = pair(app, client)["token"]
    answers = {**COMPLETE, "slip": "yes\u0000", "harassment": "\u0000none\ud800", "trips": "1\u0001"}
    raw = json.dumps({"responses": [item(answers)], "app_version": "1.0\u0000\ud800"})
    reply = client.post("/api/kiosk/responses", data=raw, content_type="application/json", headers=auth(token))
    assert reply.status_code == 200 and reply.get_json()["stored"] == 1
    [stored] = _responses(app)
    assert (stored.answers["slip"], stored.answers["harassment"], stored.answers["trips"]) == ("yes", "none", "1")


def test_a_pairing_code_with_a_nul_byte_is_just_a_wrong_code(app, client):
    code = pairing_code(app)
    reply = client.post("/api/kiosk/pair", json={"code": "\u0000" + code + "\u0000", "app_version": "\u0000"})
    assert reply.status_code == 201  # the same code once the NULs are gone
    reply = client.post("/api/kiosk/pair", json={"code": "\u0000nope"})
    assert reply.status_code == 403 and reply.get_json() == {"error": "invalid_pairing_code"}
