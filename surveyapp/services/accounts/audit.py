"""The audit log: sign-ins, exports, account and organisation changes."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import AuditEvent, User

ACTIONS: tuple[str, ...] = (
    "login", "login_failed", "login_throttled", "logout",
    "export", "user_created", "user_updated", "password_changed",
    "unit_saved", "counter_saved", "procedure_saved", "import",
    "api_client_created", "api_client_rotated", "api_client_revoked", "api_call",
    "campaign_created", "campaign_drawn",
    "subscription_saved", "subscription_removed", "webhook_added", "webhook_removed", "alert_rule_saved",
    "alert_rule_removed",
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


def recent_events(session: Session, *, action: str | None = None, limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))
