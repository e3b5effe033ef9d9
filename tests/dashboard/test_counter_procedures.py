"""A manager sets the procedures a counter's questionnaire lists; without that the form lists the
ones most answered at the counter lately (services/organisation/usual_procedures.py)."""
from __future__ import annotations

import re

from sqlalchemy import select

from surveyapp.models import AuditEvent
from tests.dashboard.conftest import OTHER_COUNTER, WEAK_COUNTER


def listed_codes(html: str) -> list[str]:
    datalist = html[html.index('<datalist id="procedure-list">'):html.index("</datalist>")]
    return re.findall(r'<option value="([^"]+)">', datalist)


def test_a_manager_sets_the_procedures_the_counter_form_lists_in_that_order(as_manager, client, db):
    page = as_manager.get(f"/manage/counters/{WEAK_COUNTER}/procedures")
    assert page.status_code == 200 and "Thủ tục thường gặp tại quầy này" in page.get_data(as_text=True)
    assert f'href="/manage/counters/{WEAK_COUNTER}/procedures"' in as_manager.get(f"/manage/counters/{WEAK_COUNTER}").get_data(as_text=True)

    reply = as_manager.post(f"/manage/counters/{WEAK_COUNTER}/procedures", data={"codes": "1.000894\r\n 1.001193, 1.000894"})
    assert reply.status_code == 302
    assert listed_codes(client.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True)) == ["1.000894", "1.001193"]
    shown = as_manager.get(f"/manage/counters/{WEAK_COUNTER}/procedures").get_data(as_text=True)
    assert "1.000894\n1.001193</textarea>" in shown and "Các thủ tục đã đặt ở trên." in shown
    event = db.scalar(select(AuditEvent).where(AuditEvent.target == WEAK_COUNTER).order_by(AuditEvent.id.desc()))
    assert event.action == "counter_saved" and event.detail == {"procedures": ["1.000894", "1.001193"]}


def test_clearing_them_lets_the_form_list_the_counters_most_answered_procedures_again(as_manager, client):
    learned = listed_codes(client.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True))
    assert 30 <= len(learned) <= 50  # the demo's 30 procedures: answered ones first, then the rest
    as_manager.post(f"/manage/counters/{WEAK_COUNTER}/procedures", data={"codes": "1.000894"})
    assert listed_codes(client.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True)) == ["1.000894"]
    as_manager.post(f"/manage/counters/{WEAK_COUNTER}/procedures", data={"codes": ""})
    assert listed_codes(client.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True)) == learned


def test_an_unknown_code_is_refused_beside_the_field_and_nothing_changes(as_manager, client):
    before = listed_codes(client.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True))
    reply = as_manager.post(f"/manage/counters/{WEAK_COUNTER}/procedures", data={"codes": "1.001193\n9.999999\n<b>x</b>"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Mã thủ tục không có trong danh mục: 9.999999, &lt;b&gt;x&lt;/b&gt;" in html
    assert listed_codes(client.get(f"/s/{WEAK_COUNTER}").get_data(as_text=True)) == before


def test_a_manager_cannot_set_the_procedures_of_a_counter_outside_their_units(as_manager):
    assert as_manager.get(f"/manage/counters/{OTHER_COUNTER}/procedures").status_code == 403
    assert as_manager.post(f"/manage/counters/{OTHER_COUNTER}/procedures", data={"codes": "1.001193"}).status_code == 403


def test_a_viewer_cannot_set_them(as_commune):
    assert as_commune.post(f"/manage/counters/{WEAK_COUNTER}/procedures", data={"codes": "1.001193"}).status_code == 403
