"""Each worker's copies of counters, units, procedures and the questionnaire are renewed as soon
as the database changes them, whoever changed them (surveyapp/services/survey/lookup_cache.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from surveyapp.db import get_session
from surveyapp.models import Response
from surveyapp.models.lookups import WATCHED_TABLES
from surveyapp.services.survey.definitions import sync_definitions
from surveyapp.services.survey.lookup_cache import current_generation
from tests.survey.helpers import full_answers

ROOT = Path(__file__).resolve().parents[2]
SEATS_V1 = "Nơi ngồi chờ có đủ chỗ ngồi"
SEATS_V2 = "Nơi ngồi chờ có đủ ghế cho mọi người"


def write_elsewhere(database_url: str, statement: str) -> None:
    """A change committed by another connection, as another worker or psql would make it."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def definitions_version_2(tmp_path: Path) -> Path:
    directory = tmp_path / "definitions"
    shutil.copytree(ROOT / "survey_definitions", directory)
    full = directory / "sipas-full.toml"
    body = full.read_text(encoding="utf-8")
    assert "\nversion = 1\n" in body and SEATS_V1 in body
    full.write_text(body.replace("\nversion = 1\n", "\nversion = 2\n").replace(SEATS_V1, SEATS_V2), encoding="utf-8")
    return directory


def test_a_counter_renamed_by_another_connection_shows_on_the_next_page(client, database_url):
    first = client.get("/s/TT-Q01").get_data(as_text=True)
    write_elsewhere(database_url, "UPDATE counter SET name = 'Quầy đổi tên ABC' WHERE code = 'TT-Q01'")
    second = client.get("/s/TT-Q01").get_data(as_text=True)
    assert "Quầy đổi tên ABC" not in first
    assert "Quầy đổi tên ABC" in second


def test_a_unit_renamed_elsewhere_shows_in_the_heading_and_a_removed_counter_is_unknown(client, database_url):
    client.get("/s/TT-Q01")
    write_elsewhere(
        database_url,
        "UPDATE unit SET name = 'Trung tâm đã đổi tên XYZ' WHERE id = (SELECT unit_id FROM counter WHERE code = 'TT-Q01')",
    )
    assert "Trung tâm đã đổi tên XYZ" in client.get("/s/TT-Q01").get_data(as_text=True)
    write_elsewhere(database_url, "UPDATE counter SET code = 'TT-Q01-OLD' WHERE code = 'TT-Q01'")
    assert client.get("/s/TT-Q01").status_code == 404


def test_a_new_questionnaire_version_is_shown_and_stored_from_the_next_request(app, client, tmp_path):
    assert SEATS_V1 in client.get("/s/TT-Q01").get_data(as_text=True)
    with app.app_context():
        session = get_session()
        sync_definitions(session, definitions_version_2(tmp_path))
        session.commit()
    page = client.get("/s/TT-Q01").get_data(as_text=True)
    assert SEATS_V2 in page and SEATS_V1 not in page
    assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    with app.app_context():
        stored = get_session().scalar(select(Response))
        assert stored is not None and stored.definition_version == 2


@pytest.mark.parametrize("table", WATCHED_TABLES)
def test_every_change_to_a_watched_table_raises_the_generation_in_its_own_transaction(app, table):
    changes = {
        "unit": "UPDATE unit SET name = name || ' ' WHERE id = (SELECT MIN(id) FROM unit)",
        "counter": "DELETE FROM counter WHERE code = 'TT-Q02'",
        "procedure": "INSERT INTO procedure (code, name, field) VALUES ('9.999999', 'Thủ tục thử', 'Thử')",
        "survey_definition": "UPDATE survey_definition SET checksum = checksum",
    }
    with app.app_context():
        session = get_session()
        before = current_generation(session)
        session.execute(text(changes[table]))
        assert current_generation(session) > before  # in the same transaction, before the commit
        session.rollback()
        assert current_generation(session) == before  # and undone with it
