"""Ad-hoc survey campaigns (issue 16; docs/ANALYSIS.md §"Campaigns"): allocating a sample
across strata, drawing it reproducibly from a seed, and the design-based estimate of its answers.

Strata are the direct child units of the campaign's unit. The sample is a stratified simple
random sample without replacement: in each stratum, n_h of its N_h registered dossiers, the
frame sorted by a stable key (the dossier's keyed hash) and the draw made by numpy's
Generator(PCG64(seed)), stratum after stratum in a fixed order, so the same frame and seed always
give the same sample.

Estimation: each respondent of stratum h carries the design weight w_h = N_h / r_h (the inverse
of its inclusion probability n_h / N_h, adjusted for non-response within the stratum: r_h of
the n_h answered). A satisfaction rate is the ratio R = Σ w·y / Σ w·x (y satisfied, x answered:
for the overall question both are 0/1, for the service index they count the criteria), with the
Taylor-linearised, stratified with-replacement variance

    u_hi = (y_hi − R x_hi) / X,   V(R) = Σ_h N_h² s²_h(u) / r_h

(s²_h the sample variance of u in stratum h, ddof 1; no finite-population correction, the usual
conservative with-replacement approximation). The 95 % interval is R ± z·√V, clipped to [0, 1].
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .intervals import z_value
from .responses import ResponseArrays
from .sipas import CONFIDENCE, SATISFIED_MIN

PROPORTIONAL = "proportional"
EQUAL = "equal"
ALLOCATIONS = (PROPORTIONAL, EQUAL)


class AllocationError(ValueError):
    """The sample cannot be allocated: `reason` is "sample_exceeds_frame" (needed, available
    are the sample and frame sizes) or "stratum_too_small" (`stratum` is its position)."""

    def __init__(self, reason: str, *, needed: int, available: int, stratum: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.needed = needed
        self.available = available
        self.stratum = stratum


def _largest_remainder(quotas: np.ndarray, total: int, frames: np.ndarray) -> np.ndarray:
    """Integer parts of `quotas`, then one more to the largest remainders until they sum to
    `total`; ties go to the larger frame, then to the earlier stratum."""
    base = np.floor(quotas + 1e-9).astype(int)
    left = total - int(base.sum())
    remainders = quotas - base
    order = sorted(range(len(quotas)), key=lambda h: (-round(float(remainders[h]), 12), -int(frames[h]), h))
    for h in order[:left]:
        base[h] += 1
    return base


def allocate(frames: Sequence[int], sample: int, allocation: str) -> list[int]:
    """n_h for each stratum of frame size N_h.

    proportional: n·N_h/N with largest-remainder rounding (a stratum with no dossiers gets 0);
    equal: n/H for each of the H strata, the remainder by the same rule; a stratum smaller
    than its share is an error (AllocationError "stratum_too_small")."""
    if allocation not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {allocation!r}")
    sizes = np.asarray(frames, dtype=int)
    total = int(sizes.sum())
    if sample < 1 or sample > total:
        raise AllocationError("sample_exceeds_frame", needed=sample, available=total)
    if allocation == PROPORTIONAL:
        quotas = sample * sizes / total
    else:
        quotas = np.full(len(sizes), sample / len(sizes))
    shares = _largest_remainder(quotas, sample, sizes)
    for h, (n_h, big_n) in enumerate(zip(shares, sizes, strict=True)):
        if n_h > big_n:
            raise AllocationError("stratum_too_small", needed=int(n_h), available=int(big_n), stratum=h)
    return [int(n_h) for n_h in shares]


def draw(frames: Sequence[Sequence[str]], sizes: Sequence[int], seed: int) -> list[list[str]]:
    """The sampled keys of each stratum: `sizes[h]` of `frames[h]` without replacement. Each
    frame is sorted first, so the order the keys came in does not matter; the chosen keys are
    returned sorted."""
    generator = np.random.Generator(np.random.PCG64(seed))
    chosen = []
    for frame, size in zip(frames, sizes, strict=True):
        ordered = sorted(frame)
        picks = generator.choice(len(ordered), size=size, replace=False) if size else np.empty(0, dtype=int)
        chosen.append(sorted(ordered[int(i)] for i in picks))
    return chosen


@dataclass(frozen=True)
class StratumAnswers:
    """One stratum's frame size N_h and, per respondent, y (satisfied) and x (answered)."""

    frame: int
    y: np.ndarray
    x: np.ndarray

    @property
    def respondents(self) -> int:
        return int(len(self.y))


