"""Subscriptions: an address receives a unit's alerts or its scheduled reports (docs/ALERTS.md).

The same rules hold for the command line (`subscribe`, `unsubscribe`) and the admin page; a
malformed address, kind, format or period kind or an unknown unit is refused with an
`AlertError` naming the field, and nothing is stored.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Subscription, Unit
from surveyapp.models.notifications import PERIOD_KINDS, REPORT_FORMATS, SUBSCRIPTION_KINDS
from surveyapp.services.integration.dossiers import EMAIL
from surveyapp.services.organisation.lookups import unit_by_code

EMAIL_MAX = 254


class AlertError(ValueError):
    """A refusal shown beside `field` (the CLI option's or form field's name), or above the form."""

    def __init__(self, message: str | LazyString, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def checked_email(email: str) -> str:
    """The address as stored (trimmed, lower case), or AlertError."""
    address = (email or "").strip().lower()
    if len(address) > EMAIL_MAX or not EMAIL.fullmatch(address):
        raise AlertError(_l("%(value)s is not an email address.", value=email), "email")
    return address


def checked_unit(session: Session, unit_code: str) -> Unit:
    unit = unit_by_code(session, (unit_code or "").strip())
    if unit is None:
        raise AlertError(_l("Unknown unit %(code)s.", code=unit_code), "unit")
    return unit


def checked_kind(kind: str) -> str:
    if kind not in SUBSCRIPTION_KINDS:
        raise AlertError(_l("The kind must be alerts or reports."), "kind")
    return kind


def checked_formats(formats: str) -> str:
    """`pdf`, `xlsx` or both, comma-separated, in a fixed order."""
    chosen = [part.strip().lower() for part in (formats or "").split(",") if part.strip()]
    if not chosen or any(part not in REPORT_FORMATS for part in chosen):
        raise AlertError(_l("The format must be pdf, xlsx or pdf,xlsx."), "format")
    return ",".join(f for f in REPORT_FORMATS if f in chosen)


def checked_period_kind(period_kind: str) -> str:
    if period_kind not in PERIOD_KINDS:
        raise AlertError(_l("The period kind must be month, quarter or year."), "period_kind")
    return period_kind


def _existing(session: Session, unit: Unit, kind: str, email: str) -> Subscription | None:
    query = select(Subscription).where(Subscription.unit_id == unit.id, Subscription.kind == kind,
                                       Subscription.email == email)
    return session.scalars(query).first()


def subscribe(
    session: Session, unit_code: str, email: str, kind: str, formats: str = "pdf", period_kind: str = "month"
) -> Subscription:
    """Add the subscription, or update the formats and period kind of the one already there."""
    kind, address = checked_kind(kind), checked_email(email)
    formats, period_kind = checked_formats(formats), checked_period_kind(period_kind)
    unit = checked_unit(session, unit_code)
    subscription = _existing(session, unit, kind, address)
    if subscription is None:
        subscription = Subscription(unit=unit, kind=kind, email=address)
        session.add(subscription)
    subscription.formats, subscription.period_kind = formats, period_kind
    session.flush()
    return subscription


def unsubscribe(session: Session, unit_code: str, email: str, kind: str) -> bool:
    """Remove the subscription; False when there was none."""
    kind, address = checked_kind(kind), checked_email(email)
    unit = checked_unit(session, unit_code)
    subscription = _existing(session, unit, kind, address)
    if subscription is None:
        return False
    session.delete(subscription)
    session.flush()
    return True


def subscription_by_id(session: Session, subscription_id: int) -> Subscription | None:
    return session.get(Subscription, subscription_id)


def remove_subscription(session: Session, subscription: Subscription) -> None:
    session.delete(subscription)
    session.flush()


def all_subscriptions(session: Session, kind: str | None = None) -> list[Subscription]:
    query = select(Subscription).join(Unit, Subscription.unit_id == Unit.id).order_by(
        Unit.path, Subscription.kind, Subscription.email)
    if kind is not None:
        query = query.where(Subscription.kind == kind)
    return list(session.scalars(query))
