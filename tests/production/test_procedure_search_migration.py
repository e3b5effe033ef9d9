"""Migration 0010_procedure_search folds the stored catalogue's search keys, on both databases."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from surveyapp import migrate
from surveyapp.db import make_engine
from tests import databases


@pytest.fixture
def empty_url(tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    if databases.on_postgres():
        server = request.getfixturevalue("pg_server")
        name, url = databases.empty_database(server)
        yield url
        databases.drop_database(server, name)
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"


def test_the_migration_gives_every_stored_procedure_its_folded_search_key(empty_url):
    engine = make_engine(empty_url)
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO procedure (code, name, field) VALUES ('1.009994', 'Cấp giấy phép xây dựng', 'Xây dựng'), "
                "('1.001193', 'Đăng ký khai sinh', 'Hộ tịch')"
            ))
        migrate.upgrade(engine, "head")
        with engine.connect() as connection:
            keys = dict(connection.execute(text("SELECT code, search_key FROM procedure")).all())
        assert keys == {"1.009994": "1.009994 | cap giay phep xay dung | xay dung",
                        "1.001193": "1.001193 | dang ky khai sinh | ho tich"}
        migrate.downgrade(engine, "0009")
        migrate.upgrade(engine, "head")
    finally:
        engine.dispose()
