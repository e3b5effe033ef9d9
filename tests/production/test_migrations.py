"""Migrations run from empty to head and down and up through every revision, on both databases."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from surveyapp import migrate
from surveyapp.db import make_engine
from surveyapp.models import Base, response_tally
from surveyapp.models.operations import SLOT_COLUMNS
from tests import databases


@pytest.fixture
def empty_url(tmp_path: Path, request: pytest.FixtureRequest):
    if databases.on_postgres():
        server = request.getfixturevalue("pg_server")
        name, url = databases.empty_database(server)
        yield url
        databases.drop_database(server, name)
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_revision_upgrades_from_empty_and_downgrades_and_upgrades_again(empty_url):
    engine = make_engine(empty_url)
    try:
        chain = revisions()
        assert chain[0] == "0001"
        for revision in chain:
            migrate.upgrade(engine, revision)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        for previous in reversed(["base"] + chain[:-1]):
            migrate.downgrade(engine, previous)
            migrate.upgrade(engine, "head")
            migrate.downgrade(engine, previous)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine, "head")
        columns = {c["name"] for c in inspect(engine).get_columns("response_tally")}
        assert set(SLOT_COLUMNS) <= columns, "a new tally slot needs a migration adding its column"
        assert {c.name for c in response_tally.columns} == columns
    finally:
        engine.dispose()
