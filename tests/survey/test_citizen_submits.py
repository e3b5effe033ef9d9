"""A citizen scans the counter's QR code, answers, and the answers land in one row."""
from __future__ import annotations

from sqlalchemy import func, select

from surveyapp.models import Counter, Procedure, Response
from tests.survey.helpers import full_answers


def count_responses(db) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Response))


def test_the_counter_link_shows_the_full_questionnaire_in_vietnamese(client):
    page = client.get("/s/TT-Q01")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Nơi ngồi chờ có đủ chỗ ngồi" in html
    assert "Trung tâm Phục vụ hành chính công tỉnh" in html
    for field in ("TC01", "TC22", "trips", "slip", "ontime", "apology", "harassment", "overall", "expect", "comment", "procedure"):
        assert f'name="{field}"' in html
    assert html.count('type="radio" name="TC01"') == 6  # five levels and "not applicable"


def test_a_complete_submission_is_stored_with_its_context(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers(procedure="1.001193"))
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith("/thanks")
    assert "Xin cảm ơn" in client.get(reply.headers["Location"]).get_data(as_text=True)

    response = db.scalar(select(Response))
    counter = db.scalar(select(Counter).where(Counter.code == "TT-Q01"))
    assert response.counter_id == counter.id and response.unit_id == counter.unit_id
    assert response.channel == "qr"
    assert (response.definition_id, response.definition_version) == ("sipas-full", 1)
    assert response.procedure.code == "1.001193"
    assert response.answers["TC01"] == 5 and response.answers["TC22"] == "na"
    assert response.answers["trips"] == "1" and response.answers["expect"] == ["time", "online"]
    assert response.answers["overall"] == 4
    assert response.comment == "Cán bộ nhiệt tình."
    assert "comment" not in response.answers
    assert len(response.month) == 7 and response.language == "vi"


def test_a_procedure_typed_by_name_is_matched_to_the_catalogue(client, db):
    assert client.post("/s/TT-Q01", data=full_answers(procedure="đăng ký khai sinh")).status_code == 303
    assert db.scalar(select(Response)).procedure.code == "1.001193"


def test_a_procedure_carried_by_the_qr_code_is_fixed(client, db):
    page = client.get("/s/TT-Q01?p=1.000894").get_data(as_text=True)
    assert "Đăng ký kết hôn" in page and 'name="procedure"' not in page
    assert client.post("/s/TT-Q01?p=1.000894", data=full_answers(procedure="1.001193")).status_code == 303
    assert db.scalar(select(Response)).procedure.code == "1.000894"


def test_missing_required_answers_are_shown_next_to_the_item_and_nothing_is_lost(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers(overall=None, trips=None))
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert count_responses(db) == 0
    assert 'id="error-overall"' in html and 'id="error-trips"' in html
    assert "Xin vui lòng trả lời câu hỏi này." in html
    assert 'aria-describedby="error-overall"' in html
    # Everything already answered is still selected.
    assert 'name="TC01" value="5" checked' in html
    assert 'name="expect" value="time" checked' in html
    assert "Cán bộ nhiệt tình." in html


def test_a_forged_choice_value_is_refused(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers(TC05="7", harassment="maybe"))
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert 'id="error-TC05"' in html and 'id="error-harassment"' in html
    assert count_responses(db) == 0


def test_two_values_for_a_single_choice_are_refused(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers(overall=["4", "5"]))
    assert reply.status_code == 400 and count_responses(db) == 0


def test_an_oversized_comment_is_refused_and_kept_for_editing(client, db, app):
    long_comment = "x" * (app.config["COMMENT_MAX_LENGTH"] + 1)
    reply = client.post("/s/TT-Q01", data=full_answers(comment=long_comment))
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Xin rút gọn còn tối đa 1000 ký tự." in html
    assert long_comment in html
    assert count_responses(db) == 0


def test_a_comment_is_always_shown_escaped(client):
    html = client.post("/s/TT-Q01", data=full_answers(overall=None, comment="<script>alert(1)</script>")).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_apology_answer_is_dropped_unless_the_result_was_late(client, db):
    client.post("/s/TT-Q01", data=full_answers(ontime="ontime", apology="no"))
    client.post("/s/TT-Q01", data=full_answers(ontime="late", apology="no"))
    answers = [r.answers for r in db.scalars(select(Response).order_by(Response.id))]
    assert "apology" not in answers[0]
    assert answers[1]["apology"] == "no"


def test_an_unknown_procedure_is_refused(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers(procedure="9.999999"))
    assert reply.status_code == 400
    assert "Xin chọn một thủ tục trong danh sách." in reply.get_data(as_text=True)
    assert count_responses(db) == 0


def test_an_unknown_counter_gets_a_friendly_page(client):
    reply = client.get("/s/NO-SUCH-COUNTER")
    assert reply.status_code == 404
    assert "Đường dẫn khảo sát không hợp lệ" in reply.get_data(as_text=True)


def test_the_form_in_english_with_errors_in_english(client, db):
    page = client.get("/s/TT-Q01?lang=en")
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "The waiting area has enough seats" in html
    reply = client.post("/s/TT-Q01", data=full_answers(overall=None))  # the cookie keeps English
    html = reply.get_data(as_text=True)
    assert '<html lang="en">' in html and "Please answer this question." in html
    client.post("/s/TT-Q01", data=full_answers())
    assert db.scalar(select(Response)).language == "en"


def test_switching_language_keeps_every_answer(client, db):
    data = full_answers(switch_lang="en")
    reply = client.post("/s/TT-Q01", data=data)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert '<html lang="en">' in html
    assert 'name="TC03" value="3" checked' in html
    assert 'id="error-' not in html
    assert count_responses(db) == 0
    assert "lang=en" in reply.headers.get("Set-Cookie", "")


def test_no_personal_data_columns_exist_on_responses(db):
    columns = set(Response.__table__.columns.keys())
    assert not columns & {"ip", "ip_address", "name", "phone", "token", "token_id", "email", "user_agent"}


def test_the_demo_counter_procedures_are_searchable_in_a_datalist(client, db):
    html = client.get("/s/TT-Q01").get_data(as_text=True)
    procedures = db.scalars(select(Procedure)).all()
    assert html.count("<option value=") >= len(procedures)
    assert 'list="procedure-list"' in html
