"""Repeated failed sign-ins are slowed down; sign-ins and exports are logged without raw IPs."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from surveyapp.models import AuditEvent, LoginAttempt
from surveyapp.models.base import utcnow
from surveyapp.services.accounts import throttle
from tests.dashboard.conftest import COMMUNE, MONTH, sign_in


def test_delay_grows_after_a_few_free_failures():
    free = throttle.FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS
    assert [throttle.delay_after(n, free) for n in range(free)] == [0] * free
    delays = [throttle.delay_after(n, free) for n in range(free, free + 8)]
    assert delays[0] == throttle.FIRST_DELAY_SECONDS
    assert all(b >= a for a, b in zip(delays, delays[1:], strict=False)) and delays[-1] == throttle.MAX_DELAY_SECONDS


def test_many_wrong_passwords_lock_the_account_for_a_while_even_with_the_right_one(client, db):
    for _ in range(throttle.FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert sign_in(client, "tanlap", "guess-guess").status_code == 401
    blocked = sign_in(client, "tanlap")  # the right password, but too soon
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Quá nhiều lần đăng nhập sai" in blocked.get_data(as_text=True)
    # another official at another machine is not affected
    assert sign_in(client.application.test_client(), "admin").status_code == 302


def test_the_lock_lifts_when_the_delay_has_passed(client, db):
    for _ in range(throttle.FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        sign_in(client, "tanlap", "guess-guess")
    # move the recorded failures into the past instead of sleeping
    for attempt in db.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(seconds=throttle.FIRST_DELAY_SECONDS + 1)
    db.commit()
    assert sign_in(client, "tanlap").status_code == 302
    # success forgives the account's failures
    keys = throttle.keys_for("test-secret", "tanlap", "127.0.0.1")
    assert db.scalar(select(LoginAttempt).where(LoginAttempt.key.in_([keys.account, keys.account_and_address]))) is None


def test_random_usernames_from_one_address_do_not_lock_out_the_other_officials_behind_it(client):
    # Issue 11: a province office's NAT is one address; a script spraying usernames from it
    # must not stop the officials behind it from signing in with their own passwords.
    for number in range(100):
        assert sign_in(client, f"user{number}", "guess-guess").status_code == 401
    assert sign_in(client, "tanlap").status_code == 302
    assert sign_in(client.application.test_client(), "binhminh").status_code == 302


def test_guessing_one_account_from_one_address_stays_slowed_down_after_a_spray(client):
    for number in range(30):
        sign_in(client, f"user{number}", "guess-guess")
    for _ in range(throttle.FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert sign_in(client, "tanlap", "guess-guess").status_code == 401
    assert sign_in(client, "tanlap", "another-guess").status_code == 429
    assert sign_in(client, "tanlap").status_code == 429  # even the right password, until the delay passes
    assert sign_in(client, "binhminh").status_code == 302  # the neighbour at the same address is not affected


def test_guessing_one_account_from_many_addresses_is_slowed_down(client):
    for number in range(throttle.FREE_FAILURES_PER_ACCOUNT):
        address = f"10.1.{number // 250}.{number % 250 + 1}"
        reply = client.post("/login", data={"username": "tanlap", "password": "guess-guess"},
                            environ_base={"REMOTE_ADDR": address})
        assert reply.status_code == 401
    elsewhere = client.post("/login", data={"username": "tanlap", "password": "guess-again"},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code == 429


def test_the_keys_name_the_account_and_the_pair_never_the_address_alone():
    keys = throttle.keys_for("k", "Tanlap ", "10.0.0.1")
    assert keys.account == throttle.keys_for("k", "tanlap", "10.0.0.2").account
    assert keys.account_and_address == throttle.keys_for("k", "tanlap", "10.0.0.1").account_and_address
    assert keys.account_and_address != throttle.keys_for("k", "tanlap", "10.0.0.2").account_and_address
    assert keys.account_and_address != throttle.keys_for("k", "binhminh", "10.0.0.1").account_and_address


def test_old_attempts_are_forgotten(db):
    keys = throttle.keys_for("k", "someone", "10.0.0.1")
    old = utcnow() - throttle.WINDOW - timedelta(minutes=1)
    db.add(LoginAttempt(key=keys.account, at=old))
    db.commit()
    throttle.record_failure(db, throttle.keys_for("k", "other", "10.0.0.2"))
    db.commit()
    assert db.scalar(select(LoginAttempt).where(LoginAttempt.at == old)) is None


def test_sign_ins_are_audited_with_a_hashed_address(client, db):
    sign_in(client, "tanlap", "wrong-password")
    sign_in(client, "tanlap")
    events = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.action, e.username) for e in events][-2:] == [("login_failed", "tanlap"), ("login", "tanlap")]
    assert all(e.address_hash and "127.0.0.1" not in e.address_hash for e in events)
    assert all("127.0.0.1" not in a.key for a in db.scalars(select(LoginAttempt)))


def test_every_export_is_audited(as_commune, db):
    for suffix in (".csv", ".xlsx", "/print", "/responses.csv", "/responses.xlsx"):
        assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}{suffix}").status_code == 200
    exports = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)))
    assert [e.detail["format"] for e in exports] == ["csv", "xlsx", "print", "responses.csv", "responses.xlsx"]
    assert {e.username for e in exports} == {"tanlap"} and {e.target for e in exports} == {f"{COMMUNE}/{MONTH}"}


def test_refused_exports_leave_no_file_and_no_export_entry(as_commune, db):
    assert as_commune.get(f"/reports/DEMO-X-BINHMINH/{MONTH}.csv").status_code == 403
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


def test_administrator_reads_the_audit_log(as_admin):
    page = as_admin.get("/admin/audit?action=login")
    assert page.status_code == 200 and "admin" in page.get_data(as_text=True)
