"""dossier volumes per unit and month; per-unit target overrides

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 23:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_volume",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_dossier_volume_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_volume")),
        sa.UniqueConstraint("unit_id", "month", name="uq_dossier_volume_unit_month"),
    )
    with op.batch_alter_table("dossier_volume", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_volume_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossier_volume_month"), ["month"], unique=False)
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("targets", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("targets")
    with op.batch_alter_table("dossier_volume", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_volume_month"))
        batch_op.drop_index(batch_op.f("ix_dossier_volume_unit_id"))
    op.drop_table("dossier_volume")
