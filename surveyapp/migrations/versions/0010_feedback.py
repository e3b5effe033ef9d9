"""complaints and petitions for QĐ 766/QĐ-TTg; a dossier's survey rated dissatisfied (issue 16)

Revision ID: 0010_feedback
Revises: 0010_public

Only keyed hashes of complaint and dossier codes are stored.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_feedback"
down_revision = "0010_public"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("handled_on", sa.Date(), nullable=True),
        sa.Column("dissatisfied", sa.Boolean(), nullable=False),
        sa.Column("dossier_hash", sa.String(length=64), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_feedback_unit_id_unit")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_feedback_dossier_id_dossier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_feedback_code_hash")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_dossier_id"), ["dossier_id"], unique=False)
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rated_dissatisfied", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("rated_dissatisfied")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_due_on"))
        batch_op.drop_index(batch_op.f("ix_feedback_unit_id"))
    op.drop_table("feedback")
