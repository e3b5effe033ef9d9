"""Officials' accounts, failed sign-in attempts (for throttling) and the audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.organisation import Unit

ROLES: tuple[str, ...] = ("admin", "manager", "viewer")


class User(Base):
    """An official who reads reports. Managers and viewers are bound to a unit and its subtree;
    an administrator sees everything (their unit, if any, is only informative)."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change, role/unit change or deactivation: every older session ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Where alerts reach this official (ALERTS_TO_ACCOUNTS_IN_SCOPE); None: no email.
    email: Mapped[str | None] = mapped_column(String(254))

    unit: Mapped[Unit | None] = relationship()


class LoginAttempt(Base):
    """A failed sign-in, keyed by a keyed hash of the username or of the client address.

    Only hashes are kept (no raw IP), and rows older than the throttling window are deleted.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class AuditEvent(Base):
    """Who did what and when: sign-ins (good and bad), exports, account and organisation changes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Keyed hash of the client address: links events from one machine without storing the IP.
    address_hash: Mapped[str] = mapped_column(String(16), default="")
