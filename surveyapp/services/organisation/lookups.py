"""Finding units, counters and procedures: the one home of every look-up by code.

Routes and CLI commands look a record up here once and pass the object down; services that
receive a code from a file or a form use the same functions, so a look-up has one meaning.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, Unit


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def counter_by_code(session: Session, code: str) -> Counter | None:
    return session.scalar(select(Counter).where(Counter.code == code))


def procedure_by_code(session: Session, code: str) -> Procedure | None:
    return session.scalar(select(Procedure).where(Procedure.code == code))


def all_procedures(session: Session) -> list[Procedure]:
    """The catalogue by field, then by code: the catalogue's own order, and the same on every
    database (names sort by the database's collation, codes do not)."""
    return list(session.scalars(select(Procedure).order_by(Procedure.field, Procedure.code)))


def unit_chain(unit: Unit) -> list[Unit]:
    """The unit and its ancestors, root first (for headings like 'Province › Commune')."""
    chain = []
    current: Unit | None = unit
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))
