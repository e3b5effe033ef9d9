"""Invitations by email (a real SMTP server) and SMS (a local HTTP gateway): sent at the
configured hour on the return day, one reminder if unanswered, opt-out, contacts encrypted and
erased after the last attempt, delivery status to the client and on the admin page."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from surveyapp.db import get_session
from surveyapp.models import Dossier, Response
from surveyapp.services.accounts import accounts
from tests.dossiers.conftest import CONTACT_KEY
from tests.dossiers.helpers import api_client, bearer, dossier
from tests.survey.helpers import full_answers

EMAIL, PHONE = "nguyen.thi.b@example.vn", "0912345678"
YESTERDAY = date.today() - timedelta(days=1)
CITIZEN_ONLY = {k: v for k, v in full_answers().items() if k not in ("submit_channel", "receive_channel", "ontime")}


@pytest.fixture
def app_config(smtp, gateway):  # type: ignore[no-untyped-def]
    return {
        "WTF_CSRF_ENABLED": False, "CONTACT_KEY": CONTACT_KEY, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False, "SMTP_FROM": "khaosat@example.vn",
        "SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_AUTH_HEADER": "Authorization: Bearer gw-key",
    }


def post(app, client, secret=None, **fields):  # type: ignore[no-untyped-def]
    secret = secret or api_client(app)
    answer = client.post("/api/v1/dossiers", json=dossier(**fields), headers=bearer(secret))
    return answer.get_json()["results"][0], secret


def run(runner, at: str) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["send-invitations", "--at", at])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_email_invitation_goes_out_at_the_hour_on_the_return_day(app, client, runner, db, smtp):
    today = date.today().isoformat()
    result, secret = post(app, client, returned_on=today, contact={"email": EMAIL}, consent=True)
    assert result["invitation"] == "queued"
    run(runner, f"{today}T19:59")
    assert smtp.messages == [], "not before INVITATION_HOUR (20:00 Vietnam time)"
    output = run(runner, f"{today}T20:00")
    assert EMAIL not in output
    [message] = smtp.messages
    assert message["To"] == EMAIL and message["From"] == "khaosat@example.vn"
    body = message.get_content()
    assert result["url"] in body and result["url"] + "/opt-out" in body
    again = client.post("/api/v1/dossiers", json=dossier(returned_on=today, contact={"email": EMAIL}, consent=True),
                        headers=bearer(secret)).get_json()["results"][0]
    assert again["invitation"] == "sent", "the client reads the delivery status by posting again"
    run(runner, f"{today}T21:00")
    assert len(smtp.messages) == 1, "sent once"


def test_one_reminder_follows_if_unanswered_and_then_the_contact_is_erased(app, client, runner, db, smtp):
    post(app, client, returned_on=YESTERDAY.isoformat(), contact={"email": EMAIL}, consent=True)
    run(runner, f"{YESTERDAY.isoformat()}T20:30")
    assert db.scalar(select(Dossier)).contact_cipher is not None, "kept for the reminder"
    run(runner, f"{(YESTERDAY + timedelta(days=2)).isoformat()}T20:30")
    assert len(smtp.messages) == 1, "INVITATION_REMINDER_DAYS (3) have not passed"
    run(runner, f"{(YESTERDAY + timedelta(days=3)).isoformat()}T20:31")
    assert len(smtp.messages) == 2
    db.expire_all()
    stored = db.scalar(select(Dossier))
    assert stored.invitation == "reminded" and stored.contact_cipher is None, "erased after the last attempt"
    run(runner, f"{(YESTERDAY + timedelta(days=9)).isoformat()}T20:30")
    assert len(smtp.messages) == 2


def test_an_answer_cancels_the_reminder_and_erases_the_contact(app, client, runner, db, smtp):
    result, _ = post(app, client, returned_on=YESTERDAY.isoformat(), contact={"email": EMAIL}, consent=True)
    run(runner, f"{YESTERDAY.isoformat()}T20:30")
    assert client.post(result["url"].removeprefix("https://survey.example.vn"), data=CITIZEN_ONLY).status_code == 303
    run(runner, f"{(YESTERDAY + timedelta(days=4)).isoformat()}T08:00")
    assert len(smtp.messages) == 1
    db.expire_all()
    assert db.scalar(select(Dossier)).contact_cipher is None


def test_an_sms_goes_through_the_http_gateway(app, client, runner, db, gateway):
    result, _ = post(app, client, contact={"phone": "091 234 5678"}, consent=True)
    run(runner, f"{date.today().isoformat()}T08:00")
    [call] = gateway.calls
    assert call.headers["Authorization"] == "Bearer gw-key"
    assert call.headers["Content-Type"].startswith("application/json")
    sent = call.json()
    assert sent["to"] == PHONE and result["url"] in sent["message"]
    db.expire_all()
    assert db.scalar(select(Dossier)).invitation == "sent"


def test_a_gateway_refusal_is_a_failed_delivery_and_the_contact_is_erased(app, client, runner, db, gateway):
    gateway.status = 500
    post(app, client, contact={"phone": PHONE}, consent=True)
    output = run(runner, f"{date.today().isoformat()}T08:00")
    assert PHONE not in output
    db.expire_all()
    stored = db.scalar(select(Dossier))
    assert stored.invitation == "failed" and stored.contact_cipher is None


def test_opting_out_stops_every_later_message_to_that_contact(app, client, runner, db, smtp):
    result, secret = post(app, client, code="HS-1", contact={"email": EMAIL}, consent=True)
    run(runner, f"{date.today().isoformat()}T08:00")
    opt_out = result["url"].removeprefix("https://survey.example.vn") + "/opt-out"
    assert client.get(opt_out).status_code == 200
    db.expire_all()
    assert db.scalar(select(Dossier)).invitation == "sent", "opening the link alone changes nothing"
    assert client.post(opt_out).status_code == 200
    db.expire_all()
    stored = db.scalar(select(Dossier))
    assert stored.invitation == "opted_out" and stored.contact_cipher is None
    later, _ = post(app, client, secret=secret, code="HS-2", contact={"email": EMAIL.upper()}, consent=True)
    assert later["invitation"] == "opted_out"
    run(runner, f"{(date.today() + timedelta(days=5)).isoformat()}T08:00")
    assert len(smtp.messages) == 1


def test_without_consent_or_a_key_no_contact_is_stored(app, client, db):
    result, secret = post(app, client, contact={"email": EMAIL}, consent=False)
    assert result["invitation"] == "no_consent"
    assert db.scalar(select(Dossier)).contact_cipher is None
    app.config["CONTACT_KEY"] = ""
    result, _ = post(app, client, secret=secret, code="other", contact={"email": EMAIL}, consent=True)
    assert result["invitation"] == "not_configured"


def test_expiry_erases_a_contact_never_sent(app, client, runner, db, smtp):
    post(app, client, returned_on=None, contact={"email": EMAIL}, consent=True)
    run(runner, f"{(date.today() + timedelta(days=60)).isoformat()}T08:00")
    assert smtp.messages == []
    db.expire_all()
    stored = db.scalar(select(Dossier))
    assert stored.invitation == "cancelled" and stored.contact_cipher is None and stored.contact_hash is None


def test_contacts_never_appear_in_clear_in_the_database_the_api_the_logs_or_the_exports(app, client, runner, db, capfd):
    secret = api_client(app)
    answer = client.post("/api/v1/dossiers", headers=bearer(secret), json=[
        dossier(code="E", contact={"email": EMAIL}, consent=True),
        dossier(code="P", contact={"phone": PHONE}, consent=True),
    ])
    assert EMAIL not in answer.get_data(as_text=True) and PHONE not in answer.get_data(as_text=True)
    url = answer.get_json()["results"][0]["url"].removeprefix("https://survey.example.vn")
    client.post(url, data=CITIZEN_ONLY)
    run(runner, f"{date.today().isoformat()}T08:00")
    for table in ("dossier", "response", "audit_event", "api_client", "invitation_opt_out"):
        for row in db.execute(text(f"select * from {table}")).mappings():
            dumped = json.dumps({k: str(v) for k, v in row.items()})
            assert EMAIL not in dumped and PHONE not in dumped, table
    assert not any(column.startswith("contact") for column in Response.__table__.columns.keys())
    with app.app_context():
        accounts.create_user(get_session(), "admin", "admin-password-123", "admin", None)
        get_session().commit()
    client.post("/login", data={"username": "admin", "password": "admin-password-123"})
    month = date.today().strftime("%Y-%m")
    for export in (f"/reports/DEMO/{month}.csv", f"/reports/DEMO/{month}/responses.csv", "/admin/api-clients/invitations",
                   "/admin/audit"):
        reply = client.get(export)
        assert reply.status_code == 200, export
        page = reply.get_data(as_text=True)
        assert EMAIL not in page and PHONE not in page, export
    captured = capfd.readouterr()
    assert EMAIL not in captured.out + captured.err and PHONE not in captured.out + captured.err


def test_the_admin_page_shows_each_dossiers_delivery_state_without_the_contact(app, client, runner, smtp):
    post(app, client, contact={"email": EMAIL}, consent=True)
    run(runner, f"{date.today().isoformat()}T08:00")
    with app.app_context():
        accounts.create_user(get_session(), "admin", "admin-password-123", "admin", None)
        get_session().commit()
    client.post("/login", data={"username": "admin", "password": "admin-password-123"})
    page = client.get("/admin/api-clients/invitations").get_data(as_text=True)
    assert 'data-state="sent"' in page and EMAIL not in page
