"""The administrators' campaign pages: create (Flask-WTF form, refusals beside their field),
draw, progress by stratum, and the campaign report (page, print, JSON, CSV, XLSX); the campaign
link's opt-out."""
from __future__ import annotations

import io
import json
import re

import jinja2
from openpyxl import load_workbook
from sqlalchemy import func, select

from surveyapp.db import get_session
from surveyapp.models import Campaign, CampaignSample, InvitationOptOut
from surveyapp.services.accounts import accounts
from tests.campaigns.helpers import post_frame
from tests.survey.helpers import full_answers

CITIZEN_ONLY = {k: v for k, v in full_answers().items() if k not in ("submit_channel", "receive_channel", "ontime")}
FORM = {"name": "Đột xuất quý IV", "unit": "DEMO", "period": "2026-10", "sample": "10", "allocation": "proportional",
        "target": "0.85", "definition": "", "channels": "email,sms"}


def sign_in_admin(app, client):  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "admin", "admin-password-123", "admin", None)
        session.commit()
    assert client.post("/login", data={"username": "admin", "password": "admin-password-123"}).status_code == 302


def test_an_administrator_creates_draws_and_reads_a_campaign(app, client, smtp, runner):
    app.jinja_env.undefined = jinja2.StrictUndefined  # a misspelt attribute fails instead of showing nothing
    post_frame(app, client)
    sign_in_admin(app, client)
    assert client.get("/admin/campaigns").status_code == 200
    created = client.post("/admin/campaigns", data=FORM)
    assert created.status_code == 303
    campaign_id = int(re.search(r"/admin/campaigns/(\d+)$", created.headers["Location"]).group(1))
    page = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'name="seed"' in page
    before = client.get(f"/admin/campaigns/{campaign_id}/report.json").get_json()
    assert before["strata"] == [] and before["respondents"] == 0 and before["overall"]["value"] is None
    drawn = client.post(f"/admin/campaigns/{campaign_id}/draw", data={"seed": "2026"})
    assert drawn.status_code == 303
    page = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'data-testid="campaign-progress"' in page and "DEMO-TTHCC" in page
    assert 'data-testid="campaign-seed">2026<' in page

    assert runner.invoke(args=["send-invitations", "--at", "2026-11-27T21:00"]).exit_code == 0
    link = re.search(r"(/c/[A-Za-z0-9_-]{22})", smtp.messages[0].get_content()).group(1)
    assert client.post(link, data={**CITIZEN_ONLY, "overall": "5"}).status_code == 303

    report = client.get(f"/admin/campaigns/{campaign_id}/report")
    assert report.status_code == 200 and 'data-testid="campaign-strata"' in report.get_data(as_text=True)
    assert client.get(f"/admin/campaigns/{campaign_id}/report/print").status_code == 200
    body = client.get(f"/admin/campaigns/{campaign_id}/report.json").get_json()
    assert body["respondents"] == 1 and body["overall"]["value"] == 1.0
    csv_text = client.get(f"/admin/campaigns/{campaign_id}/report.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffcampaign,")
    sheet = load_workbook(io.BytesIO(client.get(f"/admin/campaigns/{campaign_id}/report.xlsx").data)).active
    assert sheet["A3"].value == "campaign"
    assert json.dumps(body, ensure_ascii=False).count("@example.vn") == 0


def test_refusals_are_shown_beside_their_field_and_store_nothing(app, client):
    post_frame(app, client)
    sign_in_admin(app, client)
    refused = client.post("/admin/campaigns", data={**FORM, "period": "2026-13"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    refused = client.post("/admin/campaigns", data={**FORM, "name": "<script>alert(1)</script>", "unit": "NOPE"})
    assert refused.status_code == 400
    assert "<script>alert(1)" not in refused.get_data(as_text=True)
    created = client.post("/admin/campaigns", data={**FORM, "sample": "50"})
    campaign_id = int(created.headers["Location"].rsplit("/", 1)[1])
    too_big = client.post(f"/admin/campaigns/{campaign_id}/draw", data={"seed": "1"})
    assert too_big.status_code == 400
    assert "(50)" in too_big.get_data(as_text=True)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Campaign)) == 1
        assert session.scalar(select(func.count()).select_from(CampaignSample)) == 0
    assert client.get("/admin/campaigns/999").status_code == 404


def test_the_opt_out_link_of_a_campaign_invitation(app, client, smtp, runner):
    post_frame(app, client)
    sign_in_admin(app, client)
    created = client.post("/admin/campaigns", data=FORM)
    campaign_id = int(created.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/admin/campaigns/{campaign_id}/draw", data={"seed": "5"})
    assert runner.invoke(args=["send-invitations", "--at", "2026-11-27T21:00"]).exit_code == 0
    link = re.search(r"(/c/[A-Za-z0-9_-]{22})/opt-out", smtp.messages[0].get_content()).group(1)
    assert client.get(link + "/opt-out").status_code == 200
    assert client.post(link + "/opt-out").status_code == 200
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(InvitationOptOut)) == 1
    assert client.get("/c/not-a-real-link").status_code == 404


def test_a_year_to_date_period_is_stored_as_its_months(app, runner):
    result = runner.invoke(args=["campaign", "create", "--name", "YTD", "--unit", "DEMO", "--period", "2026-YTD",
                                 "--sample", "5"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = get_session().get(Campaign, int(result.output))
        assert stored.period.startswith("2026-01..2026-")
