"""Satisfaction measures computed from one tally vector (DOMAIN §4).

The `*_of` functions return the typed model (analysis.model); the others are
their JSON forms, the documented public API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .intervals import cluster_ratio_interval, wilson
from .model import ExpectationShare, OverallRate, PooledRate, Rate, ResponseRate
from .rates import check_tally, count_of, extend, rate, resolve
from .sipas import CONFIDENCE, CRITERIA, ELEMENTS, EXPECT_CODES, MIN_RESPONSES
from .tally import SCORES

Targets = Mapping[str, float | None] | None
SATISFIED_SCORES: tuple[int, ...] = (4, 5)


def _score_counts(t: np.ndarray, item: str) -> dict[int, int]:
    return {s: count_of(t, f"{item}.{s}") for s in SCORES}


def criteria_of(
    t: np.ndarray, targets: Targets = None, interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> dict[str, Rate]:
    """Per criterion: answers 4–5 / answers 1–5 ("not applicable" excluded)."""
    t = check_tally(t)
    goals = resolve(targets)
    out: dict[str, Rate] = {}
    for item in CRITERIA:
        scores = _score_counts(t, item)
        satisfied = sum(scores[s] for s in SATISFIED_SCORES)
        out[item] = rate(
            satisfied, sum(scores.values()), target=goals.get(item), interval=interval, min_responses=min_responses
        )
    return out


def pooled_of(
    t: np.ndarray, pool: str, target: float | None = None, *, min_responses: int = MIN_RESPONSES
) -> PooledRate:
    """A pooled index (an element or "service"): Σy/Σm over respondents.

    n = respondents who answered at least one item of the pool (the clusters),
    count = satisfied items Σy, items = answered items Σm, n_eff = the
    effective sample size behind the cluster-adjusted interval.
    """
    t = check_tally(t)
    y, m, yy, mm, ym, k = (count_of(t, f"{pool}.{s}") for s in ("y", "m", "yy", "mm", "ym", "k"))
    value, low, high, n_eff = cluster_ratio_interval(y, m, yy, mm, ym, k, CONFIDENCE)
    base = rate(y, k, target=target, estimate=(float(value), float(low), float(high)), min_responses=min_responses)
    hidden = base.insufficient
    return extend(base, PooledRate, items=None if hidden else m, n_eff=None if hidden else float(n_eff))


def elements_of(t: np.ndarray, targets: Targets = None, *, min_responses: int = MIN_RESPONSES) -> dict[str, PooledRate]:
    """E1..E5: satisfied items / answered items of the element, pooled over
    respondents (criteria plus the kiosk's direct element rating)."""
    goals = resolve(targets)
    return {e: pooled_of(t, e, goals.get(e), min_responses=min_responses) for e in ELEMENTS}


def service_of(t: np.ndarray, targets: Targets = None, *, min_responses: int = MIN_RESPONSES) -> PooledRate:
    """The SIPAS-style service index: satisfied / answered over all items."""
    return pooled_of(t, "service", resolve(targets).get("service_index"), min_responses=min_responses)


def overall_of(
    t: np.ndarray, targets: Targets = None, interval: str = "wilson", *, min_responses: int = MIN_RESPONSES
) -> OverallRate:
    """Share of 4–5 on `overall`, plus the 1–5 mean and the full distribution
    so that either reporting convention can be read off (both hidden, like the
    rate, below the minimum n)."""
    t = check_tally(t)
    scores = _score_counts(t, "overall")
    answered = sum(scores.values())
    base = rate(
        sum(scores[s] for s in SATISFIED_SCORES),
        answered,
        target=resolve(targets).get("overall"),
        interval=interval,
        min_responses=min_responses,
    )
    shown = not base.insufficient
    return extend(
        base,
        OverallRate,
        mean=sum(s * c for s, c in scores.items()) / answered if answered and shown else None,
        distribution={str(s): c for s, c in scores.items()} if shown else None,
    )


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
