"""POST /api/v1/volumes feeds response rates like `import-volumes`, one (unit, month) at a time."""
from __future__ import annotations

from sqlalchemy import select

from surveyapp.models import DossierVolume, Unit
from tests.dossiers.helpers import api_client, bearer


def post(client, secret, body):  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/volumes", json=body, headers=bearer(secret))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["results"]


def stored(db, code: str, month: str) -> int | None:  # type: ignore[no-untyped-def]
    return db.scalar(select(DossierVolume.dossiers).join(Unit).where(Unit.code == code, DossierVolume.month == month))


def test_a_figure_is_stored_and_posting_it_again_replaces_it(app, client, db):
    secret = api_client(app)
    [created] = post(client, secret, {"unit": "DEMO-TTHCC", "month": "2026-10", "dossiers_returned": 420})
    assert created == {"unit": "DEMO-TTHCC", "month": "2026-10", "status": 201, "errors": []}
    assert stored(db, "DEMO-TTHCC", "2026-10") == 420
    [replaced] = post(client, secret, {"unit": "DEMO-TTHCC", "month": "2026-10", "dossiers_returned": 455})
    assert replaced["status"] == 200
    db.expire_all()
    assert stored(db, "DEMO-TTHCC", "2026-10") == 455


def test_a_list_gets_per_item_results_with_scope_and_validation(app, client, db):
    secret = api_client(app, "commune", "DEMO-P-ANPHU")
    results = post(client, secret, [
        {"unit": "DEMO-P-ANPHU", "month": "2026-10", "dossiers_returned": 80},
        {"unit": "DEMO-X-TANLAP", "month": "2026-10", "dossiers_returned": 50},
        {"unit": "DEMO-P-ANPHU", "month": "2026-13", "dossiers_returned": 80},
        {"unit": "DEMO-P-ANPHU", "month": "2026-09", "dossiers_returned": -1},
        {"unit": "NOPE", "month": "2026-09", "dossiers_returned": 1},
        {"unit": "DEMO-P-ANPHU", "month": "2026-09", "dossiers_returned": True},
        "nonsense",
    ])
    assert [r["status"] for r in results] == [201, 403, 422, 422, 422, 422, 422]
    assert [e["field"] for e in results[2]["errors"]] == ["month"]
    assert [e["field"] for e in results[3]["errors"]] == ["dossiers_returned"]
    assert [e["field"] for e in results[4]["errors"]] == ["unit"]
    assert stored(db, "DEMO-X-TANLAP", "2026-10") is None, "only accepted figures are stored"


def test_the_report_reads_the_posted_volume_as_its_response_rate_denominator(app, client, db):
    from surveyapp.services.operations.volumes import volumes_in

    secret = api_client(app)
    post(client, secret, {"unit": "DEMO", "month": "2026-10", "dossiers_returned": 1000})
    unit_id = db.scalar(select(Unit.id).where(Unit.code == "DEMO"))
    assert volumes_in(db, [unit_id], "2026-10") == {unit_id: 1000}


def test_control_characters_in_a_posted_body_are_removed_never_a_500(app, client, db):
    # PostgreSQL refuses a NUL byte even in a comparison: every string of the body is cleaned
    # (surveyapp/textinput.py) before the services look anything up.
    secret = api_client(app)
    [cleaned] = post(client, secret, {"unit": "DEMO-\u0000TTHCC", "month": "2026-10", "dossiers_returned": 12})
    assert cleaned["status"] == 201 and cleaned["unit"] == "DEMO-TTHCC"
    [unknown] = post(client, secret, {"unit": "\u0000\u0007", "month": "2026-1\u00001", "dossiers_returned": 3})
    assert unknown["status"] == 422 and unknown["errors"]
    dossiers = client.post("/api/v1/dossiers", json={"dossier_code": "HS-\u0000001", "procedure": "1.0\u00000"},
                           headers=bearer(secret))
    assert dossiers.status_code == 200
    assert dossiers.get_json()["results"][0]["status"] == 422
