"""send-alerts end to end with real parts: a harassment report posted through the public form
reaches a real SMTP server and a signature-checking webhook receiver exactly once, without the
comment; a mail server or receiver that is down is retried after its back-off, and nothing is lost."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import AlertDelivery
from surveyapp.services.accounts import accounts
from surveyapp.timeutil import VIETNAM
from tests.alerts.receiver import WebhookReceiver
from tests.dossiers.servers import free_port
from tests.survey.helpers import full_answers

# What a citizen may type in a comment: it must never leave the database in an alert.
HOSTILE = "Tôi là Nguyễn Văn Hùng, SĐT 0912345678 <script>alert('x')</script> {{7*7}} =HYPERLINK(\"http://evil\")"
SECRET_NAME, SECRET_PHONE = "Nguyễn Văn Hùng", "0912345678"


def vietnam_now(minutes: int = 0) -> str:
    return (datetime.now(VIETNAM).replace(tzinfo=None) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def follow(runner, receiver, email: str = "lanh.dao@anphu.gov.vn") -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["subscribe", "--unit", "DEMO", "--email", email, "--kind", "alerts"]).exit_code == 0
    added = runner.invoke(args=["webhook", "add", "--unit", "DEMO-TTHCC", "--url", receiver.url,
                                "--secret", receiver.secret, "--events", "harassment,extra_payment"])
    assert added.exit_code == 0, added.output


def report_harassment(client, **answers: object) -> None:  # type: ignore[no-untyped-def]
    given: dict[str, object] = {"harassment": "many", "comment": HOSTILE, **answers}
    reply = client.post("/s/TT-Q01?p=1.001193", data=full_answers(**given))
    assert reply.status_code == 303


def mail_text(message) -> str:  # type: ignore[no-untyped-def]
    return f"{message['Subject']}\n{message.get_content()}"


def send_alerts(runner, at: str | None = None):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["send-alerts", *(["--at", at] if at else [])])
    assert result.exit_code == 0, result.output
    return result


def test_a_harassment_report_reaches_the_mailbox_and_the_webhook_once_without_the_comment(
    runner, client, smtp, receiver
):
    follow(runner, receiver)
    report_harassment(client)

    send_alerts(runner)
    send_alerts(runner)

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "lanh.dao@anphu.gov.vn"
    text = mail_text(message)
    assert "TT-Q01" in text and "DEMO-TTHCC" in text and "1.001193" in text
    assert "1 phản ánh mới" in text
    assert receiver.posts == 1 and receiver.bad_signatures == 0
    (delivery_id, body), = receiver.accepted.items()
    assert body["delivery"] == delivery_id and body["category"] == "incident"
    (alert,) = body["alerts"]
    assert alert["event"] == "harassment" and alert["count"] == 1
    assert alert["unit"]["code"] == "DEMO-TTHCC" and alert["counter"]["code"] == "TT-Q01"
    assert alert["procedure"]["code"] == "1.001193"
    assert alert["period"] == datetime.now(VIETNAM).strftime("%Y-%m")
    for leaked in (SECRET_NAME, SECRET_PHONE, "script", "HYPERLINK"):
        assert leaked not in text
        assert leaked not in receiver.raw_bodies[0].decode("utf-8")
        assert leaked not in json.dumps(body, ensure_ascii=False)


def test_a_later_report_is_a_new_alert_and_the_earlier_one_is_not_repeated(runner, client, smtp, receiver):
    follow(runner, receiver)
    report_harassment(client)
    send_alerts(runner)
    report_harassment(client, harassment="none", extra_payment="yes")
    report_harassment(client, harassment="some")
    send_alerts(runner)
    send_alerts(runner)
    assert len(smtp.messages) == 2
    second = mail_text(smtp.messages[1])
    assert "2 phản ánh" not in second  # one of each flag, counted apart
    assert receiver.posts == 2
    latest = json.loads(receiver.raw_bodies[1])
    assert sorted((a["event"], a["count"]) for a in latest["alerts"]) == [("extra_payment", 1), ("harassment", 1)]


def test_a_report_without_an_incident_alerts_nobody(runner, client, smtp, receiver):
    follow(runner, receiver)
    assert client.post("/s/TT-Q01", data=full_answers(comment=HOSTILE)).status_code == 303
    send_alerts(runner)
    assert smtp.messages == [] and receiver.posts == 0


def test_accounts_in_scope_with_an_email_receive_alerts_by_default(app, runner, client, smtp):
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "tthcc", "long-enough-passphrase", "viewer", "DEMO-TTHCC", email="tthcc@anphu.gov.vn")
        accounts.create_user(session, "binh-minh", "long-enough-passphrase", "viewer", "DEMO-X-BINHMINH",
                             email="binhminh@anphu.gov.vn")
        accounts.create_user(session, "no-mail", "long-enough-passphrase", "viewer", "DEMO-TTHCC")
        session.commit()
    report_harassment(client)
    send_alerts(runner)
    assert [m["To"] for m in smtp.messages] == ["tthcc@anphu.gov.vn"]


def test_the_setting_turns_off_alerts_to_accounts(app, runner, client, smtp):
    app.config["ALERTS_TO_ACCOUNTS_IN_SCOPE"] = False
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "tthcc", "long-enough-passphrase", "viewer", "DEMO-TTHCC", email="tthcc@anphu.gov.vn")
        session.commit()
    report_harassment(client)
    send_alerts(runner)
    assert smtp.messages == []


def test_a_rule_override_turns_an_event_off_for_a_subtree(runner, client, smtp, receiver):
    follow(runner, receiver)
    assert runner.invoke(args=["alert-rule", "--unit", "DEMO-TTHCC", "--events", "extra_payment,fall"]).exit_code == 0
    report_harassment(client)
    send_alerts(runner)
    assert smtp.messages == [] and receiver.posts == 0
    assert runner.invoke(args=["alert-rule", "--unit", "DEMO-TTHCC", "--reset"]).exit_code == 0
    report_harassment(client)
    send_alerts(runner)
    assert len(smtp.messages) == 1  # only the report made after the rule allowed it again


def test_an_unreachable_mail_server_and_a_failing_webhook_are_retried_after_back_off(
    app, runner, client, smtp, receiver, db
):
    follow(runner, receiver)
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    receiver.status = 500
    report_harassment(client)

    first = send_alerts(runner)
    assert "2 lượt lỗi" in first.output  # reported, not crashed
    assert smtp.messages == [] and receiver.accepted == {}
    db.expire_all()
    waiting = db.scalars(select(AlertDelivery).order_by(AlertDelivery.id)).all()
    assert [(d.channel, d.status, d.attempts) for d in waiting] == [("email", "retrying", 1), ("webhook", "retrying", 1)]
    assert waiting[0].last_error.startswith("mail server") and waiting[1].last_error == "webhook answered 500"

    send_alerts(runner)  # within the back-off: not tried again
    assert receiver.posts == 1

    app.config["SMTP_PORT"] = smtp.port  # both come back
    receiver.status = 200
    send_alerts(runner, at=vietnam_now(minutes=2))
    assert len(smtp.messages) == 1 and "TT-Q01" in mail_text(smtp.messages[0])
    assert receiver.posts == 2 and len(receiver.accepted) == 1
    db.expire_all()
    assert [(d.status, d.attempts) for d in db.scalars(select(AlertDelivery).order_by(AlertDelivery.id))] == [
        ("sent", 2), ("sent", 2)]

    send_alerts(runner, at=vietnam_now(minutes=30))
    assert len(smtp.messages) == 1 and receiver.posts == 2


def test_an_unreachable_webhook_is_retried_and_delivered_once_when_it_comes_up(runner, client, smtp, db):
    port = free_port()  # nothing listens there yet
    secret = "receiver-shared-secret-0123"
    added = runner.invoke(args=["webhook", "add", "--unit", "DEMO", "--url", f"http://127.0.0.1:{port}/hook",
                                "--secret", secret])
    assert added.exit_code == 0, added.output
    report_harassment(client)
    first = send_alerts(runner)
    assert "webhook unreachable" in first.output
    db.expire_all()
    (delivery,) = db.scalars(select(AlertDelivery)).all()
    assert (delivery.status, delivery.attempts) == ("retrying", 1)

    receiver = WebhookReceiver(secret=secret, port=port)
    try:
        send_alerts(runner, at=vietnam_now(minutes=2))
        send_alerts(runner, at=vietnam_now(minutes=10))
        assert receiver.posts == 1 and receiver.bad_signatures == 0
        (body,) = receiver.accepted.values()
        assert body["delivery"] == delivery.uid and body["alerts"][0]["event"] == "harassment"
    finally:
        receiver.stop()


def test_the_back_off_doubles_and_is_capped():
    from surveyapp.services.alerts.deliveries import backoff

    assert [backoff(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(40, 60) == timedelta(hours=6)
