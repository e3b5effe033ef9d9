"""Post-stratification of the headline rates by child unit (issue 12, item 5; docs/ANALYSIS.md
§3, "Weights").

Each direct child unit h of the reported unit is a stratum with its month's dossier volume N_h
(W_h = N_h / ΣN) and its own respondents. A headline rate is estimated as

    p_w = Σ W_h · p_h,         Var(p_w) = Σ W_h² · v_h

with v_h the stratum's own variance: p_h(1 − p_h)/(n_h − 1) for a single question (the unbiased
s²/n_h), and for a pooled index the linearised ratio variance over respondents
k_h/(k_h − 1) · Σ(y − R_h m)² / (Σm)², floored at R_h(1 − R_h)/Σm like the unweighted index's
design effect. This is the stratified variance, not Kish's approximation (which treats the
weights as if the strata had equal variances). The interval is Wilson on the effective sample
n_eff = p_w(1 − p_w)/Var(p_w).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .changes import overall_counts
from .intervals import wilson
from .model import PooledRate, Rate, Weighting
from .rates import check_tally, count_of, extend, json_float, rate
from .sipas import CONFIDENCE, ELEMENTS, MIN_RESPONSES
from .tally import POOL_STATS

#: Why weights were not used (Weighting.reason); "dossier_volumes" when they were.
APPLIED = "dossier_volumes"
NO_CHILDREN = "no_children"
VOLUMES_MISSING = "volumes_missing"
RESPONSES_AT_UNIT = "responses_at_unit"
STRATUM_WITHOUT_RESPONSES = "stratum_without_responses"


@dataclass(frozen=True)
class Stratum:
    """One child unit: its tally for the month and its dossier volume (None: unknown)."""

    tally: np.ndarray
    dossiers: int | None


def _single(t: np.ndarray) -> tuple[float, float, int, int]:
    """(p, v, n, k) of overall satisfaction in one stratum."""
    k, n, _ = overall_counts(t)
    if n <= 0:
        return math.nan, math.nan, 0, 0
    p = k / n
    v = p * (1.0 - p) / (n - 1) if n > 1 else 0.25
    return p, v, int(n), int(k)


def _pooled(t: np.ndarray, pool: str) -> tuple[float, float, int, int, int]:
    """(R, v, respondents, satisfied items, answered items) of a pooled index in one stratum."""
    y, m, yy, mm, ym, k = (count_of(t, f"{pool}.{s}") for s in POOL_STATS)
    if m <= 0:
        return math.nan, math.nan, 0, 0, 0
    r = y / m
    naive = r * (1.0 - r) / m
    if k > 1:
        residual = max(yy - 2.0 * r * ym + r * r * mm, 0.0)
        v = max(k / (k - 1.0) * residual / (m * m), naive)
    else:
        v = 0.25
    return r, v, int(k), int(y), int(m)


def _combine(parts: Sequence[tuple[float, float, float]], n: int) -> tuple[float, float, float, float] | None:
    """(value, low, high, n_eff) from (W_h, p_h, v_h) of the strata (n: their answers or
    respondents); None when a stratum with weight > 0 has no answers."""
    parts = [part for part in parts if part[0] > 0]  # a stratum without dossiers weighs nothing
    if any(math.isnan(p) for _, p, _ in parts):
        return None
    value = sum(w * p for w, p, _ in parts)
    variance = sum(w * w * v for w, _, v in parts)
    if variance <= 0:  # every stratum at 0 % or 100 %: no spread to estimate, stay conservative
        return value, *_wilson(value, n), float(n)
    n_eff = value * (1.0 - value) / variance if 0 < value < 1 else 0.0
    if n_eff <= 0:
        return value, value, value, 0.0
    return value, *_wilson(value, n_eff), n_eff


def _wilson(value: float, n: float) -> tuple[float, float]:
    low, high = wilson(value * n, n, CONFIDENCE)
    return float(low), float(high)


def weighting_of(
    strata: Sequence[Stratum],
    own: np.ndarray | None,
    targets: Mapping[str, float | None],
    *,
    min_responses: int = MIN_RESPONSES,
) -> Weighting:
    """The post-stratified headline rates (overall, service index, E1–E5) of a unit whose direct
    children are `strata`; `own`: the tally of responses filed at the unit itself (outside every
    child). Weights are applied only when every child's volume is known, no response lies outside
    the strata, and every child with dossiers has respondents."""
    def not_applied(reason: str) -> Weighting:
        return Weighting(applied=False, reason=reason, overall=None, service_index=None, elements=None,
                         strata=len(strata))

    if not strata:
        return not_applied(NO_CHILDREN)
    if any(s.dossiers is None for s in strata):
        return not_applied(VOLUMES_MISSING)
    if own is not None and count_of(check_tally(own), "n") > 0:
        return not_applied(RESPONSES_AT_UNIT)
    total = sum(int(s.dossiers or 0) for s in strata)
    if total <= 0:
        return not_applied(VOLUMES_MISSING)
    if any((s.dossiers or 0) > 0 and count_of(check_tally(s.tally), "n") == 0 for s in strata):
        return not_applied(STRATUM_WITHOUT_RESPONSES)
    weights = [(s.dossiers or 0) / total for s in strata]

    singles = [_single(check_tally(s.tally)) for s in strata]
    estimate = _combine(
        [(w, p, v) for w, (p, v, _, _) in zip(weights, singles, strict=True)], sum(n for _, _, n, _ in singles)
    )
    overall = _rate(estimate, sum(k for *_, k in singles), sum(n for _, _, n, _ in singles),
                    targets.get("overall"), min_responses)

    def pooled(pool: str, target: float | None) -> PooledRate | None:
        parts = [_pooled(check_tally(s.tally), pool) for s in strata]
        found = _combine([(w, r, v) for w, (r, v, *_) in zip(weights, parts, strict=True)], sum(p[2] for p in parts))
        base = _rate(found, sum(p[3] for p in parts), sum(p[2] for p in parts), target, min_responses)
        if base is None or found is None:
            return None
        hidden = base.insufficient
        return extend(base, PooledRate, items=None if hidden else sum(p[4] for p in parts),
                      n_eff=None if hidden else json_float(found[3]))

    elements = {e: pooled(e, targets.get(e)) for e in ELEMENTS}
    return Weighting(
        applied=True,
        reason=APPLIED,
        overall=overall,
        service_index=pooled("service", targets.get("service_index")),
        elements=elements,
        strata=len(strata),
    )


def _rate(
    estimate: tuple[float, float, float, float] | None, count: int, n: int, target: float | None, min_responses: int
) -> Rate | None:
    if estimate is None:
        return None
    value, low, high, _ = estimate
    return rate(count, n, target=target, estimate=(value, low, high), min_responses=min_responses)
