"""unit_rollup.revision: raised by one on every upsert of a rollup row, so a report's freshness
key (a COUNT and SUM over the revisions of the rows it reads) changes with any change to them

Revision ID: 0010_rollup_revision
Revises: 0010_lookup_generation

A plain ADD COLUMN with a server default on both databases, never `batch_alter_table`: on
SQLite a batch rebuild of a table drops its triggers, and this migration must leave the
lookup_generation triggers of unit, counter, procedure and survey_definition in place (it
touches no other table; tests/survey/test_lookup_cache.py checks them at the head revision).
Both databases add a column with a constant default without rewriting the table, so the
upgrade is instant however many rollup rows are stored.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_rollup_revision"
down_revision = "0010_lookup_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("unit_rollup", sa.Column("revision", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35 drops it in place: no rebuild, no trigger lost).
    op.drop_column("unit_rollup", "revision")
