"""procedure picker: a folded search key per procedure, a counter's usual procedures, an index of the
tallies by counter and month (issue 17)

Revision ID: 0010_procedure_search
Revises: 0011_report_deliveries

`procedure.search_key` is "code | name | field" without tones or case (surveyapp/textfold.py),
filled here for the stored catalogue and kept by the ORM on every insert and update.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_procedure_search"
down_revision = "0011_report_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from surveyapp.models.organisation import procedure_search_key

    with op.batch_alter_table("procedure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.String(length=1200), server_default="", nullable=False))
    procedure = sa.table(
        "procedure", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
        sa.column("field", sa.String), sa.column("search_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(procedure.c.id, procedure.c.code, procedure.c.name, procedure.c.field)).all()
    if rows:
        connection.execute(
            procedure.update().where(procedure.c.id == sa.bindparam("pk")).values(search_key=sa.bindparam("key")),
            [{"pk": row.id, "key": procedure_search_key(row.code, row.name, row.field)} for row in rows],
        )
    op.create_table(
        "counter_procedure",
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["counter_id"], ["counter.id"], name=op.f("fk_counter_procedure_counter_id_counter"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"],
                                name=op.f("fk_counter_procedure_procedure_id_procedure"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("counter_id", "procedure_id", name=op.f("pk_counter_procedure")),
    )
    op.create_index("ix_response_tally_counter_month", "response_tally", ["counter_id", "month"])


def downgrade() -> None:
    op.drop_index("ix_response_tally_counter_month", table_name="response_tally")
    op.drop_table("counter_procedure")
    with op.batch_alter_table("procedure", schema=None) as batch_op:
        batch_op.drop_column("search_key")
