"""kiosk devices and pairing codes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 23:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("paired_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("backlog", sa.Integer(), nullable=True),
        sa.Column("app_version", sa.String(length=32), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["counter_id"], ["counter.id"], name=op.f("fk_kiosk_device_counter_id_counter")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kiosk_device_token_hash")),
    )
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_device_counter_id"), ["counter_id"], unique=False)

    op.create_table(
        "kiosk_pairing_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["counter_id"], ["counter.id"], name=op.f("fk_kiosk_pairing_code_counter_id_counter")),
        sa.ForeignKeyConstraint(["device_id"], ["kiosk_device.id"], name=op.f("fk_kiosk_pairing_code_device_id_kiosk_device")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_pairing_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_kiosk_pairing_code_code_hash")),
    )
    with op.batch_alter_table("kiosk_pairing_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_pairing_code_counter_id"), ["counter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kiosk_pairing_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_pairing_code_counter_id"))
    op.drop_table("kiosk_pairing_code")
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_device_counter_id"))
    op.drop_table("kiosk_device")
