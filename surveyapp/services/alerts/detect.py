"""What `send-alerts` alerts about (docs/ALERTS.md, "Events").

- Incidents, sent at once: a response reporting harassment (some or many) or an extra payment,
  among the responses stored since the last run (a cursor on the response id).
- The monthly digest of the month just ended, once: a unit or counter beyond its 99.8 % funnel
  limit, and a significant fall of a unit's overall satisfaction (q < 0.05 across its parent's
  sub-units). Both are read from the typed report (analysis.model); no statistic is recomputed
  here, and the counters are placed with the same analysis.comparison funnel the units use.

An event carries codes, names, the month and counts only: never a comment or an answer.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from analysis.comparison import child_funnels
from analysis.flags import FLAG_SLOTS
from analysis.model import ChildReport, GroupReport
from surveyapp.models import AlertCursor, Response, Unit
from surveyapp.models.notifications import INCIDENT_EVENTS
from surveyapp.periods import month_of, previous_month
from surveyapp.services.reporting.reports import breakdown, monthly_report
from surveyapp.timeutil import utc_now_naive

RESPONSES_CURSOR = "responses"
#: Responses committed out of id order (PostgreSQL hands ids out before commit) are still seen:
#: each run looks this many ids back, and the alert keys keep them from being alerted twice.
OVERLAP_IDS = 500
#: The first run ever looks this far back, not at years of history.
FIRST_RUN_LOOKBACK = timedelta(days=1)
BEYOND_998 = ("above_998", "below_998")
FALL_Q = 0.05


@dataclass(frozen=True)
class Event:
    key: str  # unique per event: with the recipient, the alert's unique key
    event: str  # ALERT_EVENTS
    category: str  # "incident" | "digest"
    unit_id: int
    unit_path: str
    period: str
    facts: dict[str, Any] = field(default_factory=dict)


def _ref(code: str | None, name: str | None) -> dict[str, str | None] | None:
    return None if code is None else {"code": code, "name": name}


def _incident_flags(answers: dict[str, Any]) -> Iterator[str]:
    """The incident flags an answer set raises, from analysis.flags' numerator slots."""
    for flag in INCIDENT_EVENTS:
        numerator, _denominator = FLAG_SLOTS[flag]
        if any(answers.get(item) == code for item, code in (slot.split(".", 1) for slot in numerator)):
            yield flag


def _start_cursor(session: Session, now: datetime) -> AlertCursor:
    cursor = session.get(AlertCursor, RESPONSES_CURSOR)
    if cursor is None:
        older = session.scalar(select(func.max(Response.id)).where(Response.submitted_at < now - FIRST_RUN_LOOKBACK))
        cursor = AlertCursor(name=RESPONSES_CURSOR, last_id=older or 0, updated_at=now)
        session.add(cursor)
    return cursor


def new_incidents(session: Session, now: datetime) -> list[Event]:
    """Incident events of the responses stored since the last run; moves the cursor on."""
    cursor = _start_cursor(session, now)
    query = (
        select(Response)
        .options(joinedload(Response.unit), joinedload(Response.counter), joinedload(Response.procedure))
        .where(Response.id > max(cursor.last_id - OVERLAP_IDS, 0))
        .order_by(Response.id)
    )
    events: list[Event] = []
    highest = cursor.last_id
    for response in session.scalars(query):
        highest = max(highest, response.id)
        for flag in _incident_flags(response.answers or {}):
            counter, procedure = response.counter, response.procedure
            facts = {
                "unit": _ref(response.unit.code, response.unit.name),
                "counter": _ref(counter.code, counter.name) if counter else None,
                "procedure": _ref(procedure.code, procedure.name) if procedure else None,
            }
            # The response id is only part of the key: it never leaves the database.
            events.append(Event(f"{flag}:r{response.id}", flag, "incident", response.unit_id, response.unit.path,
                                response.month, facts))
    cursor.last_id, cursor.updated_at = highest, utc_now_naive()
    session.flush()
    return events


def digest_month(now: datetime) -> str:
    """The month the digest of a run at `now` (UTC) is about: the last whole month in Vietnam."""
    return previous_month(month_of(now))


def digest_done(session: Session, month: str) -> bool:
    return session.get(AlertCursor, f"digest:{month}") is not None


def mark_digest_done(session: Session, month: str) -> None:
    session.add(AlertCursor(name=f"digest:{month}", last_id=0, updated_at=utc_now_naive()))
    session.flush()


