"""Who receives an event, the alerts and deliveries that record it, and each delivery's attempts
with exponential back-off (docs/ALERTS.md).

Recipients of an event about a unit: the `alerts` subscriptions of the unit or an ancestor, the
webhooks of the unit or an ancestor that want the event, and (ALERTS_TO_ACCOUNTS_IN_SCOPE) every
active account with an email whose scope covers the unit. One alert row per event and recipient
(unique), so no run alerts anyone twice; the new alerts of a run are grouped per recipient and
category into one delivery, retried until it goes out.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from surveyapp.models import Alert, AlertDelivery, Subscription, User, Webhook
from surveyapp.services.accounts.accounts import unit_in_scope
from surveyapp.services.alerts.rules import RuleBook

if TYPE_CHECKING:  # detect.py reads reports (numpy): loaded by send-alerts, not by the pages
    from surveyapp.services.alerts.detect import Event

MAX_BACKOFF = timedelta(hours=6)
ERROR_MAX = 255


@dataclass(frozen=True)
class Recipient:
    key: str  # "email:<address>" or "webhook:<id>"
    channel: str  # "email" | "webhook"
    email: str | None = None
    webhook_id: int | None = None


class _PathUnit:
    """What unit_in_scope reads of a unit: its path."""

    def __init__(self, path: str):
        self.path = path


def _ancestor_ids(path: str) -> set[int]:
    return {int(part) for part in path.strip("/").split("/") if part}


class Directory:
    """Every subscription, webhook and account with an email, read once per run."""

    def __init__(self, session: Session, *, accounts_in_scope: bool):
        self._subscriptions: dict[int, list[str]] = defaultdict(list)
        for subscription in session.scalars(select(Subscription).where(Subscription.kind == "alerts")):
            self._subscriptions[subscription.unit_id].append(subscription.email)
        self._webhooks: dict[int, list[Webhook]] = defaultdict(list)
        for webhook in session.scalars(select(Webhook)):
            self._webhooks[webhook.unit_id].append(webhook)
        self._accounts: list[User] = []
        if accounts_in_scope:
            query = (select(User).options(selectinload(User.unit))
                     .where(User.active.is_(True), User.email.is_not(None), User.email != ""))
            self._accounts = list(session.scalars(query))

    def recipients_for(self, unit_path: str, event: str) -> list[Recipient]:
        ancestors = _ancestor_ids(unit_path)
        found: dict[str, Recipient] = {}
        for unit_id in sorted(ancestors):
            for address in self._subscriptions.get(unit_id, []):
                found.setdefault(f"email:{address}", Recipient(f"email:{address}", "email", email=address))
            for webhook in self._webhooks.get(unit_id, []):
                if event in webhook.event_list:
                    key = f"webhook:{webhook.id}"
                    found.setdefault(key, Recipient(key, "webhook", webhook_id=webhook.id))
        unit = _PathUnit(unit_path)
        for account in self._accounts:
            if account.email and unit_in_scope(account, unit):  # type: ignore[arg-type]  # only .path is read
                address = account.email.lower()
                found.setdefault(f"email:{address}", Recipient(f"email:{address}", "email", email=address))
        return list(found.values())


def _known(session: Session, keys: list[str]) -> set[tuple[str, str]]:
    """The (event key, recipient) pairs already alerted among these events."""
    known: set[tuple[str, str]] = set()
    unique = sorted(set(keys))
    for start in range(0, len(unique), 200):
        query = select(Alert.key, Alert.recipient).where(Alert.key.in_(unique[start:start + 200]))
        known.update((key, recipient) for key, recipient in session.execute(query))
    return known


def plan(session: Session, events: list[Event], rules: RuleBook, directory: Directory, now: datetime) -> int:
    """Record an alert for each event and recipient not alerted yet, grouped into new deliveries;
    returns how many alerts were added. Events the unit's rule turns off are dropped."""
    wanted: list[tuple[Event, Recipient]] = []
    for event in events:
        if not rules.rule_for_path(event.unit_path).wants(event.event):
            continue
        wanted.extend((event, recipient) for recipient in directory.recipients_for(event.unit_path, event.event))
    known = _known(session, [event.key for event, _recipient in wanted])
    deliveries: dict[tuple[str, str], AlertDelivery] = {}
    added = 0
    for event, recipient in wanted:
        if (event.key, recipient.key) in known:
            continue
        known.add((event.key, recipient.key))
        delivery = deliveries.get((recipient.key, event.category))
        if delivery is None:
            delivery = AlertDelivery(uid=str(uuid.uuid4()), channel=recipient.channel, email=recipient.email,
                                     webhook_id=recipient.webhook_id, category=event.category, status="pending",
                                     attempts=0, next_attempt_at=now, created_at=now)
            session.add(delivery)
            deliveries[(recipient.key, event.category)] = delivery
        session.add(Alert(key=event.key, recipient=recipient.key, event=event.event, unit_id=event.unit_id,
                          period=event.period, facts=event.facts, delivery=delivery, created_at=now))
        added += 1
    session.flush()
    return added


def due_deliveries(session: Session, now: datetime) -> list[AlertDelivery]:
    query = (
        select(AlertDelivery)
        .options(selectinload(AlertDelivery.alerts), selectinload(AlertDelivery.webhook))
        .where(AlertDelivery.status.in_(("pending", "retrying")), AlertDelivery.next_attempt_at <= now)
        .order_by(AlertDelivery.id)
    )
    return list(session.scalars(query))


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """The wait after the `attempts`-th failure: base, 2×base, 4×base… at most MAX_BACKOFF."""
    return min(timedelta(seconds=base_seconds * 2 ** min(attempts - 1, 30)), MAX_BACKOFF)


class Attempted(Protocol):
    """What a delivery keeps of its attempts: alert deliveries and scheduled reports alike."""

    attempts: int
    status: str
    sent_at: datetime | None
    last_error: str | None
    next_attempt_at: datetime


def record_attempt(delivery: Attempted, error: str | None, now: datetime, base_seconds: int) -> None:
    """A delivered message is done; a failed one waits its back-off and is tried again. Nothing
    is ever dropped: the admin page shows every delivery still retrying."""
    delivery.attempts += 1
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
        return
    delivery.status, delivery.last_error = "retrying", error[:ERROR_MAX]
    delivery.next_attempt_at = now + backoff(delivery.attempts, base_seconds)


def recent_deliveries(session: Session, limit: int = 300) -> list[AlertDelivery]:
    query = (select(AlertDelivery).options(selectinload(AlertDelivery.alerts).selectinload(Alert.unit),
                                           selectinload(AlertDelivery.webhook))
             .order_by(AlertDelivery.id.desc()).limit(limit))
    return list(session.scalars(query))
