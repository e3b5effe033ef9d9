"""surveys linked to dossiers: API clients, their dossiers and invitations, the facts' sources on responses (issue 15)

Revision ID: 0009
Revises: 0008

Only hashes of client secrets, dossier codes and survey links are stored.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rotated_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_api_client_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("name", name=op.f("uq_api_client_name")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_client_secret_hash")),
    )
    with op.batch_alter_table("api_client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_client_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("submit_channel", sa.String(length=16), nullable=False),
        sa.Column("receive_channel", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("apology_slip", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.Column("invitation", sa.String(length=16), nullable=False),
        sa.Column("contact_kind", sa.String(length=8), nullable=True),
        sa.Column("contact_cipher", sa.Text(), nullable=True),
        sa.Column("contact_hash", sa.String(length=64), nullable=True),
        sa.Column("invited_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["api_client.id"], name=op.f("fk_dossier_client_id_api_client")),
        sa.ForeignKeyConstraint(["counter_id"], ["counter.id"], name=op.f("fk_dossier_counter_id_counter")),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"], name=op.f("fk_dossier_procedure_id_procedure")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier")),
        sa.UniqueConstraint("client_id", "code_hash", name="uq_dossier_client_code"),
        sa.UniqueConstraint("link_hash", name=op.f("uq_dossier_link_hash")),
    )
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossier_counter_id"), ["counter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossier_contact_hash"), ["contact_hash"], unique=False)

    op.create_table(
        "invitation_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_opt_out")),
        sa.UniqueConstraint("contact_hash", name=op.f("uq_invitation_opt_out_contact_hash")),
    )

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fact_sources", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("fact_sources")
    op.drop_table("invitation_opt_out")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_contact_hash"))
        batch_op.drop_index(batch_op.f("ix_dossier_counter_id"))
        batch_op.drop_index(batch_op.f("ix_dossier_client_id"))
    op.drop_table("dossier")
    with op.batch_alter_table("api_client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_client_unit_id"))
    op.drop_table("api_client")
