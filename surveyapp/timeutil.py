"""Storage is UTC; people live in Vietnam's time (UTC+7, no daylight saving).

Months (which month a moment belongs to) are in surveyapp/periods.py."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


def to_utc_naive(moment: datetime) -> datetime:
    """Aware datetimes are converted; naive ones are taken as Vietnam local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_now_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def vietnam_date(moment: datetime) -> date:
    """The day in Vietnam of a naive UTC timestamp (how every moment is stored): what exports
    show, so a date always agrees with its month (surveyapp/periods.py::Month.of)."""
    return moment.replace(tzinfo=UTC).astimezone(VIETNAM).date()


def vietnam_today() -> date:
    """Today's date in Vietnam (dossier links expire at the end of a Vietnamese day)."""
    return datetime.now(VIETNAM).date()
