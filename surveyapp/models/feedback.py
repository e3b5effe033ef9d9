"""Complaints and petitions ("phản ánh, kiến nghị") about a unit's service, for QĐ 766/QĐ-TTg.

Like a dossier's, a complaint's code is stored only as a keyed hash (HMAC with DOSSIER_KEY), and
so is the code of the dossier it is about; `dossier_id` is the posted dossier that code named,
when one was known at import.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.integration import Dossier
from surveyapp.models.organisation import Unit


class Feedback(Base):
    """One complaint or petition: when it came, when it was due and handled, and whether the
    citizen said they were dissatisfied with its handling."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    handled_on: Mapped[date | None] = mapped_column(Date)
    dissatisfied: Mapped[bool] = mapped_column(Boolean, default=False)
    dossier_hash: Mapped[str | None] = mapped_column(String(64))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    unit: Mapped[Unit] = relationship()
    dossier: Mapped[Dossier | None] = relationship()
