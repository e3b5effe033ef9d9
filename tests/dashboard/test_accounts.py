"""Accounts: the create-user CLI contract, sign-in, sessions that expire, account pages."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from surveyapp.models import AuditEvent, User
from tests.dashboard.conftest import COMMUNE, MONTH, csrf_from, sign_in


def test_create_user_cli_makes_an_account_that_can_sign_in(runner, client, db):
    result = runner.invoke(args=["create-user", "--username", "province-admin", "--password", "s3cret-passphrase", "--role", "admin"])
    assert result.exit_code == 0, result.output
    user = db.scalar(select(User).where(User.username == "province-admin"))
    assert user.role == "admin" and user.unit_id is None
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:")) and "s3cret-passphrase" not in user.password_hash
    response = sign_in(client, "province-admin", "s3cret-passphrase")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/")


def test_create_user_cli_binds_managers_and_viewers_to_a_unit(runner, db):
    ok = runner.invoke(args=["create-user", "--username", "an-phu", "--password", "long-enough-passphrase", "--role", "viewer", "--unit", "DEMO-P-ANPHU"])
    assert ok.exit_code == 0, ok.output
    assert db.scalar(select(User).where(User.username == "an-phu")).unit.code == "DEMO-P-ANPHU"
    no_unit = runner.invoke(args=["create-user", "--username", "lost", "--password", "long-enough-passphrase", "--role", "manager"])
    unknown = runner.invoke(args=["create-user", "--username", "lost", "--password", "long-enough-passphrase", "--role", "viewer", "--unit", "NOPE"])
    short = runner.invoke(args=["create-user", "--username", "lost", "--password", "short", "--role", "admin"])
    taken = runner.invoke(args=["create-user", "--username", "an-phu", "--password", "long-enough-passphrase", "--role", "admin"])
    bad_role = runner.invoke(args=["create-user", "--username", "lost", "--password", "long-enough-passphrase", "--role", "boss"])
    assert [r.exit_code for r in (no_unit, unknown, short, taken)] == [1, 1, 1, 1]
    assert bad_role.exit_code == 2
    assert db.scalar(select(User).where(User.username == "lost")) is None


def test_sign_in_lands_on_this_month_of_the_officials_unit(client):
    response = sign_in(client, "tanlap")
    assert response.status_code == 302
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 302 and f"/reports/{COMMUNE}/" in landing.headers["Location"]


def test_wrong_password_is_refused_with_one_message_for_name_and_password(client):
    wrong_password = sign_in(client, "tanlap", "not-the-password")
    wrong_name = sign_in(client, "nobody-here", "whatever-it-is")
    assert wrong_password.status_code == wrong_name.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong_password.get_data(as_text=True)
    assert client.get(f"/reports/{COMMUNE}/{MONTH}").status_code == 302  # still signed out


def test_pages_need_a_signed_in_official(client):
    for url in ("/reports", f"/reports/{COMMUNE}/{MONTH}", f"/reports/{COMMUNE}/{MONTH}.csv", "/manage/units", "/admin/users"):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], url


def test_next_parameter_returns_to_the_page_but_never_to_another_site(client):
    ok = client.post("/login?next=/manage/counters", data={"username": "tanlap", "password": "tanlap-password"})
    assert ok.headers["Location"] == "/manage/counters"
    client.post("/logout")
    evil = client.post("/login", data={"username": "tanlap", "password": "tanlap-password", "next": "https://evil.example/x"})
    assert evil.headers["Location"] == "/reports/"
    client.post("/logout")
    evil2 = client.post("/login", data={"username": "tanlap", "password": "tanlap-password", "next": "//evil.example/x"})
    assert evil2.headers["Location"] == "/reports/"


def test_sign_out_ends_the_session(as_commune):
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}").status_code == 200
    as_commune.post("/logout")
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}").status_code == 302


def test_session_expires_after_idle_time(as_commune, app):
    with as_commune.session_transaction() as session:
        session["seen_at"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    response = as_commune.get(f"/reports/{COMMUNE}/{MONTH}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = as_commune.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="username"' in page


def test_session_expires_after_its_lifetime_even_when_active(as_commune, app):
    lifetime = app.permanent_session_lifetime.total_seconds()
    assert lifetime <= 12 * 3600  # not Flask's 31 days
    with as_commune.session_transaction() as session:
        session["auth_at"] = int(time.time() - lifetime - 5)
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}").status_code == 302


def test_session_cookie_is_http_only(client):
    response = sign_in(client, "tanlap")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_changing_an_account_signs_it_out_everywhere(app, as_admin):
    official = app.test_client()
    sign_in(official, "tanlap")
    assert official.get(f"/reports/{COMMUNE}/{MONTH}").status_code == 200
    with app.app_context():
        from surveyapp.db import get_session

        user_id = get_session().scalar(select(User.id).where(User.username == "tanlap"))
    saved = as_admin.post(f"/admin/users/{user_id}", data={"role": "viewer", "unit": COMMUNE, "full_name": "T", "active": "1", "password": "a-new-password"})
    assert saved.status_code == 302
    assert official.get(f"/reports/{COMMUNE}/{MONTH}").status_code == 302
    assert sign_in(official, "tanlap", "a-new-password").status_code == 302


def test_deactivated_account_cannot_sign_in(app, as_admin, client, db):
    user_id = db.scalar(select(User.id).where(User.username == "binhminh"))
    as_admin.post(f"/admin/users/{user_id}", data={"role": "viewer", "unit": "DEMO-X-BINHMINH", "full_name": "B"})
    other = app.test_client()
    assert sign_in(other, "binhminh").status_code == 401


def test_administrator_creates_accounts_and_the_change_is_audited(as_admin, db):
    page = as_admin.get("/admin/users")
    assert page.status_code == 200 and "tanlap" in page.get_data(as_text=True)
    created = as_admin.post("/admin/users", data={"username": "dong-son", "password": "dong-son-pass", "role": "manager", "unit": "DEMO-X-DONGSON"})
    assert created.status_code == 302
    user = db.scalar(select(User).where(User.username == "dong-son"))
    assert user.role == "manager" and user.unit.code == "DEMO-X-DONGSON"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user_created", AuditEvent.target == "dong-son"))
    assert event.username == "admin"
    refused = as_admin.post("/admin/users", data={"username": "x y", "password": "dong-son-pass", "role": "viewer", "unit": "DEMO"})
    assert refused.status_code == 400


def test_administrator_cannot_lock_themselves_out(as_admin, db):
    admin_id = db.scalar(select(User.id).where(User.username == "admin"))
    response = as_admin.post(f"/admin/users/{admin_id}", data={"role": "viewer", "unit": "DEMO", "full_name": "A"})
    assert response.status_code == 400
    assert as_admin.get("/admin/users").status_code == 200


def test_only_administrators_reach_account_pages(as_manager):
    for url in ("/admin/users", "/admin/users/1", "/admin/audit"):
        assert as_manager.get(url).status_code == 403, url
    assert as_manager.post("/admin/users", data={"username": "sneaky", "password": "sneaky-pass", "role": "admin"}).status_code == 403


def test_sign_in_form_is_protected_by_csrf_when_enabled(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/login", data={"username": "tanlap", "password": "tanlap-password"}).status_code == 400
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "tanlap", "password": "tanlap-password", "csrf_token": token})
    assert response.status_code == 302


def test_passwords_are_hashed_with_scrypt_by_default():
    from werkzeug.security import check_password_hash

    from surveyapp.services.accounts.accounts import hash_password

    hashed = hash_password("correct horse battery")  # outside an app: the production default
    assert hashed.startswith("scrypt:") and check_password_hash(hashed, "correct horse battery")


def test_the_home_page_leads_officials_to_the_sign_in(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in html and "Cán bộ: đăng nhập bảng theo dõi" in html


@pytest.mark.parametrize(("language", "too_short", "too_common"), [
    ("vi", "Mật khẩu phải có ít nhất 12 ký tự.", "mật khẩu phổ biến nhất"),
    ("en", "The password must have at least 12 characters.", "one of the most common passwords"),
])
def test_create_user_cli_refuses_short_and_common_passwords_in_both_languages(runner, db, language, too_short,
                                                                              too_common):
    # (one language per test: the messages' language is fixed for the app context they share)
    base = ["create-user", "--username", "weak", "--role", "admin"]
    short = runner.invoke(args=[*base, "--password", "12345678"], env={"SURVEYAPP_LANG": language})
    common = runner.invoke(args=[*base, "--password", "password1234"], env={"SURVEYAPP_LANG": language})
    also_common = runner.invoke(args=[*base, "--password", "qwertyuiop123"], env={"SURVEYAPP_LANG": language})
    assert [r.exit_code for r in (short, common, also_common)] == [1, 1, 1]
    assert too_short in short.output
    assert too_common in common.output and too_common in also_common.output
    assert "Traceback" not in common.output
    assert db.scalar(select(User).where(User.username == "weak")) is None


def test_the_account_page_refuses_a_common_password_beside_the_field(as_admin, db):
    reply = as_admin.post("/admin/users", data={"username": "weak-web", "password": "Password1234!", "role": "admin",
                                                "unit": ""})
    assert reply.status_code == 400
    assert "mật khẩu phổ biến nhất" in reply.get_data(as_text=True)
    assert db.scalar(select(User).where(User.username == "weak-web")) is None
