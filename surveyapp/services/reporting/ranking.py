"""The ranking of a unit's children, or of every commune under it, for a period (issue 14;
docs/REPORT.md "Ranking", docs/ANALYSIS.md §3 "Rankings").

Reads the per-unit monthly rollups only (one row per ranked unit and month, as the report's
children do), so the small-area estimates are the ones the report shows for its children;
analysis.ranking does the statistics.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from analysis import empty_tally
from analysis.indices import criteria_of
from analysis.model import Rate
from analysis.ranking import Member, Ranking, rank_units
from analysis.report import measures_of
from analysis.sipas import CRITERIA, DEFAULT_RANKING_MEASURE, MIN_RESPONSES, RANKING_AGAINST
from analysis.small_area import MEASURES, effective_counts
from surveyapp.models import Unit
from surveyapp.services.reporting.reports import ReportError, check_period
from surveyapp.services.reporting.rollups import read_rollups
from surveyapp.services.reporting.targets import effective_targets

DEFAULT_MEASURE = DEFAULT_RANKING_MEASURE
AGAINST = RANKING_AGAINST


def check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise ReportError(str(_l("unknown measure %(measure)s: choose one of %(choices)s",
                                 measure=measure, choices=", ".join(MEASURES))))
    return measure


def ranked_units(session: Session, unit: Unit, *, all_communes: bool) -> list[Unit]:
    """The direct children of `unit`, or (all_communes) every unit of its subtree without
    sub-units of its own: the communes of a province, whatever the tree's depth."""
    if not all_communes:
        return list(unit.children)
    below = aliased(Unit)
    has_children = select(below.id).where(below.parent_id == Unit.id).exists()
    query = (
        select(Unit)
        .where(Unit.path.startswith(unit.path, autoescape=True), Unit.id != unit.id, ~has_children)
        .order_by(Unit.code)
    )
    return list(session.scalars(query))


def rate_of(t: np.ndarray, targets: dict[str, float | None], measure: str, *, min_responses: int) -> Rate:
    """The raw rate of one measure of a tally (suppressed below min_responses)."""
    if measure in CRITERIA:
        return criteria_of(t, targets, min_responses=min_responses)[measure]
    core = measures_of(t, targets, min_responses=min_responses)
    if measure == "service_index":
        return core.service_index
    if measure == "overall":
        return core.overall
    return core.elements[measure]


def unit_ranking(
    session: Session,
    unit: Unit,
    period: str,
    *,
    measure: str = DEFAULT_MEASURE,
    all_communes: bool = False,
    against: str = "parent",
    min_responses: int = MIN_RESPONSES,
) -> Ranking:
    """The ranking of `unit`'s children (or communes) by `measure` over `period`; ReportError with
    a translated reason for a malformed period, an unknown measure, or a target asked for that
    the unit does not have."""
    months = check_period(period).month_texts()
    check_measure(measure)
    if against not in AGAINST:
        raise ReportError(str(_l("compare with the parent or the target")))
    members = ranked_units(session, unit, all_communes=all_communes)
    rows = read_rollups(session, [unit.id, *(m.id for m in members)], months)

    def summed(unit_id: int) -> np.ndarray:
        total = empty_tally()
        for month in months:
            vector = rows.get((month, unit_id))
            if vector is not None:
                total = total + vector
        return total

    parent_tally = summed(unit.id)
    parent_rate = rate_of(parent_tally, effective_targets(unit), measure, min_responses=min_responses)
    if against == "target":
        if parent_rate.target is None:
            raise ReportError(str(_l("%(unit)s has no target for %(measure)s", unit=unit.code, measure=measure)))
        reference: float | None = parent_rate.target
    else:
        reference = parent_rate.value
    entries: list[Member] = []
    for member in members:
        t = summed(member.id)
        raw = rate_of(t, effective_targets(member), measure, min_responses=min_responses)
        k, trials = effective_counts(t)[measure]
        entries.append(Member(
            code=member.code, name=member.name, n=raw.n, value=raw.value,
            ci_low=raw.ci_low, ci_high=raw.ci_high, k=k, trials=trials,
        ))
    parent_k, parent_n = effective_counts(parent_tally)[measure]
    return Ranking(
        unit=unit.code,
        unit_name=unit.name,
        period=period,
        measure=measure,
        against=against,
        reference=reference,
        children=tuple(rank_units(entries, parent_k, parent_n, reference, min_responses=min_responses)),
    )


def measure_choices() -> Sequence[str]:
    return MEASURES
