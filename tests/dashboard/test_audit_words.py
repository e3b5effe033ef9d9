"""The audit log in plain words in both languages, filtered by account, event and day (issue 18,
item 7): no action code, detail key or Python literal on the page."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.db import get_session
from surveyapp.models import AuditEvent
from surveyapp.services.accounts import audit
from tests.dashboard.conftest import MONTH, sign_in


def add_events(app: Flask) -> None:
    with app.app_context():
        session = get_session()
        audit.record(session, "user_created", username="cli", target="newviewer",
                     detail={"role": "admin", "unit": None, "via": "cli"})
        audit.record(session, "login_failed", username="someone")
        old = audit.record(session, "login", username="oldtimer")
        old.at = datetime(2026, 1, 9, 20, 0)  # 10/01/2026 03:00 in Vietnam
        session.commit()


def rows(html: str) -> str:
    return html[html.index("<tbody>"):html.index("</tbody>")]


def test_events_and_details_are_in_words_never_codes_or_literals(as_admin: FlaskClient, app: Flask) -> None:
    add_events(app)
    as_admin.get(f"/reports/DEMO/{MONTH}.csv")
    html = as_admin.get("/admin/audit").get_data(as_text=True)
    table = rows(html)
    for raw in ("login_failed", "user_created", "format=", "role=admin", "unit=None", "via=cli", "None"):
        assert raw not in table, raw
    assert "Đăng nhập không thành công" in table
    assert "Tạo tài khoản" in table and "vai trò: Quản trị hệ thống; đơn vị: không có; tạo bằng: dòng lệnh" in table
    assert "tệp: báo cáo (CSV)" in table
    assert '<option value="login_failed">Đăng nhập không thành công (sai tên đăng nhập hoặc mật khẩu)</option>' in html

    english = rows(as_admin.get("/admin/audit?lang=en").get_data(as_text=True))
    assert "Account created" in english and "role: Administrator; unit: none; made with: the command line" in english
    assert "file: report (CSV)" in english and "Sign-in failed" in english


def test_the_log_is_filtered_by_account_event_and_day(as_admin: FlaskClient, app: Flask) -> None:
    add_events(app)
    by_account = rows(as_admin.get("/admin/audit?account=SOMEONE").get_data(as_text=True))
    assert "someone" in by_account and "newviewer" not in by_account and "oldtimer" not in by_account

    by_action = rows(as_admin.get("/admin/audit?action=user_created").get_data(as_text=True))
    assert "newviewer" in by_action and "someone" not in by_action

    one_day = rows(as_admin.get("/admin/audit?since=10/01/2026&until=10/01/2026").get_data(as_text=True))
    assert "oldtimer" in one_day and "someone" not in one_day
    day_before = rows(as_admin.get("/admin/audit?until=09/01/2026").get_data(as_text=True))
    assert "oldtimer" not in day_before
    iso = rows(as_admin.get("/admin/audit?since=2026-01-10&until=2026-01-10").get_data(as_text=True))
    assert "oldtimer" in iso

    # A malformed day filters nothing and is no error page.
    page = as_admin.get("/admin/audit?since=31/02/2026&action=nonsense")
    assert page.status_code == 200 and "someone" in rows(page.get_data(as_text=True))


def test_only_administrators_read_the_log(client: FlaskClient, app: Flask) -> None:
    assert sign_in(client, "tanlap").status_code == 302
    assert client.get("/admin/audit?account=admin").status_code == 403
    with app.app_context():
        assert get_session().query(AuditEvent).count() >= 1
