"""per-unit monthly rollups: the tally slots summed over each unit's subtree

Revision ID: 0007
Revises: 0006

`unit_rollup` holds one row per (month, unit, shard) with the sums of every `response_tally`
group of the unit's subtree, so a report reads one row per child and month. It is filled here
from the stored tallies (the join on `unit.path` prefixes: a unit's subtree) and then kept in
the same transaction as every response (surveyapp/services/reporting/rollups.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    slots = [c["name"] for c in sa.inspect(op.get_bind()).get_columns("response_tally") if c["name"].startswith("s_")]
    op.create_table(
        "unit_rollup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False, server_default="0"),
        *[sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in slots],
        sa.UniqueConstraint("month", "unit_id", "shard", name="uq_unit_rollup_key"),
    )
    op.create_index("ix_unit_rollup_unit_month", "unit_rollup", ["unit_id", "month"])
    sums = ", ".join(f"SUM(t.{c})" for c in slots)
    op.execute(
        f"INSERT INTO unit_rollup (month, unit_id, shard, {', '.join(slots)}) "
        f"SELECT t.month, a.id, 0, {sums} FROM response_tally t "
        "JOIN unit u ON u.id = t.unit_id JOIN unit a ON u.path LIKE a.path || '%' "
        "GROUP BY t.month, a.id"
    )


def downgrade() -> None:
    op.drop_table("unit_rollup")
