"""ad-hoc survey campaigns: campaigns, their strata, sampled dossiers and answers (issue 16)

Revision ID: 0010_campaigns
Revises: 0009

Campaign answers get a table of their own so the regular survey never counts them.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_campaigns"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("allocation", sa.String(length=16), nullable=False),
        sa.Column("definition_id", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("channels", sa.String(length=32), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_campaign_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "campaign_stratum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("frame_size", sa.Integer(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_campaign_stratum_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_campaign_stratum_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_stratum")),
        sa.UniqueConstraint("campaign_id", "unit_id", name="uq_campaign_stratum_unit"),
    )
    with op.batch_alter_table("campaign_stratum", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_stratum_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "campaign_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("stratum_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=False),
        sa.Column("invitation", sa.String(length=16), nullable=False),
        sa.Column("contact_kind", sa.String(length=8), nullable=True),
        sa.Column("contact_cipher", sa.Text(), nullable=True),
        sa.Column("contact_hash", sa.String(length=64), nullable=True),
        sa.Column("invited_at", sa.DateTime(), nullable=True),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_sample_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_campaign_sample_dossier_id_dossier")),
        sa.ForeignKeyConstraint(["stratum_id"], ["campaign_stratum.id"],
                                name=op.f("fk_campaign_sample_stratum_id_campaign_stratum")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_sample")),
        sa.UniqueConstraint("campaign_id", "dossier_id", name="uq_campaign_sample_dossier"),
        sa.UniqueConstraint("link_hash", name=op.f("uq_campaign_sample_link_hash")),
    )
    with op.batch_alter_table("campaign_sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_sample_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_sample_stratum_id"), ["stratum_id"], unique=False)

    op.create_table(
        "campaign_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("stratum_id", sa.Integer(), nullable=False),
        sa.Column("definition_pk", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.String(length=64), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("procedure_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("fact_sources", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_campaign_response_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["stratum_id"], ["campaign_stratum.id"],
                                name=op.f("fk_campaign_response_stratum_id_campaign_stratum")),
        sa.ForeignKeyConstraint(["definition_pk"], ["survey_definition.id"],
                                name=op.f("fk_campaign_response_definition_pk_survey_definition")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_campaign_response_unit_id_unit")),
        sa.ForeignKeyConstraint(["counter_id"], ["counter.id"], name=op.f("fk_campaign_response_counter_id_counter")),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"],
                                name=op.f("fk_campaign_response_procedure_id_procedure")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_response")),
        sa.UniqueConstraint("uid", name=op.f("uq_campaign_response_uid")),
    )
    with op.batch_alter_table("campaign_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_response_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("campaign_response", ("ix_campaign_response_campaign_id",)),
        ("campaign_sample", ("ix_campaign_sample_stratum_id", "ix_campaign_sample_campaign_id")),
        ("campaign_stratum", ("ix_campaign_stratum_campaign_id",)),
        ("campaign", ("ix_campaign_unit_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(batch_op.f(index))
        op.drop_table(table)
