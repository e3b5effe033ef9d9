"""Ad-hoc survey campaigns ("khảo sát đột xuất", issue 16): a stratified random sample of the
registered dossiers of a unit subtree returned in a period, its invitations and its answers.

Campaign answers live in their own table (`campaign_response`), never in `response`: the
regular survey's tallies, rollups, exports and comment lists read `response` only, so they cannot
count a campaign's answers by mistake, and the campaign report reads its own table.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.integration import Dossier
from surveyapp.models.organisation import Counter, Procedure, Unit


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(32))  # a Period's text (surveyapp/periods.py)
    sample_size: Mapped[int] = mapped_column(Integer)
    allocation: Mapped[str] = mapped_column(String(16))  # "proportional" or "equal"
    definition_id: Mapped[str] = mapped_column(String(64))
    target: Mapped[float] = mapped_column(Float)
    channels: Mapped[str] = mapped_column(String(32))  # "email,sms"
    seed: Mapped[int | None] = mapped_column(BigInteger)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    strata: Mapped[list[CampaignStratum]] = relationship(back_populates="campaign", order_by="CampaignStratum.position")

    @property
    def channel_list(self) -> list[str]:
        return [channel for channel in self.channels.split(",") if channel]


class CampaignStratum(Base):
    """One stratum of a drawn campaign: a direct child of the campaign's unit (or the unit's own
    counters), its frame size N_h and sample size n_h as drawn."""

    __tablename__ = "campaign_stratum"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", name="uq_campaign_stratum_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    position: Mapped[int] = mapped_column(Integer)
    frame_size: Mapped[int] = mapped_column(Integer)
    sample_size: Mapped[int] = mapped_column(Integer)

    campaign: Mapped[Campaign] = relationship(back_populates="strata")
    unit: Mapped[Unit] = relationship()


class CampaignSample(Base):
    """A sampled dossier: its own campaign link (stored as a hash) and invitation. Like a
    dossier's, its record of an answer is a date with no link to the response."""

    __tablename__ = "campaign_sample"
    __table_args__ = (UniqueConstraint("campaign_id", "dossier_id", name="uq_campaign_sample_dossier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    stratum_id: Mapped[int] = mapped_column(ForeignKey("campaign_stratum.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # none (no contact held), queued, sent, failed, opted_out
    invitation: Mapped[str] = mapped_column(String(16), default="none")
    contact_kind: Mapped[str | None] = mapped_column(String(8))
    contact_cipher: Mapped[str | None] = mapped_column(Text)
    contact_hash: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_on: Mapped[date | None] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship()
    stratum: Mapped[CampaignStratum] = relationship()
    dossier: Mapped[Dossier] = relationship()


class CampaignResponse(Base):
    """One answer to a campaign: the columns of `response` (no name, contact or dossier) plus
    the campaign and the stratum it belongs to."""

    __tablename__ = "campaign_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    stratum_id: Mapped[int] = mapped_column(ForeignKey("campaign_stratum.id"))
    definition_pk: Mapped[int] = mapped_column(ForeignKey("survey_definition.id"))
    definition_id: Mapped[str] = mapped_column(String(64))
    definition_version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedure.id"))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="vi")
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    month: Mapped[str] = mapped_column(String(7))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    fact_sources: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
