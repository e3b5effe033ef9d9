"""Units whose results are public ("công khai", issue 14): opted in by an administrator."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base, utcnow


class PublicUnit(Base):
    """A row per published unit: `/public/<code>` shows its results to anyone. No row: the unit's
    public pages are a 404, exactly as an unknown code's."""

    __tablename__ = "public_unit"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(64), default="")
