"""Confidence intervals and tests for proportions, vectorised over numpy arrays.

Conventions shared by every function here:

* inputs broadcast like numpy arrays; 0-d inputs give numpy scalars back;
* n = 0 (nothing to estimate) yields NaN, never an exception or a warning —
  divisions happen under np.errstate and the undefined cells are masked after;
* counts may be non-integer "effective" counts (design-effect adjustments);
* k < 0, n < 0 or k > n is a programming error and raises ValueError.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from .sipas import CONFIDENCE

ArrayLike = Any  # scalars, sequences or numpy arrays of numbers


@lru_cache(maxsize=16)
def z_value(confidence: float = CONFIDENCE) -> float:
    """Two-sided standard normal quantile, e.g. 1.959964 for 95 %.  Cached:
    a report computes hundreds of intervals at the same level."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    return float(special.ndtri(0.5 + confidence / 2.0))


def _counts(k: ArrayLike, n: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    k_arr, n_arr = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    with np.errstate(invalid="ignore"):
        bad = (k_arr < 0) | (n_arr < 0) | (k_arr > n_arr)
    if np.any(bad):
        raise ValueError("counts must satisfy 0 <= k <= n")
    return k_arr, n_arr


def _scalar_or_array(a: np.ndarray) -> np.ndarray:
    return a[()] if a.ndim == 0 else a


def _finish(low: np.ndarray, high: np.ndarray, k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip rounding noise, pin the bounds that are exact by definition
    (0 successes -> lower bound 0, all successes -> upper bound 1) and blank
    out n = 0."""
    low = np.where(k <= 0, 0.0, np.clip(low, 0.0, 1.0))
    high = np.where(k >= n, 1.0, np.clip(high, 0.0, 1.0))
    empty = ~(n > 0)
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    return _scalar_or_array(low), _scalar_or_array(high)


def wilson(k: ArrayLike, n: ArrayLike, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (the default for every single-item rate)."""
    k, n = _counts(k, n)
    return _wilson_with_z(k, n, z_value(confidence))


def _wilson_with_z(k: np.ndarray, n: np.ndarray, z: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Wilson bounds for a given critical value (scalar or per element)."""
    z2 = np.square(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = n + z2
        centre = (k + z2 / 2.0) / denom
        half = z * np.sqrt(k * (n - k) / n + z2 / 4.0) / denom
    return _finish(centre - half, centre + half, k, n)


def clopper_pearson(k: ArrayLike, n: ArrayLike, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper–Pearson) interval from beta quantiles."""
    k, n = _counts(k, n)
    alpha = 1.0 - confidence
    # Replace the degenerate beta parameters (k = 0 or k = n) by harmless ones;
    # those bounds are overwritten by _finish anyway.
    a_low = np.where(k > 0, k, 1.0)
    b_high = np.where(n - k > 0, n - k, 1.0)
    with np.errstate(all="ignore"):
        low = special.betaincinv(a_low, n - k + 1.0, alpha / 2.0)
        high = special.betaincinv(k + 1.0, b_high, 1.0 - alpha / 2.0)
    return _finish(low, high, k, n)


def jeffreys(k: ArrayLike, n: ArrayLike, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys interval: equal-tailed Beta(k+½, n−k+½) posterior interval,
    with the lower bound set to 0 when k = 0 and the upper to 1 when k = n
    (Brown, Cai & DasGupta 2001, §4.1.2)."""
    k, n = _counts(k, n)
    alpha = 1.0 - confidence
    with np.errstate(all="ignore"):
        low = special.betaincinv(k + 0.5, n - k + 0.5, alpha / 2.0)
        high = special.betaincinv(k + 0.5, n - k + 0.5, 1.0 - alpha / 2.0)
    return _finish(low, high, k, n)


INTERVALS = {"wilson": wilson, "clopper_pearson": clopper_pearson, "jeffreys": jeffreys}


def proportion_interval(
    k: ArrayLike, n: ArrayLike, method: str = "wilson", confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Dispatch by method name ("wilson", "clopper_pearson", "jeffreys")."""
    try:
        fn = INTERVALS[method]
    except KeyError:
        raise ValueError(f"unknown interval method {method!r}; choose from {sorted(INTERVALS)}") from None
    return fn(k, n, confidence)


def newcombe_difference(
    k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p1 − p2 with Newcombe's hybrid score interval (1998, method 10): the
    Wilson intervals of the two rates combined by squaring-and-adding."""
    k1, n1 = _counts(k1, n1)
    k2, n2 = _counts(k2, n2)
    l1, u1 = (np.asarray(b) for b in wilson(k1, n1, confidence))
    l2, u2 = (np.asarray(b) for b in wilson(k2, n2, confidence))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = k1 / n1
        p2 = k2 / n2
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    undefined = ~((n1 > 0) & (n2 > 0))
    diff, low, high = (np.where(undefined, np.nan, a) for a in (diff, low, high))
    return _scalar_or_array(diff), _scalar_or_array(low), _scalar_or_array(high)


def cluster_ratio_interval(
    sum_y: ArrayLike,
    sum_m: ArrayLike,
    sum_yy: ArrayLike,
    sum_mm: ArrayLike,
    sum_ym: ArrayLike,
    n_clusters: ArrayLike,
    confidence: float = CONFIDENCE,
    deff_floor: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pooled index R = Σy/Σm with respondents as clusters (docs/ANALYSIS.md §3.3).

    The answers of one respondent move together, so the variance is the
    linearised (Taylor) variance of a ratio estimator over clusters,
        v = n/(n−1) · Σ(y − R·m)² / (Σm)²,   Σ(y − Rm)² = Σy² − 2RΣym + R²Σm²,
    with n the clusters that answered at least one item.  It is turned into a
    design effect deff = v / (R(1−R)/Σm), floored at `deff_floor` (1 by
    default: never claim more precision than independent answers would give),
    and the effective sample size n_eff = Σm/deff.  When R is 0 or 1, or the
    variance estimate is 0, or there is a single cluster, the design effect is
    unusable and n_eff falls back to the number of clusters (as if each
    respondent were one answer).

    The interval is Korn & Graubard's (1998): Clopper–Pearson on n_eff with
    the degrees-of-freedom adjustment n_df = n_eff·(z/t_df)².  The degrees of
    freedom are the design's (clusters − 1), but never more than the effective
    number of clusters on the rarer side, min(R, 1−R)·n_eff − 1: near 100 %
    satisfaction the variance comes from the handful of respondents who were
    dissatisfied, and an estimate resting on three such respondents is as
    uncertain as one with three degrees of freedom (Satterthwaite's argument).
    Wilson with t on clusters − 1 (the method until issue 12) covered only
    83–92 % at 95–98 % satisfaction with strongly correlated answers and 30–100
    respondents; this one keeps ≥ 94 % in every cell of the grid of
    bench/coverage.py, whose table is in docs/ANALYSIS.md.

    Returns (R, low, high, n_eff); R and the bounds are NaN when Σm = 0.
    """
    y, m, yy, mm, ym, clusters = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (sum_y, sum_m, sum_yy, sum_mm, sum_ym, n_clusters))
    )
    if np.any(m < 0) or np.any(y < 0) or np.any(y > m) or np.any(clusters < 0):
        raise ValueError("sums must satisfy 0 <= Σy <= Σm and n_clusters >= 0")
    r, n_eff, usable = _cluster_design(y, m, yy, mm, ym, clusters, deff_floor)
    design_df = np.maximum(clusters - 1.0, 1.0)
    rare_side_df = np.minimum(r, 1.0 - r) * n_eff - 1.0
    df = np.where(usable, np.maximum(np.minimum(rare_side_df, design_df), 1.0), design_df)
    alpha = 1.0 - confidence
    # special.stdtrit is the t quantile without scipy.stats' per-call overhead.
    t = special.stdtrit(df, 1.0 - alpha / 2.0)
    n_df = n_eff * np.square(z_value(confidence) / t)
    low, high = clopper_pearson(np.where(m > 0, r, 0.0) * n_df, n_df, confidence)
    return _scalar_or_array(r), low, high, _scalar_or_array(n_eff)


def _cluster_design(
    y: np.ndarray,
    m: np.ndarray,
    yy: np.ndarray,
    mm: np.ndarray,
    ym: np.ndarray,
    clusters: np.ndarray,
    deff_floor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R, n_eff, usable) of the ratio estimator with respondents as clusters (see cluster_ratio_interval)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = y / m
        # Clip tiny negative values that come from floating-point cancellation.
        residual_ss = np.maximum(yy - 2.0 * r * ym + r * r * mm, 0.0)
        v = clusters / (clusters - 1.0) * residual_ss / (m * m)
        naive = r * (1.0 - r) / m
        deff = np.maximum(v / naive, deff_floor)
        n_eff = m / deff
    usable = (r > 0) & (r < 1) & (v > 0) & (clusters >= 2) & np.isfinite(v)
    n_eff = np.where(usable, n_eff, clusters)
    n_eff = np.where(m > 0, n_eff, 0.0)
    r = np.where(m > 0, r, np.nan)
    return r, n_eff, usable


def wilson_t_cluster_interval(
    sum_y: ArrayLike,
    sum_m: ArrayLike,
    sum_yy: ArrayLike,
    sum_mm: ArrayLike,
    sum_ym: ArrayLike,
    n_clusters: ArrayLike,
    confidence: float = CONFIDENCE,
    deff_floor: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pooled-index interval used until issue 12: Wilson on n_eff with Student's t on
    clusters − 1.  Kept only so bench/coverage.py and its test can show what changed."""
    y, m, yy, mm, ym, clusters = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (sum_y, sum_m, sum_yy, sum_mm, sum_ym, n_clusters))
    )
    r, n_eff, _ = _cluster_design(y, m, yy, mm, ym, clusters, deff_floor)
    z = special.stdtrit(np.maximum(clusters - 1.0, 1.0), 1.0 - (1.0 - confidence) / 2.0)
    low, high = _wilson_with_z(np.where(m > 0, r, 0.0) * n_eff, n_eff, z)
    return _scalar_or_array(r), low, high, _scalar_or_array(n_eff)


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish's effective sample size (Σw)²/Σw²; 0 when there is no weight."""
    w = np.asarray(weights, dtype=float).ravel()
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    sum_sq = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / sum_sq if sum_sq > 0 else 0.0


def weighted_proportion(
    counts_k: ArrayLike, counts_n: ArrayLike, unit_weights: ArrayLike, confidence: float = CONFIDENCE
) -> tuple[float, float, float, float]:
    """Volume-weighted rate across units.

    Each respondent of unit u weighs W_u/n_u (W_u = dossier volume), so the
    estimate is Σ W_u·p_u / Σ W_u, and Kish's n_eff of those respondent weights
    is (ΣW_u)² / Σ(W_u²/n_u).  Units without responses cannot be represented
    and are dropped (their volume is lost from the denominator).  Returns
    (value, low, high, n_eff) with a Wilson interval on n_eff.
    """
    k, n = _counts(counts_k, counts_n)
    w = np.broadcast_to(np.asarray(unit_weights, dtype=float), k.shape)
    if np.any(w < 0):
        raise ValueError("unit weights must be non-negative")
    keep = (n > 0) & (w > 0)
    k, n, w = k[keep], n[keep], w[keep]
    total = float(w.sum())
    if total <= 0:
        return float("nan"), float("nan"), float("nan"), 0.0
    value = float(np.sum(w * k / n) / total)
    n_eff = total**2 / float(np.sum(w * w / n))
    low, high = wilson(value * n_eff, n_eff, confidence)
    return value, float(low), float(high), n_eff


def two_proportion_pvalue(k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike) -> np.ndarray:
    """Two-sided pooled z test of p1 = p2.

    NaN when either n is 0.  When both rates are identical at 0 or at 1 the
    pooled variance is 0 and z is 0/0; the data show no difference at all, so
    the p-value is 1 (Fisher's exact test agrees).
    """
    k1, n1 = _counts(k1, n1)
    k2, n2 = _counts(k2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (k1 + k2) / (n1 + n2)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        z = (k1 / n1 - k2 / n2) / se
        p = 2.0 * special.ndtr(-np.abs(z))
    p = np.where(se > 0, p, 1.0)
    p = np.where((n1 > 0) & (n2 > 0), p, np.nan)
    return _scalar_or_array(p)


def benjamini_hochberg(pvalues: ArrayLike, q: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg step-up procedure controlling the false discovery rate.

    NaN p-values (untestable units) take no part: they neither count in m nor
    get rejected, and their adjusted value stays NaN.  Returns (rejected,
    adjusted q-values) in the input order.
    """
    p = np.asarray(pvalues, dtype=float)
    flat = p.ravel()
    adjusted = np.full(flat.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(flat))
    m = valid.size
    if m:
        order = valid[np.argsort(flat[valid], kind="stable")]
        scaled = flat[order] * m / np.arange(1, m + 1)
        # q-value of the i-th smallest = min over j >= i of p_(j)·m/j.
        adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    with np.errstate(invalid="ignore"):
        rejected = adjusted <= q
    return rejected.reshape(p.shape), adjusted.reshape(p.shape)
