"""Webhook endpoints of a unit's alerts: the URL, the events it wants and its signing secret,
kept encrypted (Fernet, WEBHOOK_KEY) because every delivery is signed with it (docs/ALERTS.md).

Signature: `X-Surveyapp-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`.
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import AlertDelivery, Unit, Webhook
from surveyapp.models.notifications import ALERT_EVENTS
from surveyapp.services.alerts.subscriptions import AlertError, checked_unit

URL_MAX = 2000
SECRET_MIN, SECRET_MAX = 16, 256


def checked_events(events: str | None) -> str:
    """A comma list of ALERT_EVENTS in their fixed order; nothing given means every event."""
    if events is None or not events.strip():
        return ",".join(ALERT_EVENTS)
    chosen = [part.strip() for part in events.split(",") if part.strip()]
    if not chosen or any(part not in ALERT_EVENTS for part in chosen):
        raise AlertError(_l("The events must be among harassment, extra_payment, funnel, fall."), "events")
    return ",".join(e for e in ALERT_EVENTS if e in chosen)


def checked_url(url: str) -> str:
    address = (url or "").strip()
    parts = urlsplit(address)
    if len(address) > URL_MAX or parts.scheme not in ("http", "https") or not parts.hostname:
        raise AlertError(_l("The URL must start with http:// or https:// and name a host."), "url")
    return address


def checked_secret(secret: str) -> str:
    if not SECRET_MIN <= len(secret or "") <= SECRET_MAX:
        raise AlertError(_l("The secret must have %(low)d to %(high)d characters.", low=SECRET_MIN, high=SECRET_MAX),
                         "secret")
    return secret


def _fernet(webhook_key: str) -> Fernet:
    if not webhook_key:
        raise AlertError(_l("WEBHOOK_KEY is not set: webhook secrets cannot be stored encrypted."), "secret")
    return Fernet(webhook_key.encode("ascii"))


def add_webhook(session: Session, webhook_key: str, unit_code: str, url: str, secret: str,
                events: str | None = None) -> Webhook:
    address, chosen, kept = checked_url(url), checked_events(events), checked_secret(secret)
    unit = checked_unit(session, unit_code)
    cipher = _fernet(webhook_key).encrypt(kept.encode("utf-8")).decode("ascii")
    webhook = Webhook(unit=unit, url=address, secret_cipher=cipher, events=chosen)
    session.add(webhook)
    session.flush()
    return webhook


def secret_of(webhook_key: str, webhook: Webhook) -> str | None:
    """None when the key changed since the webhook was added (nothing can be signed)."""
    try:
        return _fernet(webhook_key).decrypt(webhook.secret_cipher.encode("ascii")).decode("utf-8")
    except (InvalidToken, AlertError, ValueError):
        return None


def signature(secret: str, body: bytes) -> str:
    """The X-Surveyapp-Signature header's value for this body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def all_webhooks(session: Session) -> list[Webhook]:
    query = select(Webhook).join(Unit, Webhook.unit_id == Unit.id).order_by(Unit.path, Webhook.id)
    return list(session.scalars(query))


def webhook_by_id(session: Session, webhook_id: int) -> Webhook | None:
    return session.get(Webhook, webhook_id)


def remove_webhook(session: Session, webhook: Webhook) -> None:
    """Remove the endpoint; its deliveries still waiting are cancelled (kept on the admin page)."""
    waiting = select(AlertDelivery).where(AlertDelivery.webhook_id == webhook.id,
                                          AlertDelivery.status.in_(("pending", "retrying")))
    for delivery in session.scalars(waiting):
        delivery.status = "cancelled"
    session.delete(webhook)
    session.flush()
