"""public_unit: the units an administrator has published (issue 14, /public/<unit>)

Revision ID: 0010_public
Revises: 0010_campaigns
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_public"
down_revision = "0010_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_unit",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_public_unit_unit_id_unit"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_public_unit")),
    )


def downgrade() -> None:
    op.drop_table("public_unit")
