"""units, counters and procedures can be deactivated: kept for history, hidden from new surveys (issue 18)

Revision ID: 0010_active
Revises: 0010_procedure_search
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_active"
down_revision = "0010_procedure_search"
branch_labels = None
depends_on = None

TABLES = ("unit", "counter", "procedure")


# Plain ALTER TABLE on both databases: a batch "move and copy" of `unit` on SQLite would drop a
# table that counters and sub-units reference. SQLite adds a column with a constant default in
# place, and drops one since 3.35.


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    for table in TABLES:
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN active')
