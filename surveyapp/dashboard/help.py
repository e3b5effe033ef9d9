"""The numbers of one report that the help page "How to read the report" (`/help/reports`)
uses as its worked examples: the headline rate and its interval, a sub-unit on the funnel, a
small-area estimate. Nothing is computed here: values are picked from the typed report
(analysis/model.py) as the report page shows them."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.model import ChildReport, Rate, Report

FUNNEL_OUTSIDE = ("below_998", "below_95", "above_998", "above_95")


@dataclass(frozen=True)
class ChildExample:
    name: str
    rate: Rate
    position: str | None


@dataclass(frozen=True)
class WorkedExample:
    """What the help page quotes from the report it was opened from."""

    unit_code: str
    unit_name: str
    period: str
    n_responses: int
    overall: Rate
    service_index: Rate
    #: a sub-unit outside the funnel's limits if there is one, else the first on the funnel
    funnel_child: ChildExample | None
    #: the sub-unit whose small-area estimate differs most from its own rate (a small one, mostly)
    small_area_child: ChildExample | None


def _child(child: ChildReport) -> ChildExample:
    return ChildExample(name=child.name or child.code or "", rate=child.overall, position=child.funnel.position)


def _shrinkage(child: ChildReport) -> float:
    """How far the small-area estimate moved from the child's own rate; a suppressed rate
    (too few answers) counts as the farthest, since the estimate is then all there is."""
    estimate = child.overall.small_area
    if estimate is None or estimate.value is None:
        return -1.0
    if child.overall.value is None:
        return 2.0
    return abs(estimate.value - child.overall.value)


def worked_example(unit_code: str, unit_name: str, period: str, report: Report) -> WorkedExample:
    # Sub-units drawn on the funnel: with a rate (enough answers) and a place against the limits.
    placed = [c for c in report.children if c.overall.value is not None and c.funnel.position is not None]
    outside = [c for c in placed if c.funnel.position in FUNNEL_OUTSIDE]
    funnel_child = (outside or placed)[0] if placed else None
    estimated = [c for c in report.children if _shrinkage(c) >= 0]
    small_area_child = max(estimated, key=_shrinkage) if estimated else None
    return WorkedExample(
        unit_code=unit_code, unit_name=unit_name, period=period, n_responses=report.n_responses, overall=report.overall,
        service_index=report.service_index,
        funnel_child=_child(funnel_child) if funnel_child is not None else None,
        small_area_child=_child(small_area_child) if small_area_child is not None else None,
    )
