"""API clients: created, listed, rotated and revoked from the command line and the admin page;
a revoked or unknown secret gets 401; every call is audited."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import ApiClient, AuditEvent
from surveyapp.services.accounts import accounts
from tests.dossiers.conftest import CONTACT_KEY
from tests.dossiers.helpers import bearer, dossier

FAST_HASH = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "CONTACT_KEY": CONTACT_KEY, **FAST_HASH}


def post(client, secret, body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/dossiers", json=body, headers=bearer(secret))


def test_the_cli_creates_lists_rotates_and_revokes_a_client(app, runner, client, db):
    created = runner.invoke(args=["create-api-client", "--name", "mot-cua-tinh", "--unit", "DEMO"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", secret), "the secret is printed alone on its line"
    stored = db.scalar(select(ApiClient).where(ApiClient.name == "mot-cua-tinh"))
    assert stored is not None and secret not in stored.secret_hash, "only a hash is stored"

    assert post(client, secret, dossier()).status_code == 200

    listed = runner.invoke(args=["api-clients"])
    assert listed.exit_code == 0 and "mot-cua-tinh" in listed.output and "DEMO" in listed.output
    assert secret not in listed.output

    rotated = runner.invoke(args=["rotate-api-client", "--name", "mot-cua-tinh"])
    assert rotated.exit_code == 0, rotated.output
    new_secret = rotated.stdout.strip().splitlines()[0]
    assert new_secret != secret
    assert post(client, secret, dossier()).status_code == 401, "the old secret stops working"
    assert post(client, new_secret, dossier()).status_code == 200

    revoked = runner.invoke(args=["revoke-api-client", "--name", "mot-cua-tinh"])
    assert revoked.exit_code == 0, revoked.output
    answer = post(client, new_secret, dossier())
    assert answer.status_code == 401 and answer.get_json() == {"error": "unauthorized"}
    assert "đã thu hồi" in runner.invoke(args=["api-clients"]).output, "the list shows the client as revoked"


def test_the_cli_refuses_an_unknown_unit_a_taken_name_and_an_unknown_client(runner):
    assert runner.invoke(args=["create-api-client", "--name", "x", "--unit", "NOPE"]).exit_code != 0
    assert runner.invoke(args=["create-api-client", "--name", "x", "--unit", "DEMO"]).exit_code == 0
    assert runner.invoke(args=["create-api-client", "--name", "x", "--unit", "DEMO"]).exit_code != 0
    assert runner.invoke(args=["rotate-api-client", "--name", "nobody"]).exit_code != 0
    assert runner.invoke(args=["revoke-api-client", "--name", "nobody"]).exit_code != 0


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-secret", "Basic abc"])
def test_a_missing_or_unknown_secret_gets_401(client, header):
    headers = {"Authorization": header} if header else {}
    answer = client.post("/api/v1/dossiers", json=dossier(), headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def sign_in_admin(app, client):  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "admin", "admin-password-123", "admin", None)
        session.commit()
    assert client.post("/login", data={"username": "admin", "password": "admin-password-123"}).status_code == 302


def test_an_administrator_manages_clients_from_the_admin_page(app, client, db):
    sign_in_admin(app, client)
    assert client.get("/admin/api-clients").status_code == 200

    created = client.post("/admin/api-clients", data={"name": "mot-cua-xa", "unit": "DEMO-X-TANLAP"})
    secret = re.search(r'data-testid="api-secret">([^<]+)<', created.get_data(as_text=True)).group(1)
    assert post(client, secret, dossier(counter="TT-Q01")).get_json()["results"][0]["status"] == 403

    listing = client.get("/admin/api-clients").get_data(as_text=True)
    assert "mot-cua-xa" in listing and secret not in listing, "a secret is shown once, in the answer that made it"

    stored = db.scalar(select(ApiClient).where(ApiClient.name == "mot-cua-xa"))
    rotated = client.post(f"/admin/api-clients/{stored.id}/rotate")
    new_secret = re.search(r'data-testid="api-secret">([^<]+)<', rotated.get_data(as_text=True)).group(1)
    assert post(client, secret, dossier()).status_code == 401
    assert post(client, new_secret, dossier()).status_code == 200

    assert client.post(f"/admin/api-clients/{stored.id}/revoke").status_code == 302
    assert post(client, new_secret, dossier()).status_code == 401

    refused = client.post("/admin/api-clients", data={"name": "mot-cua-xa", "unit": "DEMO"})
    assert refused.status_code == 400, "a taken name is refused beside the field"
    actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.target == "mot-cua-xa")))
    assert {"api_client_created", "api_client_rotated", "api_client_revoked"} <= set(actions)


def test_officials_who_are_not_administrators_cannot_see_the_page(app, client):
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "manager", "manager-password-123", "manager", "DEMO")
        session.commit()
    client.post("/login", data={"username": "manager", "password": "manager-password-123"})
    assert client.get("/admin/api-clients").status_code == 403
    assert client.post("/admin/api-clients", data={"name": "x", "unit": "DEMO"}).status_code == 403


def test_every_call_is_audited_without_codes_or_contacts(app, runner, client, db):
    secret = runner.invoke(args=["create-api-client", "--name", "audited", "--unit", "DEMO"]).stdout.splitlines()[0]
    post(client, secret, [dossier(code="SECRET-CODE-1", contact={"email": "dan@example.vn"}, consent=True), {"dossier_code": 5}])
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "api_call"))
    assert event.username == "api:audited" and event.target == "POST /api/v1/dossiers"
    assert event.detail == {"status": 200, "items": 2, "statuses": {"201": 1, "422": 1}}
    assert db.get(ApiClient, db.scalar(select(ApiClient.id).where(ApiClient.name == "audited"))).last_used_at is not None
