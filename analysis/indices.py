"""Satisfaction measures computed from one tally vector (DOMAIN §4).

The `*_of` functions return the typed model (analysis.model); the others are
their JSON forms, the documented public API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from .intervals import cluster_ratio_interval, wilson
from .model import ExpectationShare, OverallRate, PooledRate, Rate, ResponseRate
from .rates import check_tallies, check_tally, count_of, extend, rate, rates_of, resolve, slot_sums
from .sipas import CONFIDENCE, CRITERIA, ELEMENTS, EXPECT_CODES, MIN_RESPONSES
from .tally import POOL_STATS, SCORES

Targets = Mapping[str, float | None] | None
SATISFIED_SCORES: tuple[int, ...] = (4, 5)


def criteria_of(
    t: np.ndarray, targets: Targets = None, interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> dict[str, Rate]:
    """Per criterion: answers 4–5 / answers 1–5 ("not applicable" excluded)."""
    return criteria_many(check_tally(t)[None, :], [targets], interval, min_responses=min_responses)[0]


def criteria_many(
    t: np.ndarray, targets: Sequence[Targets], interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> list[dict[str, Rate]]:
    """criteria_of for every row of a (groups × slots) array, with each group's targets."""
    t = check_tallies(t)
    satisfied = np.stack([slot_sums(t, _names(item, SATISFIED_SCORES)) for item in CRITERIA], axis=1)
    answered = np.stack([slot_sums(t, _names(item, SCORES)) for item in CRITERIA], axis=1)
    goals = [[resolve(g).get(item) for item in CRITERIA] for g in targets]
    rows = rates_of(satisfied, answered, goals, interval=interval, min_responses=min_responses)
    return [dict(zip(CRITERIA, row, strict=True)) for row in rows]


def _names(item: str, scores: Sequence[int]) -> tuple[str, ...]:
    return tuple(f"{item}.{s}" for s in scores)


def pooled_of(
    t: np.ndarray, pool: str, target: float | None = None, *, min_responses: int = MIN_RESPONSES
) -> PooledRate:
    """A pooled index (an element or "service"): Σy/Σm over respondents.

    n = respondents who answered at least one item of the pool (the clusters),
    count = satisfied items Σy, items = answered items Σm, n_eff = the
    effective sample size behind the cluster-adjusted interval.
    """
    return pooled_many(check_tally(t)[None, :], (pool,), [[target]], min_responses=min_responses)[0][0]


class PoolIntervals(NamedTuple):
    """Per row of a (groups × slots) array and per pool, each a (groups × pools) array: the
    pool's satisfied items `y`, answered items `m` and respondents `k`, and its cluster interval
    (`value`, `low`, `high`) with the effective sample size `n_eff`."""

    y: np.ndarray
    m: np.ndarray
    k: np.ndarray
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_eff: np.ndarray


def pool_intervals(t: np.ndarray, pools: Sequence[str]) -> PoolIntervals:
    """The pools' sums and cluster intervals for every row of `t`, in one vectorised call: the
    one computation behind the pooled rates, their changes and their small-area estimates."""
    y, m, yy, mm, ym, k = (
        np.stack([slot_sums(t, (f"{pool}.{s}",)) for pool in pools], axis=1) for s in POOL_STATS
    )
    value, low, high, n_eff = (np.asarray(a) for a in cluster_ratio_interval(y, m, yy, mm, ym, k, CONFIDENCE))
    return PoolIntervals(y, m, k, value, low, high, n_eff)


def pooled_many(
    t: np.ndarray,
    pools: Sequence[str],
    targets: Sequence[Sequence[float | None]],
    *,
    min_responses: int = MIN_RESPONSES,
) -> list[list[PooledRate]]:
    """pooled_of of every pool for every row of a (groups × slots) array, the cluster intervals
    in one vectorised call; targets[g][j] is group g's target for pools[j]."""
    y, m, k, value, low, high, n_eff = pool_intervals(check_tallies(t), pools)
    out: list[list[PooledRate]] = []
    for g in range(t.shape[0]):
        row: list[PooledRate] = []
        for j in range(len(pools)):
            estimate = (float(value[g, j]), float(low[g, j]), float(high[g, j]))
            base = rate(
                int(y[g, j]), int(k[g, j]), target=targets[g][j], estimate=estimate, min_responses=min_responses
            )
            hidden = base.insufficient
            row.append(extend(base, PooledRate, items=None if hidden else int(m[g, j]),
                              n_eff=None if hidden else float(n_eff[g, j])))
        out.append(row)
    return out


def elements_of(t: np.ndarray, targets: Targets = None, *, min_responses: int = MIN_RESPONSES) -> dict[str, PooledRate]:
    """E1..E5: satisfied items / answered items of the element, pooled over
    respondents (criteria plus the kiosk's direct element rating)."""
    goals = resolve(targets)
    targets_row = [[goals.get(e) for e in ELEMENTS]]
    row = pooled_many(check_tally(t)[None, :], ELEMENTS, targets_row, min_responses=min_responses)[0]
    return dict(zip(ELEMENTS, row, strict=True))


