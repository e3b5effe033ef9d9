"""End to end with real parts: the one-stop software posts dossiers over HTTP, `send-invitations`
mails one citizen (a real SMTP server) and texts another (a local HTTP SMS gateway), a citizen
answers the emailed link on a phone in Chromium without being asked what the dossier knows, and
the monthly report counts the answer with its recorded facts."""
from __future__ import annotations

import json
import re
import urllib.request
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from analysis import sipas
from surveyapp.models import Dossier, Response
from surveyapp.periods import this_month
from tests.dossiers.conftest import CONTACT_KEY

pytestmark = pytest.mark.browser

EMAIL, PHONE = "tran.van.c@example.vn", "+84912345678"
LINK = re.compile(r"https?://[^\s)]+/d/[A-Za-z0-9_-]+(?=[\s)]|$)")


@pytest.fixture
def app_config(smtp, gateway):  # type: ignore[no-untyped-def]
    return {
        "WTF_CSRF_ENABLED": True, "CONTACT_KEY": CONTACT_KEY,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False,
        "SMS_GATEWAY_URL": gateway.url,
        # One citizen's answer is read back from the report: show counts from the first response
        # (below MIN_RESPONSES every count is suppressed, docs/REPORT.md).
        "MIN_RESPONSES": 1,
    }


def post_json(url: str, secret: str, body: object) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {secret}", "Content-Type": "application/json", "Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        return json.loads(answer.read())


def tap(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()


def test_a_dossier_posted_invited_answered_in_a_browser_and_found_in_the_report(live_server, runner, phone, db, smtp, gateway):
    created = runner.invoke(args=["create-api-client", "--name", "mot-cua-tinh", "--unit", "DEMO"])
    secret = created.stdout.splitlines()[0]
    today = date.today()
    facts = {"procedure": "1.001193", "counter": "TT-Q01", "submit_channel": "online", "receive_channel": "postal",
             "received_on": (today - timedelta(days=12)).isoformat(), "due_on": (today - timedelta(days=2)).isoformat(),
             "returned_on": today.isoformat(), "apology_slip": True}
    answer = post_json(f"{live_server.url}/api/v1/dossiers", secret, [
        {"dossier_code": "000.00.01.H01-261127-0007", **facts, "contact": {"email": EMAIL}, "consent": True},
        {"dossier_code": "000.00.01.H01-261127-0008", **facts, "contact": {"phone": PHONE}, "consent": True},
    ])
    assert [(r["status"], r["invitation"]) for r in answer["results"]] == [(201, "queued"), (201, "queued")]

    sent = runner.invoke(args=["send-invitations", "--at", f"{today.isoformat()}T20:05"])
    assert sent.exit_code == 0, sent.output
    [mail] = smtp.messages
    assert mail["To"] == EMAIL
    emailed = LINK.findall(mail.get_content())
    assert emailed[0] == answer["results"][0]["url"]
    [sms] = gateway.calls
    assert sms.json()["to"] == PHONE and answer["results"][1]["url"] in sms.json()["message"]

    # The citizen opens the emailed link on a phone: the procedure is shown, the channels and
    # the late result with its apology slip are not asked again.
    phone.goto(emailed[0])
    assert "Đăng ký khai sinh" in phone.locator("#step-context").inner_text()
    assert phone.get_by_test_id("dossier-facts").is_visible()
    assert not phone.locator("#step-context .dossier-correction input:visible").count()
    phone.get_by_role("button", name="Tiếp theo").first.click()
    step = phone.locator("#step-facts")
    assert step.is_visible()
    assert not step.locator('input[name="ontime"]').count() and not step.locator('input[name="apology"]').count()
    tap(phone, "trips", "1")
    tap(phone, "slip", "yes")
    tap(phone, "harassment", "none")
    step.get_by_role("button", name="Tiếp theo").click()
    for element in sipas.ELEMENTS:
        part = phone.locator(f"#step-{element}")
        for criterion in sipas.CRITERIA_OF_ELEMENT[element]:
            tap(phone, criterion, "5")
        part.get_by_role("button", name="Tiếp theo").click()
    tap(phone, "overall", "4")
    phone.get_by_role("button", name="Tiếp theo").last.click()
    phone.get_by_role("button", name="Gửi ý kiến").click()
    phone.wait_for_url("**/thanks")

    db.expire_all()
    [response] = db.scalars(select(Response))
    assert response.answers["ontime"] == "late" and response.answers["apology"] == "yes"
    assert response.answers["submit_channel"] == "online"
    assert response.fact_sources["dossier"]["ontime"] == "late" and response.fact_sources["citizen"] == {}
    emailed_dossier, texted_dossier = db.scalars(select(Dossier).order_by(Dossier.id))
    assert emailed_dossier.used_on is not None and texted_dossier.used_on is None

    report = runner.invoke(args=["report", "--unit", "DEMO", "--month", this_month()])
    assert report.exit_code == 0, report.output
    body = json.loads(report.stdout)
    assert body["n_responses"] == 1
    assert body["flags"]["late"]["count"] == 1 and body["flags"]["late_without_apology"]["count"] == 0
    assert body["channels"]["online"]["count"] == 1
    assert body["dossier_facts"]["responses"] == 1
    assert body["dossier_facts"]["facts"]["ontime"]["dossier"] == 1
    assert EMAIL not in report.stdout and PHONE not in report.stdout