def _child_events(parent: Unit, children: dict[str, Unit], entry: ChildReport, month: str) -> Iterator[Event]:
    child = children.get(entry.code or "")
    if child is None:
        return
    unit = _ref(child.code, child.name)
    if entry.funnel.position in BEYOND_998 and entry.funnel.limits is not None:
        low, high = entry.funnel.limits["99.8"]
        yield Event(f"funnel:{month}:unit:{child.code}", "funnel", "digest", child.id, child.path, month, {
            "unit": unit, "counter": None, "compared_with": _ref(parent.code, parent.name),
            "position": entry.funnel.position, "measure": "overall", "n": entry.overall.n,
            "value": entry.overall.value, "limits": [low, high], "center": entry.funnel.center,
        })
    change = entry.change.overall
    if change.q_value is not None and change.diff is not None and change.q_value < FALL_Q and change.diff < 0:
        yield Event(f"fall:{month}:unit:{child.code}", "fall", "digest", child.id, child.path, month, {
            "unit": unit, "counter": None, "compared_with": _ref(parent.code, parent.name), "measure": "overall",
            "previous_period": previous_month(month), "n": entry.overall.n, "diff": change.diff,
            "ci_low": change.ci_low, "ci_high": change.ci_high, "q_value": change.q_value,
        })


def _counter_events(unit: Unit, rows: list[GroupReport], month: str, min_responses: int) -> Iterator[Event]:
    """Counters of one unit placed on the unit's funnel of overall satisfaction (the analysis
    package's funnel, each counter against the unit without it, as the sub-units are)."""
    placed = [row for row in rows if row.key is not None and row.overall.n > 0]
    if len(placed) < 2:
        return
    k = np.array([row.overall.count or 0 for row in placed], dtype=float)
    n = np.array([row.overall.n for row in placed], dtype=float)
    if n.sum() == 0:
        return
    funnels, _spread = child_funnels(k, n, float(k.sum() / n.sum()), float(k.sum()), float(n.sum()), True,
                                     min_responses=min_responses)
    for row, funnel in zip(placed, funnels, strict=True):
        if funnel.position in BEYOND_998 and funnel.limits is not None:
            low, high = funnel.limits["99.8"]
            yield Event(f"funnel:{month}:counter:{row.key}", "funnel", "digest", unit.id, unit.path, month, {
                "unit": _ref(unit.code, unit.name), "counter": _ref(str(row.key), row.name),
                "compared_with": _ref(unit.code, unit.name), "position": funnel.position, "measure": "overall",
                "n": row.overall.n, "value": row.overall.value, "limits": [low, high], "center": funnel.center,
            })


def digest_events(session: Session, month: str, *, min_responses: int) -> tuple[list[Event], list[str]]:
    """The digest's events for `month`, and the codes of units whose report failed (reported by
    the command; their events come with a later month's digest)."""
    events: list[Event] = []
    failed: list[str] = []
    units = list(session.scalars(select(Unit).options(joinedload(Unit.children)).order_by(Unit.path)).unique())
    for unit in units:
        try:
            if unit.children:
                report = monthly_report(session, unit, month, min_responses=min_responses)
                children = {child.code: child for child in unit.children}
                for entry in report.children:
                    events.extend(_child_events(unit, children, entry, month))
                if unit.parent_id is None:
                    events.extend(_root_fall(unit, report.change.overall, report.overall.n, month))
            if unit.counters:
                rows = breakdown(session, unit, month, "counter", min_responses=min_responses)
                events.extend(_counter_events(unit, rows, month, min_responses))
        except Exception:  # noqa: BLE001 (one unit's report must not stop the alerts of every other)
            failed.append(unit.code)
    return events, failed


def _root_fall(unit: Unit, change: Any, n: int, month: str) -> Iterator[Event]:
    """A root has no siblings to adjust across: its own test's p is its q."""
    if change.p_value is not None and change.diff is not None and change.p_value < FALL_Q and change.diff < 0:
        yield Event(f"fall:{month}:unit:{unit.code}", "fall", "digest", unit.id, unit.path, month, {
            "unit": _ref(unit.code, unit.name), "counter": None, "compared_with": None, "measure": "overall",
            "previous_period": previous_month(month), "n": n, "diff": change.diff,
            "ci_low": change.ci_low, "ci_high": change.ci_high, "q_value": change.p_value,
        })
