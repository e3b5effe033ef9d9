"""Rankings for the emulation and reward review (issue 14): sibling units ordered by one measure,
each with a 95 % interval for its rank and a tier against the parent's rate or the target.
docs/ANALYSIS.md §3 "Rankings".

A rank table misleads when a commune of 25 answers sits next to one of 400 (DOMAIN.md §7), so:

* a unit is ranked only when its own n reaches the minimum (MIN_RESPONSES); the others are
  listed as `insufficient`, with rank and rank interval None;
* its point rank orders the small-area estimates (analysis.small_area: each unit's posterior
  mean, shrunk towards the parent), 1 = the highest, ties sharing the best rank (1, 2, 2, 4);
* its rank interval comes from a parametric bootstrap of that posterior: DRAWS joint draws of
  every ranked unit's true rate from its Beta(a_i, b_i), the units ranked within each draw, and
  the 2.5 % and 97.5 % quantiles of the unit's rank over the draws (the nearest
  draws' ranks, so the bounds are whole ranks). When the parent's rate is 0 or 1 every true
  rate is that rate: every unit has rank 1 and the interval [1, m]. The generator is seeded with SEED,
  so the same data always give the same intervals;
* where the siblings are too few for the small-area estimate (fewer than three with answers), each
  unit's own Jeffreys posterior Beta(k + ½, n − k + ½) is drawn instead and the units are ordered
  by their raw rates;
* its tier compares its 95 % interval (the small-area interval, else the raw rate's) with the
  reference (the parent's rate of the measure, or the target): `above` when the interval's lower
  bound is above it, `below` when the upper bound is below it, else `indistinguishable`.

numpy only, vectorised: the ranks of all draws come from two sorts along the draws' rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .model import JsonDict, SmallArea
from .small_area import posterior, shrink

Tier = Literal["above", "indistinguishable", "below", "insufficient"]

#: Joint draws of the bootstrap, and the seed that makes them reproducible.
DRAWS: int = 4000
SEED: int = 20261127
RANK_CONFIDENCE: float = 0.95


@dataclass(frozen=True)
class RankedUnit:
    """One sibling of the ranking (an entry of the ranking JSON's `children`)."""

    code: str
    name: str
    n: int
    value: float | None
    small_area: SmallArea
    rank: int | None
    rank_ci: tuple[int, int] | None
    tier: Tier

    def to_json(self) -> JsonDict:
        return {
            "code": self.code,
            "name": self.name,
            "n": self.n,
            "value": self.value,
            "small_area": self.small_area.to_json(),
            "rank": self.rank,
            "rank_ci": None if self.rank_ci is None else list(self.rank_ci),
            "tier": self.tier,
        }


@dataclass(frozen=True)
class Ranking:
    """The ranking of a unit's children (or of every commune under it) for a period.

    `reference` is what the tiers compare with (`against`: the parent's rate or the target);
    only `unit`, `period`, `measure` and `children` are serialised (docs/REPORT.md)."""

    unit: str
    unit_name: str
    period: str
    measure: str
    against: str
    reference: float | None
    children: tuple[RankedUnit, ...]

    def to_json(self) -> JsonDict:
        return {
            "unit": self.unit,
            "period": self.period,
            "measure": self.measure,
            "children": [child.to_json() for child in self.children],
        }


@dataclass(frozen=True)
class Member:
    """What the ranking needs of one sibling: its raw rate (value None when suppressed) with its
    interval, n (respondents), and its binomial count (k of trials) for the small-area model."""

    code: str
    name: str
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    k: float
    trials: float


def competition_ranks(values: np.ndarray) -> np.ndarray:
    """1 + the number of strictly higher values: ties share the best rank (1, 2, 2, 4)."""
    ordered = np.sort(values)
    return values.size - np.searchsorted(ordered, values, side="right") + 1


def rank_draws(draws: np.ndarray) -> np.ndarray:
    """For draws of shape (D, m): each unit's rank within its draw (1 = the highest). Continuous
    draws do not tie (point masses are handled by the caller)."""
    m = draws.shape[1]
    return m - np.argsort(np.argsort(draws, axis=1, kind="stable"), axis=1)


def rank_intervals(
    a: np.ndarray, b: np.ndarray, *, draws: int = DRAWS, seed: int = SEED, confidence: float = RANK_CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """The equal-tailed rank interval (low, high) of each unit whose true rate is
    Beta(a_i, b_i), from `draws` joint draws of a generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    ranks = rank_draws(rng.beta(a, b, size=(draws, a.size)))
    tail = (1.0 - confidence) / 2.0
    low = np.quantile(ranks, tail, axis=0, method="lower")
    high = np.quantile(ranks, 1.0 - tail, axis=0, method="higher")
    return low.astype(int), high.astype(int)


def tier_of(low: float | None, high: float | None, reference: float | None) -> Tier:
    if low is None or high is None or reference is None:
        return "indistinguishable"
    if low > reference:
        return "above"
    if high < reference:
        return "below"
    return "indistinguishable"


def rank_units(
    members: Sequence[Member],
    parent_k: float,
    parent_n: float,
    reference: float | None,
    *,
    min_responses: int,
    draws: int = DRAWS,
    seed: int = SEED,
) -> list[RankedUnit]:
    """Every member with its small-area estimate, rank, rank interval and tier; ranked members
    first (best first, ties by code), then the insufficient ones by code."""
    k = np.array([m.k for m in members], dtype=float)
    trials = np.array([m.trials for m in members], dtype=float)
    found = posterior(k, trials, parent_k, parent_n)
    estimates = shrink(k, trials, parent_k, parent_n)
    eligible = [i for i, m in enumerate(members) if m.n >= min_responses and m.value is not None]
    ranked_at = np.array(eligible, dtype=np.intp)
    rank: dict[int, int] = {}
    interval: dict[int, tuple[int, int]] = {}
    if ranked_at.size:
        if found is not None and found.point:  # every true rate is the parent's: nobody is apart
            points = np.ones(ranked_at.size, dtype=int)
            low, high = points, np.full(ranked_at.size, ranked_at.size)
        elif found is not None:
            points = competition_ranks(found.value[ranked_at])
            low, high = rank_intervals(found.a[ranked_at], found.b[ranked_at], draws=draws, seed=seed)
        else:  # siblings too few for the shrinkage: each unit's own Jeffreys posterior, raw order
            points = competition_ranks(np.array([members[i].value for i in eligible], dtype=float))
            low, high = rank_intervals(
                k[ranked_at] + 0.5, trials[ranked_at] - k[ranked_at] + 0.5, draws=draws, seed=seed
            )
        for j, at in enumerate(eligible):
            rank[at] = int(points[j])
            interval[at] = (int(low[j]), int(high[j]))
    out: list[RankedUnit] = []
    for i, member in enumerate(members):
        estimate = estimates[i]
        if i in rank:
            if estimate.ci_low is not None:
                tier = tier_of(estimate.ci_low, estimate.ci_high, reference)
            else:
                tier = tier_of(member.ci_low, member.ci_high, reference)
        else:
            tier = "insufficient"
        out.append(
            RankedUnit(
                code=member.code, name=member.name, n=member.n, value=member.value, small_area=estimate,
                rank=rank.get(i), rank_ci=interval.get(i), tier=tier,
            )
        )
    order = sorted(range(len(out)), key=lambda i: (out[i].rank is None, out[i].rank or 0, out[i].code))
    return [out[i] for i in order]
