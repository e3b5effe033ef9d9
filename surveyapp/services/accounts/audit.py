"""The audit log: sign-ins, exports, account and organisation changes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveyapp.models import AuditEvent, User
from surveyapp.timeutil import to_utc_naive

ACTIONS: tuple[str, ...] = (
    "login", "login_failed", "login_throttled", "logout",
    "export", "user_created", "user_updated", "password_changed",
    "unit_saved", "counter_saved", "procedure_saved", "import",
    "api_client_created", "api_client_rotated", "api_client_revoked", "api_call",
    "campaign_created", "campaign_drawn",
    "subscription_saved", "subscription_removed", "webhook_added", "webhook_removed", "alert_rule_saved",
    "alert_rule_removed",
    "api_client_created", "api_client_rotated", "api_client_revoked", "api_call", "tokens_made",
    "unit_deactivated", "unit_reactivated", "counter_deactivated", "counter_reactivated",
    "procedure_deactivated", "procedure_reactivated",
)


def record(
    session: Session,
    action: str,
    *,
    user: User | None = None,
    username: str = "",
    target: str = "",
    detail: dict[str, Any] | None = None,
    address_hash: str = "",
) -> AuditEvent:
    """Add an event to the session; the caller commits with the change it describes."""
    event = AuditEvent(
        action=action,
        user_id=user.id if user else None,
        username=(user.username if user else username)[:64],
        target=target[:255],
        detail=detail or {},
        address_hash=address_hash,
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page asks for; None: no condition. Days are Vietnamese days, both included."""

    action: str | None = None
    username: str | None = None
    since: date | None = None
    until: date | None = None


def recent_events(
    session: Session, *, action: str | None = None, limit: int = 200, chosen: AuditFilter | None = None
) -> list[AuditEvent]:
    chosen = chosen or AuditFilter(action=action)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    if chosen.username:
        query = query.where(func.lower(AuditEvent.username) == chosen.username.lower())
    if chosen.since:
        query = query.where(AuditEvent.at >= to_utc_naive(datetime.combine(chosen.since, time.min)))
    if chosen.until:
        query = query.where(AuditEvent.at < to_utc_naive(datetime.combine(chosen.until + timedelta(days=1), time.min)))
    return list(session.scalars(query))


def audit_usernames(session: Session) -> list[str]:
    """Every account name the log holds (the account filter's suggestions)."""
    return sorted(session.scalars(select(AuditEvent.username).distinct()), key=str.lower)
