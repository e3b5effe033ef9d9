"""Survey definitions as loaded, responses, and the one-time tokens of appointment slips."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.organisation import Counter, Procedure, Unit


class SurveyDefinitionRecord(Base):
    """One version of a questionnaire, stored as validated so old responses stay interpretable."""

    __tablename__ = "survey_definition"
    __table_args__ = (UniqueConstraint("definition_id", "version", name="uq_survey_definition_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Response(Base):
    """One citizen's answers. Deliberately holds no name, phone, ID number, IP or token."""

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_unit_month", "unit_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A public id: client-generated for kiosks, the file's id for imports, random otherwise.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    definition_pk: Mapped[int] = mapped_column(ForeignKey("survey_definition.id"))
    definition_id: Mapped[str] = mapped_column(String(64))
    definition_version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedure.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="vi")
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Calendar month in Vietnam's time (UTC+7), the unit of every report.
    month: Mapped[str] = mapped_column(String(7))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    # Answered from a dossier link: which facts the dossier gave and which the citizen reported,
    # {"dossier": {item: value}, "citizen": {item: value}} (docs/INTEGRATION.md); None otherwise.
    fact_sources: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()


class SurveyToken(Base):
    """A one-time survey link printed on an appointment slip.

    Only a hash of the token is stored, and the record of its use is a date with no link to
    the response, so answers cannot be traced back to a dossier.
    """

    __tablename__ = "survey_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedure.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_on: Mapped[date | None] = mapped_column(Date)

    counter: Mapped[Counter] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
