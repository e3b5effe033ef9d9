"""A dossier's link: the form skips what the dossier knows, records where each fact came from,
is answered once, expires with a friendly page, and its QR codes print."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from surveyapp.models import Dossier, Response, Unit
from surveyapp.periods import this_month
from surveyapp.services.reporting.reports import monthly_report
from tests.dossiers.helpers import api_client, bearer, dossier
from tests.survey.helpers import full_answers

# What only the citizen knows: the dossier's facts (channels, on time) are left out.
CITIZEN_ONLY = {k: v for k, v in full_answers().items() if k not in ("submit_channel", "receive_channel", "ontime")}


def link_of(app, client, **fields) -> str:  # type: ignore[no-untyped-def]
    secret = api_client(app)
    [result] = client.post("/api/v1/dossiers", json=dossier(**fields), headers=bearer(secret)).get_json()["results"]
    assert result["status"] == 201, result
    return result["url"].removeprefix("https://survey.example.vn")


def test_the_form_shows_the_procedure_and_does_not_ask_what_the_dossier_knows(app, client):
    page = client.get(link_of(app, client)).get_data(as_text=True)
    assert "Đăng ký khai sinh" in page, "the procedure is shown"
    facts = page.split('data-testid="dossier-facts"')[1].split("</div>")[0]
    assert "Hình thức nộp hồ sơ" in facts and "Hình thức nhận kết quả" in facts
    main_flow = page.split('<details class="dossier-correction">')[0] + page.split("</details>")[1]
    for known in ("submit_channel", "receive_channel", "ontime", "apology"):
        assert f'name="{known}"' not in main_flow, f"{known} is not asked again"
    for asked in ("trips", "slip", "harassment", "overall", "TC01"):
        assert f'name="{asked}"' in main_flow


def test_an_answer_stores_the_dossier_facts_and_their_sources(app, client, db):
    url = link_of(app, client)  # late, with an apology slip, received directly, returned by post
    assert client.post(url, data=CITIZEN_ONLY).status_code == 303
    response = db.scalar(select(Response))
    assert response.channel == "qr" and response.procedure.code == "1.001193"
    assert {k: response.answers[k] for k in ("submit_channel", "receive_channel", "ontime", "apology")} == {
        "submit_channel": "direct", "receive_channel": "postal", "ontime": "late", "apology": "yes"}
    assert response.fact_sources == {
        "dossier": {"procedure": "1.001193", "submit_channel": "direct", "receive_channel": "postal", "ontime": "late", "apology": "yes"},
        "citizen": {},
    }
    assert db.scalar(select(Dossier)).used_on is not None
    assert not any("response" in column for column in Dossier.__table__.columns.keys()), "use is kept apart from answers"


def test_a_fact_the_dossier_lacks_is_asked_and_recorded_as_the_citizens(app, client, db):
    url = link_of(app, client, returned_on=None)
    page = client.get(url).get_data(as_text=True)
    assert 'name="ontime"' in page.split('<details class="dossier-correction">')[0] + page.split("</details>")[1]
    assert client.post(url, data={**CITIZEN_ONLY, "ontime": "pending"}).status_code == 303
    response = db.scalar(select(Response))
    assert response.answers["ontime"] == "pending"
    assert response.fact_sources["citizen"] == {"ontime": "pending"}
    assert "ontime" not in response.fact_sources["dossier"]


def test_late_without_a_known_apology_slip_asks_about_the_apology_directly(app, client):
    page = client.get(link_of(app, client, apology_slip=None)).get_data(as_text=True)
    main_flow = page.split('<details class="dossier-correction">')[0] + page.split("</details>")[1]
    assert 'id="q-apology"' in main_flow and 'data-show-if="ontime=late"' not in main_flow


def test_a_citizen_correction_is_kept_beside_the_dossier_fact_and_the_report_counts_disagreement(app, client, db):
    url = link_of(app, client)
    assert client.post(url, data={**CITIZEN_ONLY, "submit_channel": "online", "receive_channel": "postal"}).status_code == 303
    response = db.scalar(select(Response))
    assert response.answers["submit_channel"] == "direct", "the dossier's record is the stored answer"
    assert response.fact_sources["citizen"] == {"submit_channel": "online", "receive_channel": "postal"}

    report = monthly_report(db, db.scalar(select(Unit).where(Unit.code == "DEMO")), this_month()).to_json()
    block = report["dossier_facts"]
    assert block["responses"] == 1
    assert block["facts"]["submit_channel"] == {"dossier": 1, "citizen": 1, "both": 1, "disagree": 1, "disagree_share": 1.0}
    assert block["facts"]["receive_channel"] == {"dossier": 1, "citizen": 1, "both": 1, "disagree": 0, "disagree_share": 0.0}
    assert block["facts"]["ontime"] == {"dossier": 1, "citizen": 0, "both": 0, "disagree": 0, "disagree_share": None}


def test_a_report_without_dossier_answers_has_no_dossier_facts_block(db):
    report = monthly_report(db, db.scalar(select(Unit).where(Unit.code == "DEMO")), this_month()).to_json()
    assert "dossier_facts" not in report


def test_a_dossier_link_is_answered_once(app, client, db):
    url = link_of(app, client)
    assert client.post(url, data=CITIZEN_ONLY).status_code == 303
    again = client.post(url, data=CITIZEN_ONLY)
    assert again.status_code == 409 and client.get(url).status_code == 409
    assert len(list(db.scalars(select(Response)))) == 1


def test_invalid_answers_do_not_spend_the_link(app, client, db):
    url = link_of(app, client)
    without_overall = {k: v for k, v in CITIZEN_ONLY.items() if k != "overall"}
    assert client.post(url, data=without_overall).status_code == 400
    assert db.scalar(select(Dossier)).used_on is None


def test_an_expired_link_gets_a_friendly_page(app, client, db):
    url = link_of(app, client)
    stored = db.scalar(select(Dossier))
    stored.expires_on = date.today() - timedelta(days=2)
    db.commit()
    page = client.get(url)
    assert page.status_code == 410
    assert "Đường dẫn khảo sát này đã hết hạn" in page.get_data(as_text=True)
    assert client.post(url, data=CITIZEN_ONLY).status_code == 410
    assert db.scalar(select(Response)) is None


def test_an_unknown_link_gets_the_unknown_link_page(client):
    assert client.get("/d/not-a-real-link").status_code == 404
    assert client.get("/d/not-a-real-link/qr.svg").status_code == 404


@pytest.mark.parametrize(("kind", "mimetype", "start"), [("svg", "image/svg+xml", b"<svg"), ("png", "image/png", b"\x89PNG")])
def test_the_qr_codes_of_the_result_are_served(app, client, kind, mimetype, start):
    secret = api_client(app)
    [result] = client.post("/api/v1/dossiers", json=dossier(), headers=bearer(secret)).get_json()["results"]
    image = client.get(result[f"qr_{kind}_url"].removeprefix("https://survey.example.vn"))
    assert image.status_code == 200 and image.mimetype == mimetype and image.data.startswith(start)
