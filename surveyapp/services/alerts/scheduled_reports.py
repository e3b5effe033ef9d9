"""Scheduled reports (issue 14, docs/ALERTS.md): which report subscriptions are due a period's
report, and what became of each mail.

`send-reports --period last-month` (or `last-quarter`, `last-year`, or a period's own text)
mails every subscription of kind "reports" whose period kind matches. Each (subscription,
period) gets one `ReportDelivery` row: once `sent`, later runs skip it; a failed mail is
`retrying` and waits the same doubling back-off as alert deliveries
(`deliveries.record_attempt`), so nothing is lost and nothing is sent twice.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from surveyapp.models import ReportDelivery, Subscription
from surveyapp.periods import Month, Period, PeriodError
from surveyapp.services.alerts.subscriptions import AlertError

#: The relative periods of the command line, and the subscriptions' period kind each serves.
RELATIVE_PERIODS: dict[str, str] = {"last-month": "month", "last-quarter": "quarter", "last-year": "year"}


def resolve_period(text: str, today: Month) -> Period:
    """`last-month`, `last-quarter`, `last-year` (the last complete one in Vietnam time before
    `today`'s month), or a month, quarter or year written out (`2026-10`, `2026-Q3`, `2025`)."""
    relative = RELATIVE_PERIODS.get(text)
    if relative == "month":
        return Period.of_month(today.shift(-1))
    if relative == "quarter":
        this_quarter_start = Month(today.year, (today.number - 1) // 3 * 3 + 1)
        return Period.parse(_quarter_text(this_quarter_start.shift(-3)))
    if relative == "year":
        return Period.parse(f"{today.year - 1:04d}")
    try:
        period = Period.parse(text, today)
    except PeriodError:
        period = None
    if period is None or period.kind not in ("month", "quarter", "year"):
        raise AlertError(
            _l("The period must be last-month, last-quarter, last-year, or a month, quarter or year "
               "such as 2026-10, 2026-Q3 or 2025."),
            "period",
        )
    return period


def _quarter_text(first: Month) -> str:
    return f"{first.year:04d}-Q{(first.number - 1) // 3 + 1}"


def due(session: Session, period: Period, now: datetime) -> list[ReportDelivery]:
    """The deliveries of `period` still to send: one per report subscription of its kind (made
    here when missing), minus those sent and those waiting out a back-off."""
    subscriptions = session.scalars(
        select(Subscription)
        .options(selectinload(Subscription.unit))
        .where(Subscription.kind == "reports", Subscription.period_kind == period.kind)
        .order_by(Subscription.id)
    ).all()
    text = str(period)
    known = {
        d.subscription_id: d
        for d in session.scalars(
            select(ReportDelivery).where(
                ReportDelivery.period == text,
                ReportDelivery.subscription_id.in_([s.id for s in subscriptions]),
            )
        )
    }
    out: list[ReportDelivery] = []
    for subscription in subscriptions:
        delivery = known.get(subscription.id)
        if delivery is None:
            delivery = ReportDelivery(subscription=subscription, period=text, status="pending", attempts=0,
                                      next_attempt_at=now)
            session.add(delivery)
        if delivery.status == "sent" or delivery.next_attempt_at > now:
            continue
        out.append(delivery)
    session.flush()
    return out


def recent(session: Session, limit: int = 200) -> list[ReportDelivery]:
    query = (select(ReportDelivery)
             .options(selectinload(ReportDelivery.subscription).selectinload(Subscription.unit))
             .order_by(ReportDelivery.id.desc()).limit(limit))
    return list(session.scalars(query))
