"""lookup_generation: one row the database raises whenever units, counters, procedures or stored
questionnaires change, so every worker's cached copies of them are renewed at once

Revision ID: 0010_lookup_generation
Revises: 0010_active

Triggers, not application code, raise it: every writer (the pages, the CSV imports, the CLI,
a hand-written UPDATE in psql) bumps it in its own transaction, so a worker can never see the
new rows without the new generation. PostgreSQL: one statement-level trigger per table (a CSV
import of 2,000 procedures bumps it once per statement); SQLite has row-level triggers only.

Last of the migrations that change these tables: on SQLite, `batch_alter_table` rebuilds a
table and its triggers go with it, so a later migration that rebuilds unit, counter, procedure
or survey_definition must create their triggers again (tests/survey/test_lookup_cache.py checks
each table bumps the generation at the head revision).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_lookup_generation"
down_revision = "0010_active"
branch_labels = None
depends_on = None

# Frozen here: the tables as of this revision (surveyapp/models/lookups.py::WATCHED_TABLES).
TABLES = ("unit", "counter", "procedure", "survey_definition")
EVENTS = ("INSERT", "UPDATE", "DELETE")
BUMP = "UPDATE lookup_generation SET value = value + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "lookup_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lookup_generation")),
    )
    op.execute("INSERT INTO lookup_generation (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_lookup_generation() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_bumps_lookup_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION bump_lookup_generation()'
            )
        return
    for table in TABLES:
        for event in EVENTS:
            op.execute(
                f'CREATE TRIGGER {table}_{event.lower()}_bumps_lookup_generation AFTER {event} ON "{table}" '
                f"BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f'DROP TRIGGER {table}_bumps_lookup_generation ON "{table}"')
        op.execute("DROP FUNCTION bump_lookup_generation()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_{event.lower()}_bumps_lookup_generation")
    op.drop_table("lookup_generation")
