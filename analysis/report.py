"""Assemble the monthly report of a unit: `compute_report` gives the typed Report
(analysis.model); `build_report` is its JSON-ready dict.

Only plain str/int/float/bool/None/list/dict come out of the JSON forms (no
numpy types, no NaN), so `json.dumps(report, allow_nan=False)` always works.
The schema is documented in docs/ANALYSIS.md §5.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any, cast

import numpy as np

from .changes import changes_of, difference_of, overall_counts
from .flags import channels_of, flags_of
from .funnel import DEFAULT_LEVELS, curve_of, funnel_limits, funnel_position, level_label
from .indices import criteria_of, elements_of, expectations_of, overall_of, response_rate_of, service_of
from .intervals import benjamini_hochberg
from .model import (
    AdjustedChange,
    Change,
    ChildChanges,
    ChildFunnel,
    ChildReport,
    CoreMeasures,
    FunnelSummary,
    MethodNotes,
    Position,
    Report,
    TrendPoint,
    UnitRef,
    to_jsonable,
)
from .rates import check_tally, count_of
from .sipas import CONFIDENCE, MIN_RESPONSES
from .tally import TALLY_VERSION, empty_tally
from .targets import is_lower_better, resolve_targets

__all__ = ["FDR_Q", "METHOD", "build_report", "compute_report", "measures_of", "trend", "trend_points", "to_jsonable"]

#: False discovery rate for the children's change tests.
FDR_Q: float = 0.05

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

#: The notes published with every report (the single-rate interval follows the report's choice).
METHOD = MethodNotes(
    confidence=CONFIDENCE,
    min_responses=MIN_RESPONSES,
    satisfied="answers 4 (Hài lòng) and 5 (Rất hài lòng); 'not applicable' is excluded from every denominator",
    single_rate_interval="Wilson score interval (Brown, Cai & DasGupta 2001)",
    pooled_index_interval=(
        "ratio estimator with respondents as clusters: linearised (Taylor) variance turned into a design "
        "effect (floor 1); Wilson interval on the effective sample size Σm/deff with Student's t "
        "(respondents − 1 degrees of freedom)"
    ),
    change_interval="Newcombe hybrid score interval for a difference of proportions (method 10, 1998)",
    change_test="pooled two-proportion z test; children's changes adjusted by Benjamini–Hochberg (FDR 5%)",
    funnel=(
        "Spiegelhalter (2005) exact binomial limits with interpolation (upper limit through the failures, "
        "so that outside a limit = one-sided exact tail below (1−level)/2) around the parent's pooled "
        "overall satisfaction, 95% and 99.8%"
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
    return CoreMeasures(
        n_responses=count_of(t, "n"),
        service_index=service_of(t, targets, min_responses=min_responses),
        overall=overall_of(t, targets, interval, min_responses=min_responses),
        elements=elements_of(t, targets, min_responses=min_responses),
        flags=flags_of(t, targets, interval, min_responses=min_responses),
    )


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
    min_responses: int = MIN_RESPONSES,
) -> Report:
    """Monthly report of `unit` ({"code", "name"}) for `month` ("YYYY-MM").

    tally_prev: previous month's tally (None: no comparison possible), and
    previous_month the month it counts, when the caller wants it published.
    children: [{"code", "name", "tally", "tally_prev"?, "dossiers"?,
    "targets"?}] — the unit's direct sub-units.  targets: the unit's overrides
    of DEFAULT_TARGETS.  dossiers: dossiers returned this month, if known.
    interval: single-rate interval method (wilson, clopper_pearson, jeffreys).
    min_responses: below it a measure's value, interval, count, mean and
    distribution are suppressed alike (the app passes its MIN_RESPONSES setting).
    """
    n_min = min_responses
    if not _MONTH.match(month):
        raise ValueError(f"month must look like 'YYYY-MM', got {month!r}")
    t_now = check_tally(tally_now)
    t_prev = empty_tally() if tally_prev is None else check_tally(tally_prev)
    goals = resolve_targets(targets)
    center = _pooled_overall(t_now)
    child_reports = _children(children, goals, center, interval, n_min)
    return Report(
        **measures_of(t_now, goals, interval, min_responses=n_min).core_fields(),
        unit=UnitRef(code=unit.get("code"), name=unit.get("name")),
        month=month,
        criteria=criteria_of(t_now, goals, interval, min_responses=n_min),
        channels=channels_of(t_now, interval, min_responses=n_min),
        expectations=expectations_of(t_now, min_responses=n_min),
        response_rate=response_rate_of(count_of(t_now, "n"), dossiers),
        targets=dict(goals),
        change=changes_of(t_now, t_prev, min_responses=n_min),
        children=child_reports,
        funnel=_funnel_summary(child_reports, center, n_min),
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
    min_responses: int = MIN_RESPONSES,
) -> tuple[ChildReport, ...]:
    measured: list[tuple[Mapping[str, Any], CoreMeasures, Change]] = []
    overall_k: list[int] = []
    overall_n: list[int] = []
    for child in children:
        t = check_tally(child["tally"])
        prev = child.get("tally_prev")
        t_prev = empty_tally() if prev is None else check_tally(prev)
        child_goals = resolve_targets(child["targets"]) if child.get("targets") else goals
        k, n, _ = overall_counts(t)
        overall_k.append(int(k))
        overall_n.append(int(n))
        change = difference_of(overall_counts(t), overall_counts(t_prev), min_responses=min_responses)
        measured.append((child, measures_of(t, child_goals, interval, min_responses=min_responses), change))

    # One vectorised call for all children (scipy's per-call overhead would
    # dominate a province with hundreds of communes).
    funnels = _child_funnels(np.array(overall_k), np.array(overall_n), center, min_responses)

    # Many children are tested at once: control the false discovery rate.
    pvalues = np.array([_nan_if_none(change.p_value) for _, _, change in measured], dtype=float)
    rejected, adjusted = benjamini_hochberg(pvalues, FDR_Q)
    reports: list[ChildReport] = []
    for (child, measures, change), funnel, rej, q in zip(measured, funnels, rejected, adjusted, strict=True):
        tested = not math.isnan(q)
        overall_change = AdjustedChange(
            **asdict(change), q_value=float(q) if tested else None, significant_bh=bool(rej) if tested else None
        )
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
            )
        )
    return tuple(reports)


def _child_funnels(
    k: np.ndarray, n: np.ndarray, center: float | None, min_responses: int = MIN_RESPONSES
) -> list[ChildFunnel]:
    """Each child's overall satisfaction against the parent's funnel."""
    if center is None:
        return [ChildFunnel(position=None, limits=None) for _ in k]
    if k.size == 0:
        return []
    positions = cast(list[Position], funnel_position(k, n, center, min_responses=min_responses))
    limits = funnel_limits(center, n, DEFAULT_LEVELS)
    return [
        ChildFunnel(
            position=position,
            limits=None if n[i] == 0 else {label: (float(lo[i]), float(hi[i])) for label, (lo, hi) in limits.items()},
        )
        for i, position in enumerate(positions)
    ]


def _funnel_summary(
    children: Sequence[ChildReport], center: float | None, min_responses: int = MIN_RESPONSES
) -> FunnelSummary | None:
    """Centre line and curve for drawing the children's funnel plot."""
    if center is None or not children:
        return None
    n_max = max(max(c.overall.n for c in children), min_responses)
    return FunnelSummary(
        measure="overall",
        center=center,
        levels=tuple(level_label(level) for level in DEFAULT_LEVELS),
        curve=curve_of(center, n_max, n_min=min_responses),
    )


