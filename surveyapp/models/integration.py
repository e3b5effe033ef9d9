"""The one-stop software's side: API clients and the dossiers they post (issue 15).

Only hashes are stored: a client's secret (SHA-256), a dossier's code (a keyed hash, so a copy of
the database cannot be matched against the one-stop software's codes) and its survey link. Like
a slip's token, the dossier keeps only the date its link was used, never which response it was.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.organisation import Counter, Procedure, Unit


class ApiClient(Base):
    """An integrating system (a province's one-stop software), allowed a unit and its subtree."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)

    unit: Mapped[Unit] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Dossier(Base):
    """A dossier a client posted: the facts the software knows, and its one survey link."""

    __tablename__ = "dossier"
    __table_args__ = (UniqueConstraint("client_id", "code_hash", name="uq_dossier_client_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the posted facts: the same dossier posted again unchanged is recognised.
    content_hash: Mapped[str] = mapped_column(String(64))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    submit_channel: Mapped[str] = mapped_column(String(16))
    receive_channel: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    apology_slip: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_on: Mapped[date] = mapped_column(Date)
    used_on: Mapped[date | None] = mapped_column(Date)
    # Whether the survey answered from the link rated the service 1 or 2 on `overall` (QĐ 766's
    # "dossiers rated dissatisfied"): the only thing of the answer the dossier keeps.
    rated_dissatisfied: Mapped[bool | None] = mapped_column(Boolean)
    # The invitation: its state (none, no_consent, not_configured, queued, sent, reminded, failed,
    # opted_out, cancelled), and while a message may still go out, the contact and the link,
    # encrypted together (Fernet, CONTACT_KEY), plus a keyed hash of the contact for opt-outs.
    # Both are erased after the last attempt, on opt-out, on an answer and at expiry.
    invitation: Mapped[str] = mapped_column(String(16), default="none")
    contact_kind: Mapped[str | None] = mapped_column(String(8))
    contact_cipher: Mapped[str | None] = mapped_column(Text)
    contact_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    client: Mapped[ApiClient] = relationship()
    counter: Mapped[Counter] = relationship()
    procedure: Mapped[Procedure] = relationship()


class InvitationOptOut(Base):
    """A contact that asked for no more messages: only its keyed hash (HMAC with DOSSIER_KEY)."""

    __tablename__ = "invitation_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_hash: Mapped[str] = mapped_column(String(64), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
