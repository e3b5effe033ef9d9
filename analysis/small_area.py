"""Small-area estimates: each sub-unit's (or counter's) rate shrunk towards its parent's
(empirical Bayes, beta-binomial; issue 12). docs/ANALYSIS.md §3 "Small-area estimates".

A commune of 35 answers at 100 % and one of 900 at 93 % are not equally good evidence. For each
measure (service index, overall, E1–E5, TC01–TC22) and each group of siblings (the direct
sub-units of a report, or the counters of a unit):

* every unit i enters as a binomial count: (k_i, n_i) for a single question, and for a pooled
  index the effective count (R_i·n_eff,i, n_eff,i) of the cluster interval, so a respondent's
  22 correlated answers do not count as 22 independent ones;
* the true rates are drawn from Beta(μM, (1−μ)M), μ = the parent's rate (the prior's mean: the
  estimates are shrunk towards the parent), and the between-unit variance
  τ² = μ(1−μ)/(M+1) is estimated by the method of moments (Kleinman 1973):
      S = Σ n_i (p_i − p̄)²,   τ² = max(0, (S − p̄(1−p̄)(I − 1)) / (N − Σn_i²/N)),
  over the I units with an answer (at least 3, else nothing is estimated);
* a unit's estimate is its posterior mean (μM + k_i)/(M + n_i), and its 95 % interval the
  posterior's equal-tailed quantiles, Beta(μM + k_i, (1−μ)M + n_i − k_i). A small unit moves
  far towards μ, a large one hardly at all. With τ² = 0 (no between-unit variance) every
  estimate is μ, with the interval of the parent's own rate (its Beta(μN, (1−μ)N) quantiles).

The estimate exists whatever the unit's own n (0 included: the parent's rate with the prior's
interval), so it is shown where the raw rate is suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
from scipy import special

from .indices import pool_intervals
from .model import CoreMeasures, Rate, SmallArea
from .rates import check_tallies, check_tally, json_float, slot_sums
from .sipas import CONFIDENCE, CRITERIA, ELEMENTS, MEASURES
from .tally import TALLY_WIDTH

#: Fewer sibling units with answers than this: the between-unit variance is not estimated.
MIN_UNITS: int = 3
POOLS: dict[str, str] = {"service_index": "service", **{e: e for e in ELEMENTS}}
NOT_ESTIMATED = SmallArea(value=None, ci_low=None, ci_high=None)
#: The measures every group carries (service index, overall, elements); MEASURES adds the criteria.
CORE_MEASURES: tuple[str, ...] = tuple(m for m in MEASURES if m not in CRITERIA)

Counts = dict[str, tuple[float, float]]
G = TypeVar("G", bound=CoreMeasures)


def effective_counts(t: np.ndarray) -> Counts:
    """Per measure, (successes, trials) as a binomial sample (pooled indices: effective counts)."""
    many = effective_counts_many(check_tally(t)[None, :])
    return {measure: (float(k[0]), float(n[0])) for measure, (k, n) in many.items()}


def effective_counts_many(
    t: np.ndarray, measures: Sequence[str] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """effective_counts of every row of a (groups × slots) array: per measure, the arrays of
    successes and trials (the cluster intervals of all groups and pools in one call). measures:
    only these (None: every measure); the pools' cluster intervals are computed only when one
    of them is asked for."""
    t = check_tallies(t)
    wanted = set(MEASURES if measures is None else measures)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if wanted & set(POOLS):
        found = pool_intervals(t, tuple(POOLS.values()))
        r, n_eff = (np.asarray(a, dtype=float) for a in (found.value, found.n_eff))
        answered = found.m > 0
        successes = np.where(answered, r * n_eff, 0.0)
        trials = np.where(answered, n_eff, 0.0)
        out.update({measure: (successes[:, j], trials[:, j]) for j, measure in enumerate(POOLS)})
    for item in ("overall", *CRITERIA):
        if item in wanted:
            out[item] = (
                slot_sums(t, (f"{item}.4", f"{item}.5")).astype(float),
                slot_sums(t, tuple(f"{item}.{s}" for s in range(1, 6))).astype(float),
            )
    return out


def between_variance(k: np.ndarray, n: np.ndarray) -> float | None:
    """Method-of-moments τ² of the true rates; None with fewer than MIN_UNITS units."""
    keep = n > 0
    k, n = k[keep], n[keep]
    if k.size < MIN_UNITS:
        return None
    total = float(n.sum())
    p_bar = float(k.sum()) / total
    spread = float(np.sum(n * np.square(k / n - p_bar)))
    denominator = total - float(np.sum(np.square(n))) / total
    if denominator <= 0:
        return None
    return max(0.0, (spread - p_bar * (1.0 - p_bar) * (k.size - 1)) / denominator)


@dataclass(frozen=True)
class Posterior:
    """Each unit's posterior Beta(a, b) and its estimate (the posterior mean, or μ when τ² = 0).
    `point` is set when the parent's rate is 0 or 1: every unit's rate is then μ exactly, and
    a and b are not used."""

    a: np.ndarray
    b: np.ndarray
    value: np.ndarray
    point: bool


def posterior(k: np.ndarray, n: np.ndarray, parent_k: float, parent_n: float) -> Posterior | None:
    """The posterior of every unit (k_i of n_i) shrunk towards the parent's k/n; None when it
    cannot be estimated (fewer than MIN_UNITS units with answers, or a parent without any)."""
    tau2 = between_variance(k, n)
    if tau2 is None or parent_n <= 0:
        return None
    mu = parent_k / parent_n
    if mu <= 0.0 or mu >= 1.0:
        flat = np.full(k.shape, mu)
        return Posterior(a=flat, b=flat, value=flat, point=True)
    if tau2 <= 0.0 or tau2 >= mu * (1.0 - mu):
        if tau2 > 0.0:  # variance as large as a Bernoulli's: no pooling at all
            a, b = k + 0.5, n - k + 0.5
        else:  # no between-unit variance: the parent's rate, as certain as the parent's data
            a, b = np.full(k.shape, mu * parent_n), np.full(k.shape, (1.0 - mu) * parent_n)
    else:
        strength = mu * (1.0 - mu) / tau2 - 1.0
        a, b = mu * strength + k, (1.0 - mu) * strength + n - k
    value = np.full(k.shape, mu) if tau2 <= 0.0 else a / (a + b)
    return Posterior(a=a, b=b, value=value, point=False)


def shrink(
    k: np.ndarray, n: np.ndarray, parent_k: float, parent_n: float, confidence: float = CONFIDENCE
) -> list[SmallArea]:
    """The small-area estimate of each unit (k_i of n_i) towards the parent's k/n."""
    found = posterior(k, n, parent_k, parent_n)
    if found is None:
        return [NOT_ESTIMATED for _ in k]
    tail = (1.0 - confidence) / 2.0
    if found.point:
        mu = parent_k / parent_n
        return [SmallArea(value=mu, ci_low=mu, ci_high=mu) for _ in k]
    low = special.betaincinv(found.a, found.b, tail)
    high = special.betaincinv(found.a, found.b, 1.0 - tail)
    # NaN and infinities become None (json_float), for the three arrays at once.
    values, lows, highs = (_finite_or_none(arr) for arr in (found.value, low, high))
    return [_small_area(v, lo, hi) for v, lo, hi in zip(values, lows, highs, strict=True)]


