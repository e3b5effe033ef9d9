"""The one row the health check rewrites, so that `/healthz` proves a write reaches the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base


class HealthCheck(Base):
    """Row 1: when the last health check wrote, and how many have (each write changes the row)."""

    __tablename__ = "health_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime)
    writes: Mapped[int] = mapped_column(BigInteger)
