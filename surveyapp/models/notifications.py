"""Who hears about a unit, and what was sent: subscriptions, webhooks, alert rules, alerts and
their deliveries (issue 14, docs/ALERTS.md).

An alert holds only what an official may read about an event: the unit, counter, procedure,
month and counts. Never a comment, a response id in what leaves the database, or anything that
identifies a respondent (the response id is only part of the internal `key`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.organisation import Unit

SUBSCRIPTION_KINDS: tuple[str, ...] = ("alerts", "reports")
REPORT_FORMATS: tuple[str, ...] = ("pdf", "xlsx")
PERIOD_KINDS: tuple[str, ...] = ("month", "quarter", "year")
#: What an alert is about: two incident flags (sent at once) and two digest events (monthly).
ALERT_EVENTS: tuple[str, ...] = ("harassment", "extra_payment", "funnel", "fall")
INCIDENT_EVENTS: tuple[str, ...] = ("harassment", "extra_payment")
DELIVERY_STATUSES: tuple[str, ...] = ("pending", "sent", "retrying", "cancelled")


class Subscription(Base):
    """An address that receives a unit's alerts (its whole subtree) or its scheduled reports."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "email", name="uq_subscription_unit_kind_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # SUBSCRIPTION_KINDS
    email: Mapped[str] = mapped_column(String(254))
    # Comma list of REPORT_FORMATS; only read for kind "reports".
    formats: Mapped[str] = mapped_column(String(32), default="pdf")
    period_kind: Mapped[str] = mapped_column(String(16), default="month")  # PERIOD_KINDS
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()

    @property
    def format_list(self) -> list[str]:
        return [f for f in self.formats.split(",") if f]


class Webhook(Base):
    """An HTTP endpoint that receives a unit's alerts as signed JSON. The secret is kept
    encrypted (Fernet, WEBHOOK_KEY) because every delivery must be signed with it."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret_cipher: Mapped[str] = mapped_column(Text)
    events: Mapped[str] = mapped_column(String(128))  # comma list of ALERT_EVENTS
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class AlertRule(Base):
    """A unit's override of the default rule (every event, enabled), inherited by its subtree
    down to the next override."""

    __tablename__ = "alert_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    events: Mapped[str] = mapped_column(String(128))  # comma list of ALERT_EVENTS
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class AlertDelivery(Base):
    """One message to one recipient (an email address or a webhook), carrying one or more alerts.

    `uid` is the X-Surveyapp-Delivery header: the same on every retry, so a receiver keeps one."""

    __tablename__ = "alert_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    channel: Mapped[str] = mapped_column(String(8))  # "email" | "webhook"
    email: Mapped[str | None] = mapped_column(String(254))
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String(16))  # "incident" | "digest"
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # DELIVERY_STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    webhook: Mapped[Webhook | None] = relationship()
    alerts: Mapped[list[Alert]] = relationship(back_populates="delivery", order_by="Alert.id")


class Alert(Base):
    """One event for one recipient: `key` names the event (e.g. "harassment:r123" or
    "funnel:2026-10:HUYEN-A"), `recipient` the address ("email:…") or webhook ("webhook:7");
    the pair is unique, so a second run never alerts anyone twice about one event."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("key", "recipient", name="uq_alert_key_recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160))
    recipient: Mapped[str] = mapped_column(String(280))
    event: Mapped[str] = mapped_column(String(16))  # ALERT_EVENTS
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    # What the message says: codes, names and counts only (see the module's docstring).
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("alert_delivery.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    delivery: Mapped[AlertDelivery] = relationship(back_populates="alerts")
    unit: Mapped[Unit] = relationship()


class AlertCursor(Base):
    """How far `send-alerts` has read the responses (the highest response id it looked at)."""

    __tablename__ = "alert_cursor"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