@dataclass(frozen=True)
class Estimate:
    """A design-based ratio: value, its variance and 95 % interval (None when no stratum has an
    answer), the respondents behind it and the dossiers of the frame left uncovered (strata
    where nobody answered)."""

    value: float | None
    variance: float | None
    ci_low: float | None
    ci_high: float | None
    respondents: int
    satisfied: int
    uncovered_frame: int


def weighted_ratio(strata: Sequence[StratumAnswers], confidence: float = CONFIDENCE) -> Estimate:
    """R = Σ_h (N_h/r_h) Σ_i y_hi / Σ_h (N_h/r_h) Σ_i x_hi and its stratified linearised
    variance (module docstring). A stratum with a single respondent adds no variance term
    (s² is undefined there; docs/ANALYSIS.md)."""
    used = [s for s in strata if s.respondents > 0 and s.frame > 0]
    uncovered = sum(s.frame for s in strata if s.respondents == 0)
    respondents = sum(int(np.count_nonzero(s.x)) for s in strata)
    satisfied = int(sum(float(np.asarray(s.y).sum()) for s in used))
    total_y = sum(s.frame / s.respondents * float(np.asarray(s.y, float).sum()) for s in used)
    total_x = sum(s.frame / s.respondents * float(np.asarray(s.x, float).sum()) for s in used)
    if total_x <= 0:
        return Estimate(None, None, None, None, respondents, satisfied, uncovered)
    ratio = total_y / total_x
    variance = 0.0
    for s in used:
        if s.respondents < 2:
            continue
        u = (np.asarray(s.y, float) - ratio * np.asarray(s.x, float)) / total_x
        variance += s.frame ** 2 * float(np.var(u, ddof=1)) / s.respondents
    half = z_value(confidence) * math.sqrt(variance)
    return Estimate(ratio, variance, max(0.0, ratio - half), min(1.0, ratio + half), respondents, satisfied, uncovered)


def overall_parts(arrays: ResponseArrays) -> tuple[np.ndarray, np.ndarray]:
    """(y, x) per respondent for the overall question: satisfied (4–5), answered."""
    scores = arrays.overall
    return (scores >= SATISFIED_MIN).astype(float), (scores > 0).astype(float)


def service_parts(arrays: ResponseArrays) -> tuple[np.ndarray, np.ndarray]:
    """(y, x) per respondent for the service index: criteria rated 4–5, criteria rated."""
    scores = arrays.criteria
    return (scores >= SATISFIED_MIN).sum(axis=1).astype(float), (scores > 0).sum(axis=1).astype(float)


@dataclass(frozen=True)
class Difference:
    """Campaign minus regular survey, with its 95 % interval (independent samples)."""

    value: float
    ci_low: float
    ci_high: float

    def to_json(self) -> dict[str, float]:
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


def difference(campaign: Estimate, regular_value: float | None, regular_n: float | None,
               confidence: float = CONFIDENCE) -> Difference | None:
    """d = R_campaign − p_regular, Var = V(R) + p(1 − p)/n (the regular survey's binomial
    variance on its n, or its effective n for a pooled index); None when either is missing."""
    if campaign.value is None or campaign.variance is None or regular_value is None or not regular_n:
        return None
    value = campaign.value - regular_value
    half = z_value(confidence) * math.sqrt(campaign.variance + regular_value * (1 - regular_value) / regular_n)
    return Difference(value, value - half, value + half)
