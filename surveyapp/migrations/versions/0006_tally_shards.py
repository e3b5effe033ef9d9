"""response tallies split into shards per writing process

Revision ID: 0006
Revises: 0005

Concurrent submissions to one group (same month, unit, counter, procedure, channel and form)
queued on a single row lock on PostgreSQL (docs/BENCHMARKS.md). Each process now adds to its
own shard of the group; readers sum over shards, so every report number is unchanged.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GROUP = ["month", "unit_id", "counter_id", "procedure_id", "channel", "definition_id"]


def upgrade() -> None:
    with op.batch_alter_table("response_tally") as batch:
        batch.add_column(sa.Column("shard", sa.SmallInteger(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_response_tally_group", type_="unique")
        batch.create_unique_constraint("uq_response_tally_group", [*GROUP, "shard"])


def downgrade() -> None:
    slots = [c["name"] for c in sa.inspect(op.get_bind()).get_columns("response_tally") if c["name"].startswith("s_")]
    # Fold the shards back into one row per group before the narrower key returns.
    sums = ", ".join(f"SUM({c}) AS {c}" for c in slots)
    columns = ", ".join(GROUP + slots)
    group = ", ".join(GROUP)
    op.execute(f"CREATE TEMPORARY TABLE tally_merged AS SELECT {group}, {sums} FROM response_tally GROUP BY {group}")
    op.execute("DELETE FROM response_tally")
    op.execute(f"INSERT INTO response_tally ({columns}) SELECT {columns} FROM tally_merged")
    op.execute("DROP TABLE tally_merged")
    with op.batch_alter_table("response_tally") as batch:
        batch.drop_constraint("uq_response_tally_group", type_="unique")
        batch.create_unique_constraint("uq_response_tally_group", GROUP)
        batch.drop_column("shard")
