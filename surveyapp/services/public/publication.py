"""Which units an administrator has published (docs/CLI.md `publish`, docs/REPORT.md "Public results").

A unit is public while it has a `public_unit` row; publishing it twice or withdrawing an
unpublished one changes nothing. Services add and flush; the command or request commits.
"""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surveyapp.models import PublicUnit, Unit
from surveyapp.services.organisation.lookups import unit_by_code


def is_published(session: Session, unit: Unit) -> bool:
    return session.get(PublicUnit, unit.id) is not None


def published_unit(session: Session, code: str) -> Unit | None:
    """The unit of a public URL, or None when it is unknown or not published: the two look the same."""
    unit = unit_by_code(session, code)
    if unit is None or not is_published(session, unit):
        return None
    return unit


def set_published(session: Session, unit: Unit, published: bool, *, by: str = "") -> bool:
    """Publish or withdraw a unit's results; True when that changed anything."""
    if published == is_published(session, unit):
        return False
    if published:
        session.add(PublicUnit(unit_id=unit.id, published_by=by[:64]))
    else:
        session.execute(delete(PublicUnit).where(PublicUnit.unit_id == unit.id))
    session.flush()
    return True


def published_codes(session: Session) -> list[str]:
    query = select(Unit.code).join(PublicUnit, PublicUnit.unit_id == Unit.id).order_by(Unit.code)
    return list(session.scalars(query))
