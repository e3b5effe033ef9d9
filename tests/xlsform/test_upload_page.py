"""/manage/xlsform: the administrators' page of `import-xlsform`."""
from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.models import SurveyDefinitionRecord
from surveyapp.services.accounts.accounts import create_user
from tests.xlsform.helpers import SURVEY, xlsform


def signed_in(client: FlaskClient, db, role: str = "admin") -> FlaskClient:  # type: ignore[no-untyped-def]
    create_user(db, role, f"{role}-password-123", role, None if role == "admin" else "DEMO")
    db.commit()
    assert client.post("/login", data={"username": role, "password": f"{role}-password-123"}).status_code == 302
    return client


def upload(client: FlaskClient, path: Path, **fields: str):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return client.post("/manage/xlsform", data={"definition": "sipas-full", "file": (handle, path.name), **fields},
                           content_type="multipart/form-data")


def versions(db) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count(SurveyDefinitionRecord.id)))


def test_an_administrator_uploads_a_valid_form(client, db, tmp_path):
    admin = signed_in(client, db)
    page = admin.get("/manage/xlsform")
    assert page.status_code == 200 and 'name="file"' in page.get_data(as_text=True)
    before = versions(db)
    reply = upload(admin, xlsform(tmp_path / "form.xlsx"))
    assert reply.status_code == 200
    assert "Đã lưu phiên bản 2 của sipas-full với 5 câu hỏi bổ sung." in reply.get_data(as_text=True)
    assert versions(db) == before + 1


def test_problems_are_listed_and_nothing_is_stored(client, db, tmp_path):
    admin = signed_in(client, db)
    before = versions(db)
    rows = [SURVEY[0], ["select_one nope", "q1", "Câu <b>1</b>", "Q1", "", ""], SURVEY[-1]]
    reply = upload(admin, xlsform(tmp_path / "bad.xlsx", survey=rows))
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "survey!3, type: danh sách lựa chọn nope" in html
    assert versions(db) == before


def test_a_dry_run_stores_nothing(client, db, tmp_path):
    admin = signed_in(client, db)
    before = versions(db)
    reply = upload(admin, xlsform(tmp_path / "form.xlsx"), dry_run="y")
    assert reply.status_code == 200 and "Chạy thử" in reply.get_data(as_text=True)
    assert versions(db) == before


def test_only_administrators_see_it(client, db):
    manager = signed_in(client, db, "manager")
    assert manager.get("/manage/xlsform").status_code == 403
