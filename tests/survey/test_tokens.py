"""A one-time link printed on an appointment slip: answered once, then politely closed."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveyapp.models import Response, SurveyToken
from surveyapp.services.organisation.lookups import counter_by_code, procedure_by_code
from surveyapp.services.survey.tokens import hash_token, mint_tokens, new_token
from tests.survey.helpers import full_answers


@pytest.fixture
def token(db) -> str:  # type: ignore[no-untyped-def]
    minted = mint_tokens(db, counter_by_code(db, "AP-Q01"), 1, procedure_by_code(db, "1.001193"))[0]
    db.commit()  # as the make-tokens command does
    return minted


def test_a_token_link_opens_the_form_for_its_counter_and_procedure(client, token):
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "Phường An Phú" in html and "Đăng ký khai sinh" in html


def test_a_token_is_answered_once_then_already_answered_changes_nothing(client, db, token):
    assert client.post(f"/t/{token}", data=full_answers()).status_code == 303
    stored = db.scalar(select(Response))
    assert stored.counter.code == "AP-Q01" and stored.procedure.code == "1.001193"

    again = client.get(f"/t/{token}")
    assert again.status_code == 409
    assert "Phiếu khảo sát này đã được trả lời" in again.get_data(as_text=True)
    resend = client.post(f"/t/{token}", data=full_answers(overall="1"))
    assert resend.status_code == 409
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_a_token_spent_while_the_citizen_was_answering_stores_nothing(client, db, token):
    client.get(f"/t/{token}")
    record = db.scalar(select(SurveyToken))
    # Someone else answers first (e.g. a second phone scanning the same slip).
    from datetime import date

    record.used_on = date(2026, 11, 21)
    db.commit()
    reply = client.post(f"/t/{token}", data=full_answers())
    assert reply.status_code == 409
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def test_a_token_that_does_not_exist_gets_a_friendly_page(client):
    reply = client.get("/t/not-a-real-token")
    assert reply.status_code == 404
    assert "Đường dẫn khảo sát không hợp lệ" in reply.get_data(as_text=True)
    assert client.post("/t/not-a-real-token", data=full_answers()).status_code == 404


def test_the_record_of_use_is_kept_apart_from_the_answers(client, db, token):
    client.post(f"/t/{token}", data=full_answers())
    record = db.scalar(select(SurveyToken))
    assert record.used_on is not None
    assert record.token_hash == hash_token(token) and token not in record.token_hash
    token_columns = set(SurveyToken.__table__.columns.keys())
    assert not any("response" in column for column in token_columns)
    response = db.scalar(select(Response))
    assert token not in str(response.answers) and token not in response.uid


def test_invalid_answers_on_a_token_link_do_not_spend_the_token(client, db, token):
    assert client.post(f"/t/{token}", data=full_answers(overall=None)).status_code == 400
    assert db.scalar(select(SurveyToken)).used_on is None
    assert client.post(f"/t/{token}", data=full_answers()).status_code == 303


def test_make_tokens_writes_a_csv_of_full_urls_and_qr_images(runner, tmp_path: Path):
    result = runner.invoke(args=["make-tokens", "--counter", "TT-Q02", "-n", "5", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "tokens.csv").open(encoding="utf-8")))
    assert len(rows) == 5 and len({r["token"] for r in rows}) == 5
    for row in rows:
        assert row["url"] == f"https://survey.example.vn/t/{row['token']}"
        assert (tmp_path / row["qr_file"]).read_text().startswith("<svg")


def test_make_tokens_can_write_png_codes_and_the_links_work(runner, client, tmp_path: Path):
    result = runner.invoke(args=["make-tokens", "--counter", "TT-Q02", "-n", "2", "--output", str(tmp_path), "--image", "png"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "tokens.csv").open(encoding="utf-8")))
    assert (tmp_path / rows[0]["qr_file"]).read_bytes().startswith(b"\x89PNG")
    assert client.get(f"/t/{rows[0]['token']}").status_code == 200


def test_make_tokens_for_an_unknown_counter_fails_clearly(runner, tmp_path: Path):
    result = runner.invoke(args=["make-tokens", "--counter", "NOPE", "-n", "2", "--output", str(tmp_path)])
    assert result.exit_code != 0
    assert "NOPE" in result.output
    assert not (tmp_path / "tokens.csv").exists()


def test_a_token_never_starts_with_a_character_spreadsheets_read_as_a_formula():
    # About one token in 32 would start with "-" if drawn freely; 2,000 draws would show it.
    assert all(new_token()[0].isalnum() for _ in range(2000))
