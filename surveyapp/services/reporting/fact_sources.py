"""The report's `dossier_facts` block: the month's responses answered from a dossier's link."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.dossier_facts import fact_sources_of
from analysis.model import DossierFactSources
from surveyapp.models import Response, Unit


def dossier_fact_sources(session: Session, unit: Unit, month: str) -> DossierFactSources | None:
    """None when no response of the unit's subtree in the month came from a dossier's link."""
    records = list(session.scalars(
        select(Response.fact_sources)
        .join(Unit, Unit.id == Response.unit_id)
        .where(Response.month == month, Unit.path.startswith(unit.path, autoescape=True),
               Response.fact_sources.is_not(None))
    ))
    return fact_sources_of(record for record in records if record) if records else None
