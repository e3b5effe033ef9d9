"""Assemble the monthly report of a unit: `compute_report` gives the typed Report
(analysis.model); `build_report` is its JSON-ready dict.

Only plain str/int/float/bool/None/list/dict come out of the JSON forms (no
numpy types, no NaN), so `json.dumps(report, allow_nan=False)` always works.
The schema is documented in docs/ANALYSIS.md §5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from . import small_area
from .changes import changes_of, differences_many, overall_counts
from .comparison import CENTER_KINDS, child_funnels, widened_curve
from .flags import channels_of, flags_many
from .funnel import DEFAULT_LEVELS, curve_of, level_label
from .indices import (
    criteria_many,
    criteria_of,
    expectations_of,
    overall_many,
    pooled_many,
    response_rate_of,
)
from .model import (
    Changes,
    ChildChanges,
    ChildReport,
    CoreMeasures,
    FunnelSummary,
    MethodNotes,
    Overdispersion,
    Report,
    TrendPoint,
    UnitRef,
    to_jsonable,
)
from .multiplicity import FDR_Q, adjust_changes
from .rates import check_tallies, check_tally, count_of, resolve, slot_sums
from .sipas import CONFIDENCE, ELEMENTS, MIN_RESPONSES
from .tally import TALLY_VERSION, TALLY_WIDTH, empty_tally
from .targets import is_lower_better, resolve_targets

__all__ = ["FDR_Q", "METHOD", "build_report", "compute_report", "measures_of", "trend", "trend_points", "to_jsonable"]


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

#: The notes published with every report (the single-rate interval follows the report's choice).
METHOD = MethodNotes(
    confidence=CONFIDENCE,
    min_responses=MIN_RESPONSES,
    satisfied="answers 4 (Hài lòng) and 5 (Rất hài lòng); 'not applicable' is excluded from every denominator",
    single_rate_interval="Wilson score interval (Brown, Cai & DasGupta 2001)",
    pooled_index_interval=(
        "ratio estimator with respondents as clusters: linearised (Taylor) variance turned into a design "
        "effect (floor 1); Korn–Graubard (1998) Clopper–Pearson interval on the effective sample size "
        "Σm/deff, adjusted for degrees of freedom: respondents − 1, or fewer when few respondents are on "
        "the rarer side (min(R, 1−R)·n_eff − 1)"
    ),
    change_interval="Newcombe hybrid score interval for a difference of proportions (method 10, 1998)",
    change_test=(
        "pooled two-proportion z test; every change the report shows (the unit's and each sub-unit's) "
        "adjusted together by Benjamini–Hochberg (FDR 5%): q_value, significant_bh"
    ),
    funnel=(
        "Spiegelhalter (2005) exact binomial limits with interpolation (upper limit through the failures, "
        "so that outside a limit = one-sided exact tail below (1−level)/2), 95% and 99.8%, around the "
        "parent's pooled overall satisfaction with each sub-unit left out of its own centre, or around the "
        "target (center_kind); widened for overdispersion (additive τ², DerSimonian–Laird on 10% "
        "winsorised z-scores) when the χ² test of φ rejects at 5%"
    ),
    status=(
        "below: interval entirely on the wrong side of the target; possibly_below: only the point estimate is; "
        "flags are judged against a maximum: above / possibly_above / within the limit, and a zero-tolerance "
        "flag (limit 0) is not tested: incidents when it has any case, within when none"
    ),
    tally_version=TALLY_VERSION,
)


def measures_of(
    t: np.ndarray, targets: Mapping[str, float | None], interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> CoreMeasures:
    """The measures shown for every unit, parent or child (suppressed below `min_responses`)."""
    return measures_many(check_tally(t)[None, :], [targets], interval, min_responses=min_responses)[0]


def measures_many(
    t: np.ndarray,
    targets: Sequence[Mapping[str, float | None] | None],
    interval: str = "wilson",
    *,
    min_responses: int = MIN_RESPONSES,
    summary: bool = False,
) -> list[CoreMeasures]:
    """measures_of for every row of a (groups × slots) array: each kind of interval computed once
    for all the groups (a province's hundred communes: a handful of numpy calls, not thousands).
    summary: n, the service index and overall satisfaction only (elements and flags empty)."""
    t = check_tallies(t)
    goals = [resolve(g) for g in targets]
    elements = () if summary else ELEMENTS
    pooled = pooled_many(
        t, ("service", *elements), [[g.get("service_index"), *(g.get(e) for e in elements)] for g in goals],
        min_responses=min_responses,
    )
    overall = overall_many(t, goals, interval, min_responses=min_responses)
    flags = [{} for _ in goals] if summary else flags_many(t, goals, interval, min_responses=min_responses)
    n = slot_sums(t, ("n",))
    return [
        CoreMeasures(
            n_responses=int(n[g]),
            service_index=pooled[g][0],
            overall=overall[g],
            elements=dict(zip(elements, pooled[g][1:], strict=True)),
            flags=flags[g],
        )
        for g in range(t.shape[0])
    ]


def compute_report(
    unit: Mapping[str, Any],
    month: str,
    tally_now: np.ndarray,
    tally_prev: np.ndarray | None = None,
    children: Sequence[Mapping[str, Any]] = (),
    targets: Mapping[str, float | None] | None = None,
    dossiers: int | None = None,
    interval: str = "wilson",
    *,
    previous_month: str | None = None,
    funnel_center: str = "parent",
    min_responses: int = MIN_RESPONSES,
    child_criteria: bool = False,
    child_summary: bool = False,
) -> Report:
    """Monthly report of `unit` ({"code", "name"}) for `month` ("YYYY-MM").

    tally_prev: previous month's tally (None: no comparison possible), and
    previous_month the month it counts, when the caller wants it published.
    children: [{"code", "name", "tally", "tally_prev"?, "dossiers"?,
    "targets"?}] — the unit's direct sub-units.  targets: the unit's overrides
    of DEFAULT_TARGETS.  dossiers: dossiers returned this month, if known.
    interval: single-rate interval method (wilson, clopper_pearson, jeffreys).
    funnel_center: "parent" (each child against the parent's rate without it) or "target" (the
    unit's overall target; the parent's rate when it has none) — analysis.comparison.
    min_responses: below it a measure's value, interval, count, mean and
    distribution are suppressed alike (the app passes its MIN_RESPONSES setting).
    child_criteria: give every child its 22 criteria too (the app's report, so that a drill-down
    never needs a second report), with their small-area estimates.
    child_summary: the children as the rows of a table of sub-units, all that the app's overview
    shows of them: n, overall satisfaction with its small-area estimate, the service index, the
    funnel and the change; their elements and flags are left empty and no other small-area
    estimate is made (not with child_criteria).
    """
    n_min = min_responses
    if child_summary and child_criteria:
        raise ValueError("child_summary leaves out the children's criteria: not with child_criteria")
    if not _MONTH.match(month):
        raise ValueError(f"month must look like 'YYYY-MM', got {month!r}")
    if funnel_center not in CENTER_KINDS:
        raise ValueError(f"funnel_center must be one of {CENTER_KINDS}, got {funnel_center!r}")
    t_now = check_tally(tally_now)
    t_prev = empty_tally() if tally_prev is None else check_tally(tally_prev)
    goals = resolve_targets(targets)
    parent_k, parent_n, _ = overall_counts(t_now)
    center_kind = "target" if funnel_center == "target" and goals.get("overall") is not None else "parent"
    center = goals["overall"] if center_kind == "target" else _pooled_overall(t_now)
    child_reports, unit_changes, spread = _children(
        children,
        goals,
        center,
        interval,
        changes_of(t_now, t_prev, min_responses=n_min),
        (parent_k, parent_n, center_kind == "parent"),
        n_min,
        child_criteria,
        child_summary,
    )
    child_reports = small_area.attach(
        child_reports, [check_tally(c["tally"]) for c in children], t_now,
        measures=("overall",) if child_summary else None,
    )
    return Report(
        **measures_of(t_now, goals, interval, min_responses=n_min).core_fields(),
        unit=UnitRef(code=unit.get("code"), name=unit.get("name")),
        month=month,
        criteria=criteria_of(t_now, goals, interval, min_responses=n_min),
        channels=channels_of(t_now, interval, min_responses=n_min),
        expectations=expectations_of(t_now, min_responses=n_min),
        response_rate=response_rate_of(count_of(t_now, "n"), dossiers),
        targets=dict(goals),
        change=unit_changes,
        children=child_reports,
        funnel=_funnel_summary(child_reports, center, center_kind, spread, n_min),
        method=replace(METHOD, single_rate_interval=_interval_note(interval), min_responses=n_min),
        previous_month=previous_month,
        directions={key: "lower" if is_lower_better(key) else "higher" for key in goals},
    )


def build_report(
    unit: Mapping[str, Any],
    month: str,
    tally_now: np.ndarray,
    tally_prev: np.ndarray | None = None,
    children: Sequence[Mapping[str, Any]] = (),
    targets: Mapping[str, float | None] | None = None,
    dossiers: int | None = None,
    interval: str = "wilson",
) -> dict[str, Any]:
    """The JSON-ready dict of compute_report (same arguments); docs/ANALYSIS.md §5."""
    return compute_report(unit, month, tally_now, tally_prev, children, targets, dossiers, interval).to_json()


def _pooled_overall(t: np.ndarray) -> float | None:
    """The parent's pooled overall satisfaction: the funnel's centre line."""
    k, n, _ = overall_counts(t)
    return k / n if n > 0 else None


def _children(
    children: Iterable[Mapping[str, Any]],
    goals: Mapping[str, float | None],
    center: float | None,
    interval: str,
    unit_changes: Changes,
    parent: tuple[float, float, bool],
    min_responses: int = MIN_RESPONSES,
    with_criteria: bool = False,
    summary: bool = False,
) -> tuple[tuple[ChildReport, ...], Changes, Overdispersion | None]:
    """The children's reports, the unit's changes adjusted together with the children's, and the
    overdispersion of the children's funnel. parent: (k, n) of the parent's overall satisfaction
    and whether each child is left out of its own centre."""
    children = list(children)
    tallies = np.zeros((len(children), TALLY_WIDTH), np.int64)
    for row, child in enumerate(children):
        tallies[row] = check_tally(child["tally"])
    previous = [c.get("tally_prev") for c in children]
    child_goals = [resolve_targets(c["targets"]) if c.get("targets") else goals for c in children]
    all_measures = measures_many(tallies, child_goals, interval, min_responses=min_responses, summary=summary)
    criteria = criteria_many(tallies, child_goals, interval, min_responses=min_responses) if with_criteria else None
    # Overall satisfaction now and before, for every child at once (analysis.changes.overall_counts).
    satisfied, answered = ("overall.4", "overall.5"), tuple(f"overall.{s}" for s in range(1, 6))
    before = np.zeros((len(children), TALLY_WIDTH), np.int64)
    for row, prev in enumerate(previous):
        if prev is not None:
            before[row] = check_tally(prev)
    k_now, n_now = slot_sums(tallies, satisfied), slot_sums(tallies, answered)
    k_before, n_before = slot_sums(before, satisfied), slot_sums(before, answered)
    changes = differences_many(
        (k_now.astype(float), n_now.astype(float), n_now), (k_before.astype(float), n_before.astype(float), n_before),
        min_responses=min_responses,
    )
    measured = list(zip(children, all_measures, changes, strict=True))
    overall_k, overall_n = k_now.tolist(), n_now.tolist()

    # One vectorised call for all children (scipy's per-call overhead would
    # dominate a province with hundreds of communes).
    parent_k, parent_n, leave_one_out = parent
    funnels, spread = child_funnels(
        np.array(overall_k), np.array(overall_n), center, parent_k, parent_n, leave_one_out,
        min_responses=min_responses,
    )

    # Many changes are tested at once: control the false discovery rate over all of them.
    adjusted_unit, adjusted_children = adjust_changes(unit_changes, [change for _, _, change in measured])
    reports: list[ChildReport] = []
    for index, ((child, measures, _), funnel, overall_change) in enumerate(
        zip(measured, funnels, adjusted_children, strict=True)
    ):
        given = "dossiers" in child
        reports.append(
            ChildReport(
                **measures.core_fields(),
                code=child.get("code"),
                name=child.get("name"),
                change=ChildChanges(overall=overall_change),
                funnel=funnel,
                response_rate=response_rate_of(measures.n_responses, child["dossiers"]) if given else None,
                with_response_rate=given,
                criteria=None if criteria is None else criteria[index],
            )
        )
    return tuple(reports), adjusted_unit, spread


def _funnel_summary(
    children: Sequence[ChildReport],
    center: float | None,
    center_kind: str,
    spread: Overdispersion | None,
    min_responses: int = MIN_RESPONSES,
) -> FunnelSummary | None:
    """Centre line and curve (widened when overdispersion is applied) for the children's funnel plot."""
    if center is None or not children:
        return None
    n_max = max(max(c.overall.n for c in children), min_responses)
    return FunnelSummary(
        measure="overall",
        center=center,
        levels=tuple(level_label(level) for level in DEFAULT_LEVELS),
        curve=widened_curve(curve_of(center, n_max, n_min=min_responses), spread),
        center_kind=center_kind,
        overdispersion=spread,
    )


def trend_points(
    tallies_by_month: Mapping[str, np.ndarray],
    targets: Mapping[str, float | None] | None = None,
    *,
    min_responses: int = MIN_RESPONSES,
) -> list[TrendPoint]:
    """One point per month, in month order, for the 12-month chart."""
    goals = resolve_targets(targets)
    months = sorted(tallies_by_month)
    if not months:
        return []
    # The months' rates in one vectorised call each (overall_of and service_of, row by row).
    t = np.stack([check_tally(tallies_by_month[month]) for month in months])
    overall = overall_many(t, [goals] * len(months), min_responses=min_responses)
    service = pooled_many(t, ("service",), [[goals.get("service_index")]] * len(months), min_responses=min_responses)
    responses = slot_sums(t, ("n",)).tolist()
    return [
        TrendPoint(month=month, n_responses=int(n), overall=rate_overall, service_index=rate_service[0])
        for month, n, rate_overall, rate_service in zip(months, responses, overall, service, strict=True)
    ]


def trend(
    tallies_by_month: Mapping[str, np.ndarray], targets: Mapping[str, float | None] | None = None
) -> list[dict[str, Any]]:
    """The JSON form of trend_points: [{"month", "n_responses", "overall", "service_index"}]."""
    return [point.to_json() for point in trend_points(tallies_by_month, targets)]


def _interval_note(interval: str) -> str:
    return {
        "wilson": "Wilson score interval (Brown, Cai & DasGupta 2001)",
        "clopper_pearson": "Clopper–Pearson exact interval",
        "jeffreys": "Jeffreys interval (Brown, Cai & DasGupta 2001)",
    }.get(interval, interval)
