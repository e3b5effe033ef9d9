"""The report's `dossier_facts` block: the month's responses answered from a dossier's link."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.dossier_facts import fact_sources_of
from analysis.model import DossierFactSources
from surveyapp.models import Dossier, Response, Unit


def dossier_fact_sources(session: Session, unit: Unit, months: Sequence[str]) -> DossierFactSources | None:
    """None when no response of the unit's subtree in the months (a period's) came from a dossier's link."""
    # A report otherwise reads only aggregates: probe one row first, so a province that never
    # linked a dossier (or a month before it did) pays nothing for this block.
    if session.scalar(select(Dossier.id).where(Dossier.used_on.is_not(None)).limit(1)) is None:
        return None
    records = list(session.scalars(
        select(Response.fact_sources)
        .join(Unit, Unit.id == Response.unit_id)
        .where(Response.month.in_(list(months)), Unit.path.startswith(unit.path, autoescape=True),
               Response.fact_sources.is_not(None))
    ))
    return fact_sources_of(record for record in records if record) if records else None