def trend_points(
    tallies_by_month: Mapping[str, np.ndarray],
    targets: Mapping[str, float | None] | None = None,
    *,
    min_responses: int = MIN_RESPONSES,
) -> list[TrendPoint]:
    """One point per month, in month order, for the 12-month chart."""
    goals = resolve_targets(targets)
    points = []
    for month in sorted(tallies_by_month):
        t = check_tally(tallies_by_month[month])
        points.append(
            TrendPoint(
                month=month,
                n_responses=count_of(t, "n"),
                overall=overall_of(t, goals, min_responses=min_responses),
                service_index=service_of(t, goals, min_responses=min_responses),
            )
        )
    return points


def trend(
    tallies_by_month: Mapping[str, np.ndarray], targets: Mapping[str, float | None] | None = None
) -> list[dict[str, Any]]:
    """The JSON form of trend_points: [{"month", "n_responses", "overall", "service_index"}]."""
    return [point.to_json() for point in trend_points(tallies_by_month, targets)]


def _nan_if_none(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def _interval_note(interval: str) -> str:
    return {
        "wilson": "Wilson score interval (Brown, Cai & DasGupta 2001)",
        "clopper_pearson": "Clopper–Pearson exact interval",
        "jeffreys": "Jeffreys interval (Brown, Cai & DasGupta 2001)",
    }.get(interval, interval)
