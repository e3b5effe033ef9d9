"""Trend methods (issue 12, item 8): the year-on-year change of a period and the p-chart control
limits of the 12-month trend of overall satisfaction (docs/ANALYSIS.md §3, "Trends").

A period is a set of months: the caller sums the tallies of "now" and of "then" (the same months
a year earlier) and names the earlier period, so a quarter or a year can be passed later the same
way as a month.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .changes import Counts, difference_of, overall_counts, pooled_counts_many, single_counts
from .flags import flag_counts
from .model import ControlPoint, PeriodChange, YearOnYear
from .rates import check_tally, json_float
from .sipas import ELEMENTS, MIN_RESPONSES

POOLS: tuple[str, ...] = ("service", *ELEMENTS)

#: Width of the p-chart's limits in standard errors (Shewhart's 3σ).
CONTROL_SIGMAS: float = 3.0


def period_change_of(now: Counts, then: Counts, *, min_responses: int = MIN_RESPONSES) -> PeriodChange:
    """now − then with the Newcombe interval of analysis.changes (all null when either side has
    fewer than `min_responses`), and the n behind each side."""
    change = difference_of(now, then, min_responses=min_responses)
    return PeriodChange(
        diff=change.diff,
        ci_low=change.ci_low,
        ci_high=change.ci_high,
        p_value=change.p_value,
        significant=change.significant,
        n_then=int(then[2]),
        n_now=int(now[2]),
    )


def year_on_year_of(
    t_now: np.ndarray, t_then: np.ndarray, period_then: str, *, min_responses: int = MIN_RESPONSES
) -> YearOnYear:
    """Overall, service index, elements and flags: this period against the same period a year
    earlier (`period_then` names it)."""
    t_now, t_then = check_tally(t_now), check_tally(t_then)
    flags_now, flags_then = flag_counts(t_now), flag_counts(t_then)

    def change(now: Counts, then: Counts) -> PeriodChange:
        return period_change_of(now, then, min_responses=min_responses)

    # The six pooled indices of both periods in one cluster-interval call (as pooled_counts each).
    pooled_now, pooled_then = (dict(zip(POOLS, row, strict=True)) for row in pooled_counts_many(
        np.stack([t_now, t_then]), POOLS
    ))
    return YearOnYear(
        period=period_then,
        overall=change(overall_counts(t_now), overall_counts(t_then)),
        service_index=change(pooled_now["service"], pooled_then["service"]),
        elements={e: change(pooled_now[e], pooled_then[e]) for e in ELEMENTS},
        flags={f: change(single_counts(*flags_now[f]), single_counts(*flags_then[f])) for f in flags_now},
    )


def control_points(
    tallies_by_month: Mapping[str, np.ndarray], *, min_responses: int = MIN_RESPONSES
) -> tuple[ControlPoint, ...]:
    """p-chart of overall satisfaction over the given months, in month order.

    centre = the pooled proportion Σk/Σn over the months with at least `min_responses`
    answers; each such month's limits are centre ± 3·sqrt(centre·(1 − centre)/n_month),
    clipped to [0, 1]; signal = the month's share lies outside its limits (no run rules).
    A month below the minimum is suppressed like any rate: it is left out of the centre and
    everything but its month and n is null.
    """
    counts = {month: overall_counts(check_tally(t)) for month, t in sorted(tallies_by_month.items())}
    shown = {month: (k, n) for month, (k, n, _) in counts.items() if n >= min_responses and n > 0}
    total_n = sum(n for _, n in shown.values())
    center = sum(k for k, _ in shown.values()) / total_n if total_n else None
    points = []
    for month, (k, n, _) in counts.items():
        if month not in shown or center is None:
            points.append(ControlPoint(month=month, value=None, center=None, lcl=None, ucl=None, signal=None, n=int(n)))
            continue
        value = k / n
        sigma = math.sqrt(center * (1.0 - center) / n)
        lcl = max(0.0, center - CONTROL_SIGMAS * sigma)
        ucl = min(1.0, center + CONTROL_SIGMAS * sigma)
        points.append(
            ControlPoint(
                month=month,
                value=json_float(value),
                center=json_float(center),
                lcl=json_float(lcl),
                ucl=json_float(ucl),
                signal=bool(value < lcl or value > ucl),
                n=int(n),
            )
        )
    return tuple(points)
