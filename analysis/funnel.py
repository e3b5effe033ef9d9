"""Funnel plots for comparing units of different sizes (Spiegelhalter 2005).

Limits are exact binomial quantiles around the reference rate p0, made
continuous in n by Spiegelhalter's interpolation (Statistics in Medicine
24:1185–1202, appendix A.1.1): with r_p the p-quantile of Binomial(n, p0),

    α   = (F(r_p) − p) / (F(r_p) − F(r_p − 1))
    y_p = (r_p − α) / n

where F is the binomial CDF.  Exact limits rather than p0 ± z·√(p0(1−p0)/n)
because satisfaction rates sit near 1, where the normal approximation is poor
for the small samples of commune one-stop points.

The formula interpolates the CDF linearly between integers, i.e. it spreads
the mass of each count r over [r − 1, r].  Used as is for an upper limit, that
puts the line one count too low: a unit exactly at the quantile would plot
above the line although its tail probability is not extreme — at rates near
100 % every perfect small unit would look like an outlier (30 of 30 around
p0 = 0.9 has probability 0.04 but would sit above the 99.8 % line).  So the
upper limit applies the same construction to the failures n − R, which have
rate 1 − p0:  upper_p = 1 − y_p(n, 1 − p0).  The funnel is then symmetric
(at p0 = ½, upper = 1 − lower) and, on both sides, a unit's k/n lies outside a
limit exactly when its one-sided exact tail probability is below the tail
level — the rule funnel_position applies.  Limits are clipped to [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from .model import FunnelBand, FunnelCurve
from .sipas import MIN_RESPONSES

DEFAULT_LEVELS: tuple[float, float] = (0.95, 0.998)


def level_label(level: float) -> str:
    """0.95 -> "95", 0.998 -> "99.8" (keys of the limits dict)."""
    return format(round(level * 100, 6), "g")


def _lower_limit(tail: float, n: np.ndarray, p0: float) -> np.ndarray:
    """Spiegelhalter's interpolated exact p-quantile of R/n (R ~ Bin(n, p0))."""
    with np.errstate(all="ignore"):
        r = stats.binom.ppf(tail, n, p0)
        f_r = stats.binom.cdf(r, n, p0)
        f_below = stats.binom.cdf(r - 1, n, p0)
        alpha = (f_r - tail) / (f_r - f_below)
        return np.clip((r - alpha) / n, 0.0, 1.0)


def _upper_limit(tail: float, n: np.ndarray, p0: float) -> np.ndarray:
    """Mirror image through the failures n − R (see the module docstring)."""
    return 1.0 - _lower_limit(tail, n, 1.0 - p0)


def funnel_limits(
    target_p: float, n: Any, levels: Sequence[float] = DEFAULT_LEVELS
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{level label: (lower, upper)} for each n (array-like).

    n <= 0 gives NaN.  For a degenerate reference (p0 = 0 or 1) every unit of
    any size must sit exactly at p0, so both limits are p0.
    """
    n_arr = np.asarray(n, dtype=float)
    p0 = float(target_p)
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"reference rate must lie in [0, 1], got {p0}")
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    valid = n_arr > 0
    safe_n = np.where(valid, n_arr, 1.0)
    for level in levels:
        tail = (1.0 - level) / 2.0
        if p0 in (0.0, 1.0):
            low = np.full(n_arr.shape, p0)
            high = np.full(n_arr.shape, p0)
        else:
            low = _lower_limit(tail, safe_n, p0)
            high = _upper_limit(tail, safe_n, p0)
        low = np.where(valid, low, np.nan)
        high = np.where(valid, high, np.nan)
        out[level_label(level)] = (low[()] if low.ndim == 0 else low, high[()] if high.ndim == 0 else high)
    return out


def funnel_position(
    k: Any,
    n: Any,
    target_p: float,
    levels: tuple[float, float] = DEFAULT_LEVELS,
    min_responses: int = MIN_RESPONSES,
) -> list[str] | str:
    """Where each unit's k of n falls: "above_998", "above_95", "inside",
    "below_95", "below_998", or "insufficient" when n < min_responses.
    Scalar in, scalar out.

    Classified by the exact binomial tail probabilities: below the L-limit
    when P(R <= k) < (1−L)/2, above it when P(R >= k) < (1−L)/2.  This is
    exactly "k/n outside the limits of funnel_limits" (module docstring), but
    immune to floating-point ties at the limit.
    """
    k_arr, n_arr = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    p0 = float(target_p)
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"reference rate must lie in [0, 1], got {p0}")
    inner, outer = sorted(levels)
    safe_n = np.where(n_arr > 0, n_arr, 1.0)
    with np.errstate(all="ignore"):
        p_at_most = stats.binom.cdf(k_arr, safe_n, p0)  # P(R <= k)
        p_at_least = stats.binom.sf(k_arr - 1.0, safe_n, p0)  # P(R >= k)
    tail_outer, tail_inner = (1.0 - outer) / 2.0, (1.0 - inner) / 2.0
    position = np.select(
        [
            ~(n_arr >= min_responses),
            p_at_least < tail_outer,
            p_at_least < tail_inner,
            p_at_most < tail_outer,
            p_at_most < tail_inner,
        ],
        ["insufficient", "above_998", "above_95", "below_998", "below_95"],
        default="inside",
    )
    return str(position) if position.ndim == 0 else [str(p) for p in position.ravel()]


def curve_of(
    target_p: float,
    n_max: int,
    points: int = 50,
    levels: Sequence[float] = DEFAULT_LEVELS,
    n_min: int = MIN_RESPONSES,
) -> FunnelCurve:
    """Limits at about `points` sample sizes, log-spaced from n_min (or 1 when
    n_max is smaller) to n_max, for drawing the funnel."""
    n_max = max(int(n_max), 1)
    start = n_min if n_max > n_min else 1
    ns = np.unique(np.round(np.geomspace(start, n_max, num=max(points, 2))).astype(int))
    bands = {
        label: FunnelBand(low=tuple(float(v) for v in low), high=tuple(float(v) for v in high))
        for label, (low, high) in funnel_limits(target_p, ns, levels).items()
    }
    return FunnelCurve(center=float(target_p), n=tuple(int(v) for v in ns), bands=bands)


def funnel_curve(
    target_p: float,
    n_max: int,
    points: int = 50,
    levels: Sequence[float] = DEFAULT_LEVELS,
    n_min: int = MIN_RESPONSES,
) -> dict[str, Any]:
    """The JSON form of curve_of:
    {"center", "n": [...], "95": {"low": [...], "high": [...]}, "99.8": {...}}."""
    return curve_of(target_p, n_max, points, levels, n_min).to_json()