def service_of(t: np.ndarray, targets: Targets = None, *, min_responses: int = MIN_RESPONSES) -> PooledRate:
    """The SIPAS-style service index: satisfied / answered over all items."""
    return pooled_of(t, "service", resolve(targets).get("service_index"), min_responses=min_responses)


def overall_of(
    t: np.ndarray, targets: Targets = None, interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> OverallRate:
    """Share of 4–5 on `overall`, plus the 1–5 mean and the full distribution
    so that either reporting convention can be read off (both hidden, like the
    rate, below the minimum n)."""
    return overall_many(check_tally(t)[None, :], [targets], interval, min_responses=min_responses)[0]


def overall_many(
    t: np.ndarray, targets: Sequence[Targets], interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> list[OverallRate]:
    """overall_of for every row of a (groups × slots) array, the intervals in one call."""
    t = check_tallies(t)
    scores = np.stack([slot_sums(t, (f"overall.{s}",)) for s in SCORES], axis=1)
    satisfied = scores[:, [SCORES.index(s) for s in SATISFIED_SCORES]].sum(axis=1)
    answered = scores.sum(axis=1)
    goals = [[resolve(g).get("overall")] for g in targets]
    rows = rates_of(satisfied[:, None], answered[:, None], goals, interval=interval, min_responses=min_responses)
    out: list[OverallRate] = []
    for g, (base,) in enumerate(rows):
        shown, n = not base.insufficient, int(answered[g])
        counts = {s: int(scores[g, i]) for i, s in enumerate(SCORES)}
        out.append(extend(
            base,
            OverallRate,
            mean=sum(s * c for s, c in counts.items()) / n if n and shown else None,
            distribution={str(s): c for s, c in counts.items()} if shown else None,
        ))
    return out


def expectations_of(t: np.ndarray, *, min_responses: int = MIN_RESPONSES) -> dict[str, ExpectationShare]:
    """Share of respondents naming each improvement area, among respondents
    whose form offered the question (kiosk respondents never saw it).
    share and count are None below the minimum n, like every other rate."""
    t = check_tally(t)
    asked = count_of(t, "expect_asked")
    insufficient = asked < min_responses
    out: dict[str, ExpectationShare] = {}
    for code in EXPECT_CODES:
        named = count_of(t, f"expect.{code}")
        out[code] = ExpectationShare(
            count=None if insufficient else named,
            n=asked,
            share=None if insufficient else named / asked,
            insufficient=insufficient,
        )
    return out


def response_rate_of(n_responses: int, dossiers: int | None) -> ResponseRate | None:
    """Responses / dossiers returned in the month (volume from the one-stop
    software).  None when the volume is unknown.

    The ratio is a census fact, not a sample estimate, so it is shown whatever
    the size (insufficient is always False).  Responses can exceed dossiers
    (a dossier returned last month surveyed this month, or an incomplete
    import): then the ratio is reported as is, above 1, without interval; the
    Wilson interval is given only when responses <= dossiers.
    """
    if dossiers is None:
        return None
    responses, volume = int(n_responses), int(dossiers)
    if responses < 0 or volume < 0:
        raise ValueError("counts must be non-negative")
    value = low = high = None
    if volume > 0:
        value = responses / volume
        if responses <= volume:
            lo, hi = wilson(responses, volume, CONFIDENCE)
            low, high = float(lo), float(hi)
    return ResponseRate(
        value=value, ci_low=low, ci_high=high, n=volume, count=responses, insufficient=False, status=None, target=None
    )


# ---------------------------------------------------------------- JSON forms (public API)
def criterion_rates(t: np.ndarray, targets: Targets = None, interval: str = "wilson") -> dict[str, dict[str, Any]]:
    return {item: r.to_json() for item, r in criteria_of(t, targets, interval).items()}


def pooled_index(t: np.ndarray, pool: str, target: float | None = None) -> dict[str, Any]:
    return pooled_of(t, pool, target).to_json()


def element_indices(t: np.ndarray, targets: Targets = None) -> dict[str, dict[str, Any]]:
    return {e: r.to_json() for e, r in elements_of(t, targets).items()}


def service_index(t: np.ndarray, targets: Targets = None) -> dict[str, Any]:
    return service_of(t, targets).to_json()


def overall(t: np.ndarray, targets: Targets = None, interval: str = "wilson") -> dict[str, Any]:
    return overall_of(t, targets, interval).to_json()


def expectations(t: np.ndarray) -> dict[str, dict[str, Any]]:
    return {code: share.to_json() for code, share in expectations_of(t).items()}


def response_rate(n_responses: int, dossiers: int | None) -> dict[str, Any] | None:
    found = response_rate_of(n_responses, dossiers)
    return None if found is None else found.to_json()
