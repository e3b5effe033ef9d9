"""Data the dashboard needs besides the report itself: filtered comments, counters, months.

Only lookups and record lists here; every rate and interval comes from
surveyapp.services.reporting.reports (which uses the `analysis` package), labels come from
surveyapp.labels and months from surveyapp.periods.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Response, Unit, unit_rollup
from surveyapp.periods import period_months
from surveyapp.services.organisation.lookups import unit_by_code

COMMENTS_PER_PAGE = 50


def counters_under(session: Session, unit: Unit) -> list[Counter]:
    """Counters of the unit's subtree (for the comment filter and counter links)."""
    return list(
        session.scalars(
            select(Counter).join(Unit, Unit.id == Counter.unit_id)
            .where(Unit.path.startswith(unit.path, autoescape=True)).order_by(Counter.code)
        )
    )


def units_under(session: Session, unit: Unit) -> list[Unit]:
    query = select(Unit).where(Unit.path.startswith(unit.path, autoescape=True)).order_by(Unit.path)
    return list(session.scalars(query))


@dataclass(frozen=True)
class CommentFilter:
    unit_code: str | None = None  # a unit of the subtree (its own subtree)
    counter_code: str | None = None
    max_overall: int | None = None  # only comments whose overall score is at most this
    text: str | None = None


@dataclass(frozen=True)
class CommentPage:
    comments: list[dict[str, Any]]
    total: int


def comments_page(
    session: Session, unit: Unit, month: str, chosen: CommentFilter, *, page: int = 1, per_page: int = COMMENTS_PER_PAGE
) -> CommentPage:
    """Comments of the unit's subtree for the month (or period), newest first, filtered. Holds no
    respondent data beyond the comment, the day, the place and the overall score."""
    base_unit = unit
    if chosen.unit_code:
        inner = unit_by_code(session, chosen.unit_code)
        if inner is not None and inner.path.startswith(unit.path):
            base_unit = inner  # a filter can narrow the scope, never widen it
    conditions = [
        Unit.path.startswith(base_unit.path, autoescape=True),
        Response.month.in_(period_months(month)),
        Response.comment.is_not(None),
        Response.comment != "",
    ]
    if chosen.counter_code:
        conditions.append(Counter.code == chosen.counter_code)
    if chosen.text:
        conditions.append(Response.comment.ilike("%" + _escape_like(chosen.text) + "%", escape="\\"))
    query = (
        select(Response, Unit.code, Unit.name, Counter.code, Counter.name)
        .join(Unit, Unit.id == Response.unit_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .where(*conditions)
        .order_by(Response.submitted_at.desc(), Response.id.desc())
    )
    rows = []
    for response, unit_code, unit_name, counter_code, counter_name in session.execute(query):
        overall = _score((response.answers or {}).get("overall"))
        if chosen.max_overall is not None and (overall is None or overall > chosen.max_overall):
            continue  # the score lives in JSON, portable SQL cannot filter it; a month is small
        rows.append({
            "comment": response.comment, "submitted_at": response.submitted_at, "unit": unit_code,
            "unit_name": unit_name, "counter": counter_code, "counter_name": counter_name, "overall": overall,
        })
    start = (max(page, 1) - 1) * per_page
    return CommentPage(comments=rows[start:start + per_page], total=len(rows))


def _score(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def months_with_responses(session: Session, unit: Unit) -> list[str]:
    """Months that have responses in the subtree, newest first (for the month picker): the
    unit's own rollup rows (one per month and shard), never the raw responses."""
    query = (
        select(unit_rollup.c.month)
        .where(unit_rollup.c.unit_id == unit.id)
        .group_by(unit_rollup.c.month)
        .having(func.sum(unit_rollup.c.s_n) > 0)
        .order_by(unit_rollup.c.month.desc())
    )
    return list(session.scalars(query))
