"""What `send-reports` sent: one row per (report subscription, period), so a second run of the
same period sends nothing twice and a failed mail is tried again later (issue 14, docs/ALERTS.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.notifications import Subscription


class ReportDelivery(Base):
    """A subscriber's report of one period: `sent`, or `retrying` after `last_error` until
    `next_attempt_at` (the same back-off as alert deliveries)."""

    __tablename__ = "report_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "period", name="uq_report_delivery_subscription_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | retrying
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    subscription: Mapped[Subscription] = relationship()
