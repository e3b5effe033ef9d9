"""Sessions end on the server: a copied session cookie stops working after sign-out, a password
change, deactivation, or a change of role or unit (issue 11)."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.models import User
from tests.dashboard.conftest import COMMUNE, MONTH, OFFICIALS, OTHER_COMMUNE, sign_in

REPORT = f"/reports/{COMMUNE}/{MONTH}"


def _copy_of_the_cookie(client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = client.application.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _opens_the_report(client: FlaskClient) -> bool:
    return client.get(REPORT).status_code == 200


def _admin_edits_tanlap(admin: FlaskClient, db, **changes: object) -> None:  # type: ignore[no-untyped-def]
    user = db.scalar(select(User).where(User.username == "tanlap"))
    form = {"full_name": "Tanlap", "role": "viewer", "unit": COMMUNE, "active": "y", **changes}
    if form["active"] is None:
        del form["active"]
    reply = admin.post(f"/admin/users/{user.id}", data=form)
    assert reply.status_code == 302, reply.get_data(as_text=True)


def test_a_copied_cookie_stops_working_after_logout(client):
    assert sign_in(client, "tanlap").status_code == 302
    thief = _copy_of_the_cookie(client)
    assert _opens_the_report(thief)
    assert client.post("/logout").status_code == 302
    reply = thief.get(REPORT)
    assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    # signing in again opens a new session; the old cookie stays dead
    assert sign_in(client, "tanlap").status_code == 302
    assert _opens_the_report(client)
    assert thief.get(REPORT).status_code == 302


def test_a_password_change_ends_the_open_sessions(client, db):
    official = client.application.test_client()
    assert sign_in(official, "tanlap").status_code == 302
    assert sign_in(client, "admin").status_code == 302
    _admin_edits_tanlap(client, db, password="a-new-long-passphrase-2026")
    assert official.get(REPORT).status_code == 302
    assert sign_in(official, "tanlap", "a-new-long-passphrase-2026").status_code == 302
    assert sign_in(client.application.test_client(), "tanlap", OFFICIALS["tanlap"][0]).status_code == 401


def test_deactivation_ends_the_open_sessions(client, db):
    official = client.application.test_client()
    assert sign_in(official, "tanlap").status_code == 302
    assert sign_in(client, "admin").status_code == 302
    _admin_edits_tanlap(client, db, active=None)
    assert official.get(REPORT).status_code == 302


def test_a_role_change_ends_the_open_sessions(client, db):
    official = client.application.test_client()
    assert sign_in(official, "tanlap").status_code == 302
    assert sign_in(client, "admin").status_code == 302
    _admin_edits_tanlap(client, db, role="manager")
    assert official.get(REPORT).status_code == 302


def test_a_scope_change_ends_the_open_sessions(client, db):
    official = client.application.test_client()
    assert sign_in(official, "tanlap").status_code == 302
    assert sign_in(client, "admin").status_code == 302
    _admin_edits_tanlap(client, db, unit=OTHER_COMMUNE)
    assert official.get(REPORT).status_code == 302
    assert official.get(f"/reports/{OTHER_COMMUNE}/{MONTH}").status_code == 302


def test_a_name_change_keeps_the_session(client, db):
    official = client.application.test_client()
    assert sign_in(official, "tanlap").status_code == 302
    assert sign_in(client, "admin").status_code == 302
    _admin_edits_tanlap(client, db, full_name="Tân Lập")
    assert _opens_the_report(official)
