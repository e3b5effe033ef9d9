"""The report's `qd766` block: complaints and returned dossiers of a unit's subtree in a period
(the counting rules are docs/ANALYSIS.md, "QĐ 766"; the rates and points are analysis.qd766)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from analysis.model import Qd766
from analysis.qd766 import Qd766Counts, qd766_of
from surveyapp.models import Counter, Dossier, Feedback, Unit
from surveyapp.timeutil import vietnam_today


def period_dates(months: Sequence[str]) -> tuple[date, date]:
    """The first day of the period's first month and the first day after its last month."""
    first, last = min(months), max(months)
    year, month = int(last[:4]), int(last[5:7])
    after = date(year + month // 12, month % 12 + 1, 1)
    return date(int(first[:4]), int(first[5:7]), 1), after


def qd766_counts(session: Session, unit: Unit, months: Sequence[str], today: date) -> Qd766Counts:
    start, after = period_dates(months)
    in_subtree = Unit.path.startswith(unit.path, autoescape=True)
    # A complaint counts once decided: handled, or open past its due date (then it is overdue).
    # One still open and not yet due is neither on time nor late.
    decided = or_(Feedback.handled_on.is_not(None), Feedback.due_on < today)
    on_time = and_(Feedback.handled_on.is_not(None), Feedback.handled_on <= Feedback.due_on)
    complaints = session.execute(
        select(
            func.count(Feedback.id),
            func.coalesce(func.sum(case((on_time, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(on_time, Feedback.dissatisfied.is_(False)), 1), else_=0)), 0),
        )
        .join(Unit, Unit.id == Feedback.unit_id)
        .where(in_subtree, Feedback.due_on >= start, Feedback.due_on < after, decided)
    ).one()
    complained = exists().where(Feedback.dossier_id == Dossier.id)
    failed = or_(Dossier.rated_dissatisfied.is_(True), complained)
    dossiers = session.execute(
        select(func.count(Dossier.id), func.coalesce(func.sum(case((failed, 1), else_=0)), 0))
        .join(Counter, Counter.id == Dossier.counter_id)
        .join(Unit, Unit.id == Counter.unit_id)
        .where(in_subtree, Dossier.returned_on >= start, Dossier.returned_on < after)
    ).one()
    return Qd766Counts(
        complaints=int(complaints[0]), complaints_on_time=int(complaints[1]),
        complaints_not_dissatisfied=int(complaints[2]),
        dossiers_returned=int(dossiers[0]), dossiers_dissatisfied_or_complained=int(dossiers[1]),
    )


def qd766_block(session: Session, unit: Unit, months: Sequence[str], today: date | None = None) -> Qd766 | None:
    """None when the subtree had neither a complaint due nor a dossier returned in the period."""
    # Probe first: a province that never posted a dossier or a complaint pays nothing for it.
    if (session.scalar(select(Feedback.id).limit(1)) is None
            and session.scalar(select(Dossier.id).where(Dossier.returned_on.is_not(None)).limit(1)) is None):
        return None
    counts = qd766_counts(session, unit, months, today or vietnam_today())
    if counts.complaints == 0 and counts.dossiers_returned == 0:
        return None
    return qd766_of(counts)
