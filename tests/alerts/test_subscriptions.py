"""Subscriptions, an account's email and webhooks: the CLI contracts and their refusals."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from surveyapp.db import get_session
from surveyapp.models import AlertRule, Subscription, User, Webhook
from surveyapp.services.alerts.webhooks import secret_of
from tests.alerts.conftest import WEBHOOK_KEY


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_subscribe_stores_one_subscription_and_a_second_call_updates_it(runner, db):
    first = runner.invoke(args=["subscribe", "--unit", "DEMO-TTHCC", "--email", "Lanh.Dao@AnPhu.gov.vn",
                                "--kind", "reports", "--format", "xlsx,pdf", "--period-kind", "quarter"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["subscribe", "--unit", "DEMO-TTHCC", "--email", "lanh.dao@anphu.gov.vn",
                                "--kind", "reports", "--format", "xlsx"])
    assert again.exit_code == 0, again.output
    stored = db.scalars(select(Subscription)).one()
    assert (stored.unit.code, stored.kind, stored.email) == ("DEMO-TTHCC", "reports", "lanh.dao@anphu.gov.vn")
    assert (stored.formats, stored.period_kind) == ("xlsx", "month")
    alerts = runner.invoke(args=["subscribe", "--unit", "DEMO-TTHCC", "--email", "lanh.dao@anphu.gov.vn",
                                 "--kind", "alerts"])
    assert alerts.exit_code == 0
    assert count(db, Subscription) == 2
    assert (db.scalars(select(Subscription).where(Subscription.kind == "alerts")).one().formats) == "pdf"


def test_unsubscribe_removes_only_that_kind(runner, db):
    for kind in ("alerts", "reports"):
        runner.invoke(args=["subscribe", "--unit", "DEMO", "--email", "a@b.vn", "--kind", kind])
    gone = runner.invoke(args=["unsubscribe", "--unit", "DEMO", "--email", "A@B.vn", "--kind", "alerts"])
    assert gone.exit_code == 0, gone.output
    assert [s.kind for s in db.scalars(select(Subscription))] == ["reports"]
    twice = runner.invoke(args=["unsubscribe", "--unit", "DEMO", "--email", "a@b.vn", "--kind", "alerts"])
    assert twice.exit_code == 0
    assert count(db, Subscription) == 1


@pytest.mark.parametrize(("args", "english", "vietnamese"), [
    (["--email", "not-an-address"], "is not an email address", "không phải là địa chỉ email"),
    (["--unit", "NOWHERE"], "Unknown unit NOWHERE", "Không có đơn vị NOWHERE"),
    (["--kind", "digest"], "The kind must be alerts or reports", "Loại đăng ký phải là alerts hoặc reports"),
    (["--format", "pdf,docx"], "The format must be pdf, xlsx or pdf,xlsx", "Định dạng phải là pdf, xlsx"),
    (["--period-kind", "week"], "The period kind must be month, quarter or year", "Loại kỳ phải là month"),
])
@pytest.mark.parametrize("command", ["subscribe", "unsubscribe"])
def test_a_malformed_subscription_is_refused_in_both_languages_and_nothing_is_stored(
    runner, app, command, args, english, vietnamese
):
    # No app context is held across the two calls: the language is chosen once per context.
    given = {"--unit": "DEMO", "--email": "a@b.vn", "--kind": "reports"}
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [command, *[part for pair in given.items() for part in pair]]
    for lang, expected in (("en", english), ("vi", vietnamese)):
        result = runner.invoke(args=argv, env={"SURVEYAPP_LANG": lang})
        assert result.exit_code == 1
        assert expected in result.output
        assert "Traceback" not in result.output
    with app.app_context():
        assert count(get_session(), Subscription) == 0


def test_create_user_takes_an_email_and_refuses_a_malformed_one(runner, db):
    ok = runner.invoke(args=["create-user", "--username", "an-phu", "--password", "long-enough-passphrase",
                             "--role", "viewer", "--unit", "DEMO-P-ANPHU", "--email", "Chu.Tich@AnPhu.gov.vn"])
    assert ok.exit_code == 0, ok.output
    assert db.scalars(select(User)).one().email == "chu.tich@anphu.gov.vn"
    bad = runner.invoke(args=["create-user", "--username", "binh-minh", "--password", "long-enough-passphrase",
                              "--role", "viewer", "--unit", "DEMO-X-BINHMINH", "--email", "chu tich@"])
    assert bad.exit_code == 1
    assert "Nhập địa chỉ email" in bad.output
    assert count(db, User) == 1


def test_webhook_add_list_remove(runner, db, app):
    added = runner.invoke(args=["webhook", "add", "--unit", "DEMO", "--url", "https://hooks.example.vn/khaosat",
                                "--secret", "a-shared-secret-of-some-length", "--events", "fall,harassment"])
    assert added.exit_code == 0, added.output
    webhook = db.scalars(select(Webhook)).one()
    assert webhook.events == "harassment,fall"  # the fixed order of the events
    assert "a-shared-secret" not in webhook.secret_cipher  # encrypted at rest...
    assert secret_of(WEBHOOK_KEY, webhook) == "a-shared-secret-of-some-length"  # ...and readable to sign
    listed = runner.invoke(args=["webhook", "list"])
    assert listed.exit_code == 0
    assert f"{webhook.id}\tDEMO\tharassment,fall\thttps://hooks.example.vn/khaosat" in listed.output
    assert "a-shared-secret" not in listed.output
    removed = runner.invoke(args=["webhook", "remove", "--id", str(webhook.id)])
    assert removed.exit_code == 0, removed.output
    assert count(db, Webhook) == 0
    missing = runner.invoke(args=["webhook", "remove", "--id", "999"])
    assert missing.exit_code == 1


@pytest.mark.parametrize(("option", "value", "english"), [
    ("--url", "ftp://hooks.example.vn", "must start with http:// or https://"),
    ("--secret", "short", "The secret must have 16 to 256 characters"),
    ("--events", "harassment,weather", "The events must be among harassment, extra_payment, funnel, fall"),
    ("--unit", "NOWHERE", "Unknown unit NOWHERE"),
])
def test_a_malformed_webhook_is_refused(runner, app, option, value, english):
    given = {"--unit": "DEMO", "--url": "https://hooks.example.vn/x", "--secret": "a-shared-secret-of-some-length"}
    given[option] = value
    result = runner.invoke(args=["webhook", "add", *[part for pair in given.items() for part in pair]],
                           env={"SURVEYAPP_LANG": "en"})
    assert result.exit_code == 1
    assert english in result.output
    with app.app_context():
        assert count(get_session(), Webhook) == 0


@pytest.mark.parametrize(("args", "english"), [
    (["--unit", "DEMO", "--events", "harassment,rain"], "The events must be among harassment, extra_payment, funnel, fall"),
    (["--unit", "NOWHERE", "--events", "fall"], "Unknown unit NOWHERE"),
])
def test_a_malformed_rule_is_refused_and_nothing_is_stored(runner, app, args, english):
    result = runner.invoke(args=["alert-rule", *args], env={"SURVEYAPP_LANG": "en"})
    assert result.exit_code == 1
    assert english in result.output
    with app.app_context():
        assert count(get_session(), AlertRule) == 0


def test_a_rule_is_stored_then_reset(runner, db):
    assert runner.invoke(args=["alert-rule", "--unit", "DEMO-TTHCC", "--events", "fall,funnel"]).exit_code == 0
    rule = db.scalars(select(AlertRule)).one()
    assert (rule.events, rule.enabled) == ("funnel,fall", True)
    assert runner.invoke(args=["alert-rule", "--unit", "DEMO-TTHCC", "--off"]).exit_code == 0
    db.expire_all()
    assert db.scalars(select(AlertRule)).one().enabled is False
    assert runner.invoke(args=["alert-rule", "--unit", "DEMO-TTHCC", "--reset"]).exit_code == 0
    assert count(db, AlertRule) == 0
