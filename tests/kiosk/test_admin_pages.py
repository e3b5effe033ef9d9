"""Administrators create pairing codes, see the tablets and revoke one from the web."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import AuditEvent
from surveyapp.services.accounts import accounts
from tests.kiosk.helpers import auth

FAST_HASH = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, **FAST_HASH}


def sign_in(app, client, role: str):  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        accounts.create_user(session, role, f"{role}-password-123", role, None if role == "admin" else "DEMO")
        session.commit()
    assert client.post("/login", data={"username": role, "password": f"{role}-password-123"}).status_code == 302
    return client


def test_an_administrator_pairs_a_tablet_from_the_web_and_revokes_it(app, client, db):
    sign_in(app, client, "admin")
    page = client.get("/admin/kiosks")
    assert page.status_code == 200 and "TT-Q02" in page.get_data(as_text=True)

    created = client.post("/admin/kiosks/pairing-codes", data={"counter": "TT-Q02"})
    html = created.get_data(as_text=True)
    code = re.search(r'data-testid="pairing-code">(\d{4}-\d{4})<', html).group(1)
    paired = client.post("/api/kiosk/pair", json={"code": code, "app_version": "9.9"}).get_json()
    headers = auth(paired["token"])
    assert client.get("/api/kiosk/definition", headers=headers).status_code == 200

    listing = client.get("/admin/kiosks").get_data(as_text=True)
    assert "9.9" in listing and f'/admin/kiosks/{paired["device_id"]}/revoke' in listing
    revoked = client.post(f'/admin/kiosks/{paired["device_id"]}/revoke')
    assert revoked.status_code == 302
    assert client.get("/api/kiosk/definition", headers=headers).status_code == 403
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"kiosk_pairing_code_created", "kiosk_device_revoked"} <= actions


def test_a_pairing_code_needs_a_real_counter(app, client):
    sign_in(app, client, "admin")
    assert client.post("/admin/kiosks/pairing-codes", data={"counter": "NOPE"}).status_code == 400


def test_only_administrators_reach_the_kiosk_pages(app, client):
    assert client.get("/admin/kiosks").status_code == 302  # to the sign-in page
    sign_in(app, client, "viewer")
    assert client.get("/admin/kiosks").status_code == 403
    assert client.post("/admin/kiosks/pairing-codes", data={"counter": "TT-Q01"}).status_code == 403
