"""POST /api/v1/dossiers: per-item results in the order posted, idempotency, conflicts, scope,
validation, keyed-hash codes and no contact echoed back."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from surveyapp.models import Dossier
from tests.dossiers.helpers import api_client, bearer, dossier

KEYS = {"dossier_code", "status", "url", "qr_svg_url", "qr_png_url", "expires_on", "invitation", "errors"}


@pytest.fixture
def secret(app):  # type: ignore[no-untyped-def]
    return api_client(app)


def post(client, secret, body):  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/dossiers", json=body, headers=bearer(secret))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["results"]


def test_a_new_dossier_gets_its_link_qr_codes_and_expiry(client, secret):
    [result] = post(client, secret, dossier())
    assert set(result) == KEYS
    assert result["status"] == 201 and result["errors"] == []
    assert result["dossier_code"] == "000.00.01.H01-261127-0001"
    assert result["url"].startswith("https://survey.example.vn/d/")
    assert result["qr_svg_url"] == result["url"] + "/qr.svg" and result["qr_png_url"] == result["url"] + "/qr.png"
    returned = date.today() - timedelta(days=1)
    assert result["expires_on"] == (returned + timedelta(days=30)).isoformat()
    assert result["invitation"] == "none"


def test_the_same_dossier_again_gets_the_same_link_and_status_200(client, secret):
    first = post(client, secret, dossier())[0]
    again = post(client, secret, dossier())[0]
    assert again["status"] == 200 and again["url"] == first["url"]


def test_another_client_posting_the_same_code_gets_its_own_link(app, client, secret):
    other = api_client(app, "other")
    assert post(client, secret, dossier())[0]["url"] != post(client, other, dossier())[0]["url"]


def test_new_facts_update_an_unanswered_dossier_and_conflict_with_an_answered_one(client, db, secret):
    first = post(client, secret, dossier(returned_on=None))[0]
    updated = post(client, secret, dossier())[0]
    assert updated["status"] == 200 and updated["url"] == first["url"]
    stored = db.scalar(select(Dossier))
    assert stored.returned_on == date.today() - timedelta(days=1), "the result's return date was added"

    stored.used_on = date.today()  # the citizen answered
    db.commit()
    assert post(client, secret, dossier())[0]["status"] == 200, "unchanged facts are still fine"
    conflict = post(client, secret, dossier(apology_slip=False))[0]
    assert conflict["status"] == 409 and conflict["url"] is None
    assert conflict["errors"][0]["field"] == "dossier_code"


def test_out_of_scope_items_get_403_and_the_others_are_kept(app, client, db):
    commune = api_client(app, "commune", "DEMO-TTHCC")
    results = post(client, commune, [dossier(code="A"), dossier(code="B", counter="AP-Q01"), dossier(code="C")])
    assert [r["status"] for r in results] == [201, 403, 201]
    assert [r["dossier_code"] for r in results] == ["A", "B", "C"], "results come in the order posted"
    assert results[1]["url"] is None and results[1]["errors"][0]["field"] == "counter"
    assert db.scalar(select(text("count(*)")).select_from(Dossier)) == 2, "only 200/201 items are stored"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dossier_code": ""}, "dossier_code"),
        ({"dossier_code": 12}, "dossier_code"),
        ({"procedure": "9.999999"}, "procedure"),
        ({"counter": "NOPE"}, "counter"),
        ({"submit_channel": "fax"}, "submit_channel"),
        ({"receive_channel": None}, "receive_channel"),
        ({"received_on": "27/11/2026"}, "received_on"),
        ({"due_on": "2026-02-30"}, "due_on"),
        ({"returned_on": "1999-01-01"}, "returned_on"),
        ({"apology_slip": "yes"}, "apology_slip"),
        ({"contact": {"email": "not-an-address"}, "consent": True}, "contact.email"),
        ({"contact": {"phone": "12"}, "consent": True}, "contact.phone"),
        ({"contact": {"email": "a@b.vn", "phone": "0912345678"}}, "contact"),
        ({"contact": {"email": "a@b.vn"}, "consent": "yes"}, "consent"),
        ({"surname": "Nguyễn"}, "surname"),
    ],
)
def test_an_invalid_item_gets_422_with_the_field_and_is_not_stored(client, db, secret, change, field):
    item = dossier()
    item.update(change)
    item = {k: v for k, v in item.items() if v is not None}
    [result] = post(client, secret, item)
    assert result["status"] == 422 and result["url"] is None
    assert field in [error["field"] for error in result["errors"]]
    assert all(set(error) == {"field", "message"} and error["message"] for error in result["errors"])
    assert db.scalar(select(text("count(*)")).select_from(Dossier)) == 0


def test_a_mixed_batch_answers_each_item(client, secret):
    results = post(client, secret, [dossier(code="ok"), "not an object", dossier(code="ok"), dossier(code="bad", counter="NOPE")])
    assert [r["status"] for r in results] == [201, 422, 200, 422]
    assert results[1]["dossier_code"] is None


def test_no_contact_is_echoed_back_or_stored_in_clear(client, db, secret):
    email, phone = "nguyen.van.a@example.vn", "0912345678"
    answer = client.post("/api/v1/dossiers", headers=bearer(secret), json=[
        dossier(code="E", contact={"email": email}, consent=True),
        dossier(code="P", contact={"phone": phone}, consent=False),
        dossier(code="X", contact={"email": "broken@"}, consent=True),
    ])
    body = answer.get_data(as_text=True)
    assert email not in body and phone not in body and "broken@" not in body
    statuses = [(r["status"], r["invitation"]) for r in answer.get_json()["results"]]
    assert statuses[1] == (201, "no_consent") and statuses[2][0] == 422


def test_dossier_codes_are_stored_only_as_a_keyed_hash(client, db, secret):
    post(client, secret, dossier(code="HS-2026-000123"))
    row = db.execute(text("select * from dossier")).mappings().one()
    assert "HS-2026-000123" not in json.dumps({k: str(v) for k, v in row.items()})


def test_malformed_bodies_and_oversized_batches_are_refused_whole(client, secret):
    headers = {**bearer(secret), "Content-Type": "application/json"}
    assert client.post("/api/v1/dossiers", data="{", headers=headers).status_code == 400
    assert client.post("/api/v1/dossiers", json=[], headers=bearer(secret)).status_code == 400
    too_many = client.post("/api/v1/dossiers", json=[{}] * 501, headers=bearer(secret))
    assert too_many.status_code == 413 and too_many.get_json()["limit"] == 500


def test_a_batch_of_500_is_accepted(client, secret):
    results = post(client, secret, [dossier(code=f"HS-{n:04d}") for n in range(500)])
    assert len(results) == 500 and {r["status"] for r in results} == {201}


def test_each_client_is_rate_limited(app, client, secret):
    app.extensions["api_client_limiter"].capacity = 2
    app.extensions["api_client_limiter"].rate = 0.001
    codes = [client.post("/api/v1/dossiers", json=dossier(), headers=bearer(secret)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = api_client(app, "other")
    assert client.post("/api/v1/dossiers", json=dossier(), headers=bearer(other)).status_code == 200