def _finite_or_none(values: np.ndarray) -> list[float | None]:
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    if finite.all():
        return values.tolist()
    return [json_float(x) for x in values.tolist()]


def _small_area(value: float | None, ci_low: float | None, ci_high: float | None) -> SmallArea:
    # SmallArea(...) without its frozen __init__ (three object.__setattr__ calls each): a
    # province's page makes ~3,000 of them. The same object, field for field.
    out = object.__new__(SmallArea)
    object.__setattr__(out, "__dict__", {"value": value, "ci_low": ci_low, "ci_high": ci_high})
    return out


def estimates_of(
    tallies: Sequence[np.ndarray], parent: np.ndarray, measures: Sequence[str] = MEASURES
) -> list[dict[str, SmallArea]]:
    """For sibling groups (their tallies) of one parent: each group's estimate of every measure
    (or of the given `measures`: each measure's estimate depends on that measure's counts only)."""
    rows = np.zeros((len(tallies) + 1, TALLY_WIDTH), np.int64)
    rows[0] = check_tally(parent)
    for i, t in enumerate(tallies, start=1):
        rows[i] = check_tally(t)
    counts = effective_counts_many(rows, measures)
    out: list[dict[str, SmallArea]] = [{} for _ in tallies]
    for measure in measures:
        k, n = counts[measure]
        for entry, estimate in zip(out, shrink(k[1:], n[1:], float(k[0]), float(n[0])), strict=True):
            entry[measure] = estimate
    return out


def _with(rate: Any, estimate: SmallArea) -> Any:
    # A shallow copy with one field set: what dataclasses.replace gives, without re-running
    # __init__ (nor copy.copy's generic protocol) for each of a province's ~3,000 rates.
    out = object.__new__(type(rate))
    object.__setattr__(out, "__dict__", {**rate.__dict__, "small_area": estimate})
    return out


def attach(
    groups: Sequence[G], tallies: Sequence[np.ndarray], parent: np.ndarray, measures: Sequence[str] | None = None
) -> tuple[G, ...]:
    """The groups (sub-units or counters) with `small_area` on their service index, overall,
    elements and (when they carry them) criteria; with `measures`, on those only (the other
    rates keep small_area None: a page that shows the overall estimate alone asks for it alone)."""
    if not groups:
        return tuple(groups)
    # The criteria's 22 estimates only for groups that carry criteria (a report's children
    # without them, e.g. the overview's, would compute three quarters of the work for nothing).
    with_criteria = any(getattr(group, "criteria", None) is not None for group in groups)
    wanted = [m for m in (MEASURES if with_criteria else CORE_MEASURES) if measures is None or m in measures]
    estimates = estimates_of(tallies, parent, wanted)

    def estimated(rate: Any, estimate: Mapping[str, SmallArea], measure: str) -> Any:
        return _with(rate, estimate[measure]) if measure in estimate else rate

    out = []
    for group, estimate in zip(groups, estimates, strict=True):
        changes: dict[str, Any] = {
            "service_index": estimated(group.service_index, estimate, "service_index"),
            "overall": estimated(group.overall, estimate, "overall"),
            "elements": {e: estimated(r, estimate, e) for e, r in group.elements.items()},
        }
        criteria: Mapping[str, Rate] | None = getattr(group, "criteria", None)
        if criteria is not None:
            changes["criteria"] = {c: estimated(r, estimate, c) for c, r in criteria.items()}
        out.append(replace(group, **changes))
    return tuple(out)
