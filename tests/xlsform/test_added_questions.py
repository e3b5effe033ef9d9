"""Added questions in the citizen's form (with skip logic the server honours), stored with the
response, and shown by the report as distributions with n and intervals."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from surveyapp.models import Response, Unit
from surveyapp.periods import this_month
from surveyapp.services.reporting.reports import monthly_report
from tests.survey.helpers import full_answers
from tests.xlsform.helpers import xlsform


@pytest.fixture
def with_form(runner, tmp_path: Path) -> None:
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "form.xlsx")), "--into", "sipas-full"])
    assert result.exit_code == 0, result.output


def stored(db) -> Response:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(Response).order_by(Response.id.desc()))


def test_the_form_shows_the_added_questions_with_their_conditions(client, with_form):
    html = client.get("/s/TT-Q01").get_data(as_text=True)
    assert "Ông/Bà đã dùng Cổng dịch vụ công chưa?" in html and "Câu hỏi riêng của tỉnh" in html
    for field in ('type="radio" name="used_portal"', 'type="checkbox" name="portal_features"',
                  'name="visits"', 'name="portal_issue"', 'name="TC01"', 'name="overall"'):
        assert field in html, field
    assert "Cảm ơn Ông/Bà." in html, "the note is shown"
    condition = html.split('data-relevant="')[1].split('"')[0].replace("&#34;", '"').replace("&quot;", '"')
    assert json.loads(condition) == ["cmp", "=", ["ref", "used_portal"], ["str", "yes"]]
    english = client.get("/s/TT-Q01?lang=en").get_data(as_text=True)
    assert "Have you used the portal?" in english and "Which features?" in english


def test_a_submission_stores_the_added_answers(client, db, with_form):
    reply = client.post("/s/TT-Q01", data=full_answers(used_portal="yes", portal_features=["pay", "submit"],
                                                       visits="3", portal_issue="Lỗi thanh toán"))
    assert reply.status_code == 303, reply.get_data(as_text=True)[:2000]
    answers = stored(db).answers
    assert answers["used_portal"] == "yes" and answers["portal_features"] == ["submit", "pay"]
    assert answers["visits"] == 3 and answers["portal_issue"] == "Lỗi thanh toán"
    assert stored(db).definition_version == 2


def test_the_server_drops_answers_to_questions_not_shown(client, db, with_form):
    reply = client.post("/s/TT-Q01", data=full_answers(used_portal="no", portal_features=["pay"], visits="1",
                                                       portal_issue="should not be kept"))
    assert reply.status_code == 303
    answers = stored(db).answers
    assert "portal_features" not in answers and "portal_issue" not in answers, "hidden by relevant"
    assert answers["visits"] == 1


def test_required_holds_only_when_shown_and_numbers_are_checked(client, db, with_form):
    missing = client.post("/s/TT-Q01", data=full_answers())
    assert missing.status_code == 400 and 'id="error-used_portal"' in missing.get_data(as_text=True)
    shown_but_empty = client.post("/s/TT-Q01", data=full_answers(used_portal="yes"))
    assert shown_but_empty.status_code == 400 and 'id="error-portal_features"' in shown_but_empty.get_data(as_text=True)
    not_a_number = client.post("/s/TT-Q01", data=full_answers(used_portal="no", visits="ba"))
    assert not_a_number.status_code == 400 and "Vui lòng nhập một số nguyên." in not_a_number.get_data(as_text=True)


def test_the_report_shows_the_added_questions_as_distributions(app, client, db, runner, with_form):
    for index in range(40):
        features = ["submit", "pay"] if index % 4 == 0 else ["track"]
        data = full_answers(used_portal="yes" if index < 30 else "no", portal_features=features, visits=str(index % 5))
        assert client.post("/s/TT-Q01", data=data).status_code == 303
    unit = db.scalar(select(Unit).where(Unit.code == "DEMO"))
    report = monthly_report(db, unit, this_month())
    assert report.added_questions is not None
    by_id = {q.id: q for q in report.added_questions}
    used = by_id["used_portal"]
    assert used.n == 40 and used.options is not None
    assert (used.options["yes"].count, used.options["yes"].n, used.options["yes"].value) == (30, 40, 0.75)
    low, high = used.options["yes"].ci_low, used.options["yes"].ci_high
    assert low is not None and high is not None and low < 0.75 < high
    features = by_id["portal_features"]
    # Only the 30 who used the portal were asked: 8 of them (index 0, 4, …, 28) paid online.
    assert features.n == 30 and features.insufficient is False and features.options is not None
    assert features.options["pay"].count == 8
    visits = by_id["visits"]
    assert visits.n == 40 and visits.mean == 2.0 and visits.ci_low is not None and visits.ci_low < 2.0
    assert "added_questions" in report.to_json()

    from surveyapp.services.accounts.accounts import create_user

    create_user(db, "admin", "admin-password-xls", "admin")
    db.commit()
    assert client.post("/login", data={"username": "admin", "password": "admin-password-xls"}).status_code == 302
    page = client.get(f"/reports/DEMO/{this_month()}").get_data(as_text=True)
    panel = page.split('id="added-questions"')[1].split("</section>")[0]
    assert "Ông/Bà đã dùng Cổng dịch vụ công chưa? (n = 40)" in panel and "75,0" in panel.replace(".", ",")
