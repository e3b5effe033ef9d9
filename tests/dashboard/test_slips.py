"""Slips from the web (issue 18, item 5): a manager makes one-time tokens for a counter of their
unit and gets the A4 sheet and its CSV; each slip opens the survey once."""
from __future__ import annotations

import base64
import csv
import io
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.models import AuditEvent, SurveyToken
from tests.dashboard.conftest import OTHER_COUNTER, WEAK_COUNTER, sign_in


def post_slips(client: FlaskClient, **data: Any):  # type: ignore[no-untyped-def]
    return client.post("/manage/slips", data=data)


def csv_of(html: str) -> list[list[str]]:
    href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)" download="slips-[^"]+\.csv"', html)
    assert href, "the sheet offers no CSV"
    return list(csv.reader(io.StringIO(base64.b64decode(href.group(1)).decode("utf-8").lstrip("\ufeff"))))


def test_a_manager_makes_a_sheet_of_slips_and_its_csv_and_each_slip_opens_the_survey_once(client: FlaskClient, db) -> None:
    assert sign_in(client, "tanlap-manager").status_code == 302
    form = client.get("/manage/slips").get_data(as_text=True)
    assert f'<option value="{WEAK_COUNTER}"' in form and f'<option value="{OTHER_COUNTER}"' not in form
    assert "1.001612" in form  # the procedure field explains its code format

    reply = post_slips(client, counter=WEAK_COUNTER, procedure="", count="10")
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    assert html.count('<article class="slip">') == 10 and html.count('class="slip-sheet"') == 2
    assert html.count("<svg") >= 10 and "slips.css" in html
    assert "Quét mã bằng camera điện thoại hoặc Zalo" in html
    rows = csv_of(html)
    assert rows[0] == ["token", "url", "counter", "procedure"] and len(rows) == 11
    # A token starting with '-' is quoted by safe_cell (a spreadsheet would read it as a formula).
    assert all(row[2] == WEAK_COUNTER and row[1].endswith("/t/" + row[0].removeprefix("'")) for row in rows[1:])
    assert db.scalar(select(func.count()).select_from(SurveyToken)) == 10
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "tokens_made"))
    assert event is not None and event.detail == {"count": 10, "procedure": None}

    first = rows[1][0]
    client.post("/logout")
    assert client.get(f"/t/{first}").status_code == 200


def test_slips_are_refused_outside_the_scope_and_for_a_viewer(client: FlaskClient, db) -> None:
    assert sign_in(client, "tanlap-manager").status_code == 302
    refused = post_slips(client, counter=OTHER_COUNTER, procedure="", count="5")
    assert refused.status_code == 400 and "không được tạo phiếu mời cho quầy này" in refused.get_data(as_text=True)
    wrong = post_slips(client, counter=WEAK_COUNTER, procedure="12345", count="0")
    assert wrong.status_code == 400
    assert db.scalar(select(func.count()).select_from(SurveyToken)) == 0

    viewer = client.application.test_client()
    assert sign_in(viewer, "tanlap").status_code == 302
    assert viewer.get("/manage/slips").status_code == 403


def test_a_procedure_is_written_on_each_slip(client: FlaskClient) -> None:
    assert sign_in(client, "admin").status_code == 302
    html = post_slips(client, counter=WEAK_COUNTER, procedure="1.001193", count="1").get_data(as_text=True)
    assert 'class="slip__procedure"' in html
    assert "Đăng ký khai sinh" in html and csv_of(html)[1][3] == "1.001193"
