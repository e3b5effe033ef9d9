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


def test_downgrading_the_shards_folds_each_group_back_into_one_row(empty_url):
    from sqlalchemy import text

    engine = make_engine(empty_url)
    try:
        migrate.upgrade(engine, "head")
        group = "'2026-11', 1, 2, 0, 'qr', 'sipas-full'"
        with engine.begin() as connection:
            for shard, n in ((0, 1), (3, 2)):
                connection.execute(text(
                    "INSERT INTO response_tally (month, unit_id, counter_id, procedure_id, channel, definition_id, shard, s_n) "
                    f"VALUES ({group}, {shard}, {n})"
                ))
        migrate.downgrade(engine, "0005")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT s_n FROM response_tally")).scalars().all() == [3]
        migrate.upgrade(engine, "head")
    finally:
        engine.dispose()


def test_the_rollup_migration_sums_the_stored_tallies_up_the_unit_tree(empty_url):
    from sqlalchemy import text

    engine = make_engine(empty_url)
    try:
        migrate.upgrade(engine, "0006")
        with engine.begin() as connection:
            for unit_id, parent, path in ((1, None, "/1/"), (2, 1, "/1/2/"), (3, 2, "/1/2/3/"), (4, 1, "/1/4/")):
                connection.execute(
                    text("INSERT INTO unit (id, code, name, parent_id, path) VALUES (:id, :code, :code, :parent, :path)"),
                    {"id": unit_id, "code": f"U{unit_id}", "parent": parent, "path": path},
                )
            for unit_id, counter, shard, n in ((3, 7, 0, 2), (3, 7, 1, 3), (4, 8, 0, 5), (1, 0, 0, 1)):
                connection.execute(
                    text(
                        "INSERT INTO response_tally (month, unit_id, counter_id, procedure_id, channel, definition_id, shard, s_n) "
                        "VALUES ('2026-11', :unit, :counter, 0, 'qr', 'sipas-full', :shard, :n)"
                    ),
                    {"unit": unit_id, "counter": counter, "shard": shard, "n": n},
                )
        migrate.upgrade(engine, "head")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT unit_id, SUM(s_n) FROM unit_rollup WHERE month = '2026-11' GROUP BY unit_id"))
            assert {unit_id: int(n) for unit_id, n in rows} == {1: 11, 2: 5, 3: 5, 4: 5}
    finally:
        engine.dispose()
