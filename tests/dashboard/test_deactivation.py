"""Units, counters and procedures can be deactivated and reactivated from the web (issue 18,
item 5): kept for history, hidden from new surveys and pickers, their links answered politely."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.models import AuditEvent, Response
from tests.dashboard.conftest import COMMUNE, MONTH, OTHER_COUNTER, WEAK_COUNTER, sign_in


def test_a_manager_deactivates_a_counter_its_link_is_polite_and_it_leaves_the_pickers(client: FlaskClient, db) -> None:
    assert sign_in(client, "tanlap-manager").status_code == 302
    page = client.get(f"/manage/counters/{WEAK_COUNTER}").get_data(as_text=True)
    assert f'action="/manage/counters/{WEAK_COUNTER}/active"' in page and "Ngừng sử dụng" in page
    stored_before = len(db.scalars(select(Response)).all())

    done = client.post(f"/manage/counters/{WEAK_COUNTER}/active", data={"active": "0"})
    assert done.status_code == 302
    assert "đã ngừng sử dụng" in client.get(done.headers["Location"]).get_data(as_text=True)
    closed = client.get(f"/s/{WEAK_COUNTER}")
    assert closed.status_code == 410 and "không còn tham gia khảo sát" in closed.get_data(as_text=True)
    assert client.post(f"/s/{WEAK_COUNTER}", data={"overall": "5"}).status_code == 410
    assert client.get(f"/posters/{WEAK_COUNTER}").status_code == 410
    assert f'<option value="{WEAK_COUNTER}"' not in client.get("/manage/slips").get_data(as_text=True)
    assert "ngừng sử dụng</span>" in client.get("/manage/counters").get_data(as_text=True)
    # History stays: its responses and the unit's report.
    assert len(db.scalars(select(Response)).all()) == stored_before
    assert client.get(f"/reports/{COMMUNE}/{MONTH}/by/counter").status_code == 200

    assert client.post(f"/manage/counters/{WEAK_COUNTER}/active", data={"active": "1"}).status_code == 302
    assert client.get(f"/s/{WEAK_COUNTER}").status_code == 200
    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["counter_deactivated", "counter_reactivated"]


def test_a_deactivated_unit_closes_its_counters_and_is_reactivated(as_admin: FlaskClient) -> None:
    assert as_admin.post(f"/manage/units/{COMMUNE}/active", data={"active": "0"}).status_code == 302
    assert as_admin.get(f"/s/{WEAK_COUNTER}").status_code == 410
    assert as_admin.get(f"/s/{OTHER_COUNTER}").status_code == 200  # another commune's counter
    assert "ngừng sử dụng</span>" in as_admin.get("/manage/units").get_data(as_text=True)
    assert as_admin.post(f"/manage/units/{COMMUNE}/active", data={"active": "1"}).status_code == 302
    assert as_admin.get(f"/s/{WEAK_COUNTER}").status_code == 200
    log = as_admin.get("/admin/audit").get_data(as_text=True)
    assert "Ngừng sử dụng đơn vị" in log and "Dùng lại đơn vị" in log


def test_a_deactivated_procedure_leaves_the_survey_list_and_only_administrators_change_it(client: FlaskClient) -> None:
    assert sign_in(client, "tanlap-manager").status_code == 302
    assert client.post("/manage/procedures/1.001193/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/manage/counters/{OTHER_COUNTER}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/manage/counters/{WEAK_COUNTER}/active", data={"active": "maybe"}).status_code == 400

    admin = client.application.test_client()
    assert sign_in(admin, "admin").status_code == 302
    assert 'value="1.001193"' in admin.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True)
    assert admin.post("/manage/procedures/1.001193/active", data={"active": "0"}).status_code == 302
    assert 'value="1.001193"' not in admin.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True)
    assert admin.post("/manage/procedures/NOPE/active", data={"active": "0"}).status_code == 404

    viewer = client.application.test_client()
    assert sign_in(viewer, "tanlap").status_code == 302
    assert viewer.post(f"/manage/counters/{WEAK_COUNTER}/active", data={"active": "0"}).status_code == 403


def test_a_deactivated_unit_leaves_the_unit_pickers_but_stays_on_its_own_records(as_admin: FlaskClient) -> None:
    assert as_admin.post(f"/manage/units/{COMMUNE}/active", data={"active": "0"}).status_code == 302
    assert f'<option value="{COMMUNE}"' not in as_admin.get("/manage/counters/new").get_data(as_text=True)
    assert f'<option value="{COMMUNE}"' not in as_admin.get("/manage/units/new").get_data(as_text=True)
    own = as_admin.get(f"/manage/counters/{WEAK_COUNTER}").get_data(as_text=True)
    assert f'<option value="{COMMUNE}" selected' in own  # its counter still shows where it belongs
