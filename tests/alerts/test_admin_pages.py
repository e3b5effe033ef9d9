"""The administrators' alerts page (subscriptions, webhooks, rules), the deliveries log and an
account's alert email, through the real forms."""
from __future__ import annotations

from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import AlertRule, AuditEvent, Subscription, User, Webhook
from surveyapp.services.accounts import accounts
from tests.alerts.test_send_alerts import HOSTILE, SECRET_PHONE, report_harassment, send_alerts


def sign_in(app, client, role: str = "admin", unit: str | None = None) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        accounts.create_user(session, f"{role}-1", "long-enough-passphrase", role, unit)
        session.commit()
    assert client.post("/login", data={"username": f"{role}-1", "password": "long-enough-passphrase"}).status_code == 302


def test_an_administrator_adds_and_removes_a_subscription(app, client, db):
    sign_in(app, client)
    assert client.get("/admin/alerts").status_code == 200
    added = client.post("/admin/alerts/subscriptions", data={"unit": "DEMO-TTHCC", "email": "Lanh.Dao@anphu.gov.vn",
                                                             "kind": "reports", "format": "pdf,xlsx",
                                                             "period_kind": "quarter"})
    assert added.status_code == 302
    stored = db.scalars(select(Subscription)).one()
    assert (stored.email, stored.formats, stored.period_kind) == ("lanh.dao@anphu.gov.vn", "pdf,xlsx", "quarter")
    page = client.get("/admin/alerts").get_data(as_text=True)
    assert "lanh.dao@anphu.gov.vn" in page
    assert client.post(f"/admin/alerts/subscriptions/{stored.id}/remove").status_code == 302
    db.expire_all()
    assert db.scalars(select(Subscription)).all() == []
    audited = [(e.action, e.username, e.target) for e in db.scalars(select(AuditEvent).where(
        AuditEvent.action.like("subscription%")).order_by(AuditEvent.id))]
    assert audited == [("subscription_saved", "admin-1", "DEMO-TTHCC reports lanh.dao@anphu.gov.vn"),
                       ("subscription_removed", "admin-1", "DEMO-TTHCC reports lanh.dao@anphu.gov.vn")]


def test_a_malformed_subscription_is_shown_beside_its_field_and_nothing_is_stored(app, client, db):
    sign_in(app, client)
    refused = client.post("/admin/alerts/subscriptions", data={"unit": "DEMO", "email": "<b>no</b>",
                                                               "kind": "alerts", "format": "pdf",
                                                               "period_kind": "month"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "không phải là địa chỉ email" in page and "<b>no</b>" not in page and "&lt;b&gt;no&lt;/b&gt;" in page
    assert 'aria-invalid="true"' in page
    bad_format = client.post("/admin/alerts/subscriptions", data={"unit": "DEMO", "email": "a@b.vn", "kind": "reports",
                                                                  "format": "docx", "period_kind": "month"})
    assert bad_format.status_code == 400
    unknown = client.post("/admin/alerts/subscriptions", data={"unit": "NOWHERE", "email": "a@b.vn", "kind": "alerts",
                                                               "format": "pdf", "period_kind": "month"})
    assert unknown.status_code == 400 and "Không có đơn vị NOWHERE" in unknown.get_data(as_text=True)
    assert db.scalars(select(Subscription)).all() == []


def test_an_administrator_adds_a_webhook_and_a_rule(app, client, db):
    sign_in(app, client)
    added = client.post("/admin/alerts/webhooks", data={"unit": "DEMO", "url": "https://hooks.example.vn/a",
                                                        "secret": "a-long-enough-secret", "events": ["harassment", "fall"]})
    assert added.status_code == 302
    webhook = db.scalars(select(Webhook)).one()
    assert webhook.events == "harassment,fall"
    page = client.get("/admin/alerts").get_data(as_text=True)
    assert "https://hooks.example.vn/a" in page and "a-long-enough-secret" not in page
    short = client.post("/admin/alerts/webhooks", data={"unit": "DEMO", "url": "https://hooks.example.vn/b",
                                                        "secret": "short"})
    assert short.status_code == 400
    rule = client.post("/admin/alerts/rules", data={"unit": "DEMO-TTHCC", "events": ["funnel"]})
    assert rule.status_code == 302
    stored = db.scalars(select(AlertRule)).one()
    assert (stored.events, stored.enabled) == ("funnel", False)  # the "on" box was left unticked
    assert client.post("/admin/alerts/rules/DEMO-TTHCC/remove").status_code == 302
    assert client.post(f"/admin/alerts/webhooks/{webhook.id}/remove").status_code == 302
    db.expire_all()
    assert db.scalars(select(Webhook)).all() == [] and db.scalars(select(AlertRule)).all() == []


def test_the_deliveries_page_shows_status_and_attempts_but_never_the_content(app, client, runner, smtp, receiver):
    assert runner.invoke(args=["subscribe", "--unit", "DEMO", "--email", "a@anphu.gov.vn", "--kind", "alerts"]).exit_code == 0
    report_harassment(client)
    send_alerts(runner)
    sign_in(app, client)
    page = client.get("/admin/alerts/deliveries").get_data(as_text=True)
    assert 'data-state="sent"' in page and "a@anphu.gov.vn" in page and "DEMO-TTHCC" in page
    assert SECRET_PHONE not in page and HOSTILE not in page and "TT-Q01" not in page


def test_only_administrators_reach_the_alert_pages(app, client):
    sign_in(app, client, "manager", "DEMO-TTHCC")
    for url in ("/admin/alerts", "/admin/alerts/deliveries"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/alerts/subscriptions", data={"unit": "DEMO", "email": "a@b.vn", "kind": "alerts"}).status_code == 403


def test_an_account_email_is_set_on_the_account_page(app, client, db):
    sign_in(app, client)
    with app.app_context():
        session = get_session()
        viewer = accounts.create_user(session, "tthcc", "long-enough-passphrase", "viewer", "DEMO-TTHCC")
        session.commit()
        viewer_id = viewer.id
    form = {"role": "viewer", "unit": "DEMO-TTHCC", "full_name": "T", "active": "1"}
    assert client.post(f"/admin/users/{viewer_id}", data={**form, "email": "TTHCC@anphu.gov.vn"}).status_code == 302
    db.expire_all()
    assert db.get(User, viewer_id).email == "tthcc@anphu.gov.vn"
    assert 'value="tthcc@anphu.gov.vn"' in client.get(f"/admin/users/{viewer_id}").get_data(as_text=True)
    refused = client.post(f"/admin/users/{viewer_id}", data={**form, "email": "not an address"})
    assert refused.status_code == 400 and "Nhập địa chỉ email" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, viewer_id).email == "tthcc@anphu.gov.vn"
