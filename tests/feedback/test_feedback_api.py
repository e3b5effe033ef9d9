"""POST /api/v1/feedback: per-item results in the order posted, as the dossier API answers them."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from surveyapp.models import Feedback
from tests.dossiers.helpers import api_client, bearer, dossier

KEYS = {"code", "status", "dossier_linked", "errors"}


def complaint(code: str = "PAKN-1", **fields):  # type: ignore[no-untyped-def]
    item = {"unit": "DEMO-TTHCC", "code": code, "received_on": "2026-10-01", "due_on": "2026-10-10",
            "handled_on": "2026-10-09", "dissatisfied": False}
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


def post(client, secret, body):  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/feedback", json=body, headers=bearer(secret))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["results"]


def test_new_then_known_then_updated(app, client, db):
    secret = api_client(app)
    [first] = post(client, secret, complaint())
    assert set(first) == KEYS and first["status"] == 201 and first["dossier_linked"] is None
    assert post(client, secret, complaint())[0]["status"] == 200
    assert post(client, secret, complaint(handled_on=None, dissatisfied="yes"))[0]["status"] == 200
    stored = db.scalar(select(Feedback))
    assert stored.handled_on is None and stored.dissatisfied is True
    assert db.scalar(select(func.count(Feedback.id))) == 1


def test_scope_conflict_and_invalid_items_each_get_their_status(app, client, db):
    centre = api_client(app, "centre", "DEMO-TTHCC")
    province = api_client(app, "province", "DEMO")
    assert post(client, province, complaint("OTHER", unit="DEMO-P-ANPHU"))[0]["status"] == 201
    results = post(client, centre, [
        complaint("A"),
        complaint("B", unit="DEMO-P-ANPHU"),  # outside the centre's units
        complaint("OTHER"),  # the code of a complaint outside its units
        complaint("C", due_on="2026-09-01"),  # due before received
        complaint("D", surprise=1),
        "not an object",
    ])
    assert [r["status"] for r in results] == [201, 403, 409, 422, 422, 422]
    assert [r["code"] for r in results] == ["A", "B", "OTHER", "C", "D", None]
    assert results[3]["errors"] == [{"field": "due_on", "message": "before received_on"}]
    assert results[4]["errors"][0] == {"field": "surprise", "message": "unknown field"}
    assert db.scalar(select(func.count(Feedback.id))) == 2, "only 200/201 items are stored"


@pytest.mark.parametrize(("change", "field"), [
    ({"unit": "NOPE"}, "unit"), ({"code": ""}, "code"), ({"code": 5}, "code"), ({"code": "x" * 65}, "code"),
    ({"received_on": "01/10/2026"}, "received_on"), ({"due_on": "2026-02-30"}, "due_on"),
    ({"handled_on": 20261001}, "handled_on"), ({"dissatisfied": "perhaps"}, "dissatisfied"),
    ({"dissatisfied": None}, "dissatisfied"), ({"dossier_code": 12}, "dossier_code"),
])
def test_each_invalid_field_is_named(app, client, change, field):
    secret = api_client(app)
    [result] = post(client, secret, {**complaint(), **change} if None not in change.values()
                    else complaint(**change))
    assert result["status"] == 422 and field in [e["field"] for e in result["errors"]]


def test_a_dossier_code_links_the_clients_own_dossier(app, client):
    secret = api_client(app)
    client.post("/api/v1/dossiers", json=dossier(code="HS-1"), headers=bearer(secret))
    linked, unknown = post(client, secret, [complaint("P1", dossier_code="HS-1"), complaint("P2", dossier_code="HS-2")])
    assert (linked["dossier_linked"], unknown["dossier_linked"]) == (True, False)


def test_without_a_secret_the_call_is_refused(client):
    assert client.post("/api/v1/feedback", json=complaint()).status_code == 401


def test_control_characters_in_any_field_are_removed_never_a_500(app, client):
    # Every string of a posted body loses its control characters first (surveyapp/textinput.py),
    # as every other input does: what is left is judged like any other value.
    secret = api_client(app)
    for change in ({"unit": "DEMO\u0000"}, {"code": "A\u0000"}, {"dossier_code": "B\u0000"},
                   {"received_on": "2026-10-01\u0000"}, {"dissatisfied": "y\u0000"}):
        [result] = post(client, secret, complaint(**change))
        assert result["status"] in (200, 201, 422), (change, result)
        assert "\u0000" not in json.dumps(result), (change, result)
    [cleaned] = post(client, secret, complaint(unit="DEMO-TT\u0000HCC", code="C-\u00071"))
    assert cleaned["status"] == 201, cleaned
