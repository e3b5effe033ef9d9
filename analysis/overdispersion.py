"""Overdispersion of a funnel plot's units (Spiegelhalter 2005) and the limits widened for it.

With many units, or large ones, real between-unit variation that no unit can be blamed for makes
most points fall outside exact binomial limits. Spiegelhalter (2005, "Handling over-dispersion of
performance indicators", Qual Saf Health Care 14:347–351; "Funnel plots for comparing
institutional performance", Stat Med 24:1185–1202) estimates it from the units' z-scores:

    z_i = (y_i − c_i) / s_i,   s_i² = c_i(1 − c_i)/n_i,
    z winsorised at its 10th and 90th percentiles (so true outliers do not inflate it),
    φ = Σ z_w² / I,
    overdispersion is assumed when I·φ exceeds the 95 % point of χ²(I − 1),
    τ² = max(0, (I·φ − (I − 1)) / (Σw − Σw²/Σw)),   w_i = 1/s_i²   (DerSimonian–Laird, additive).

The additive (random-effects) form, rather than the multiplicative φ, is the one that keeps big
units from all being "outliers": their binomial variance is tiny, the between-unit variance τ²
is not. The exact binomial limits are then widened by the ratio of the two standard deviations,
    limit' = c + (limit − c) · √(1 + τ²/s²(n)),
which keeps their asymmetry near 100 % and reduces to them when τ² = 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from .model import Overdispersion
from .sipas import MIN_RESPONSES

METHOD = "additive_dersimonian_laird"
WINSOR: float = 0.10
#: Fewer units than this: the spread of their z-scores says nothing (not estimated).
MIN_UNITS: int = 5
#: Level of the χ² test that decides whether the limits are widened.
TEST_LEVEL: float = 0.05


def overdispersion_of(
    k: Any, n: Any, centers: Any, min_responses: int = MIN_RESPONSES, winsor: float = WINSOR
) -> Overdispersion:
    """φ, τ² and whether to widen, from the units with at least `min_responses` answers and a
    centre strictly between 0 and 1 (elsewhere a z-score is undefined)."""
    k_arr, n_arr, c_arr = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (k, n, centers)))
    keep = (n_arr >= min_responses) & (n_arr > 0) & (c_arr > 0) & (c_arr < 1)
    units = int(keep.sum())
    if units < MIN_UNITS:
        return Overdispersion(method=METHOD, phi=None, tau2=None, units=units, p_value=None, applied=False)
    k_arr, n_arr, c_arr = k_arr[keep], n_arr[keep], c_arr[keep]
    variance = c_arr * (1.0 - c_arr) / n_arr
    z = (k_arr / n_arr - c_arr) / np.sqrt(variance)
    low, high = np.quantile(z, [winsor, 1.0 - winsor])
    phi = float(np.mean(np.square(np.clip(z, low, high))))
    statistic = units * phi
    p_value = float(special.chdtrc(units - 1, statistic))
    w = 1.0 / variance
    tau2 = max(0.0, (statistic - (units - 1)) / float(w.sum() - np.square(w).sum() / w.sum()))
    applied = p_value < TEST_LEVEL and tau2 > 0
    return Overdispersion(method=METHOD, phi=phi, tau2=tau2, units=units, p_value=p_value, applied=applied)


def widen(limit: Any, center: Any, n: Any, tau2: float) -> np.ndarray:
    """An exact limit moved away from the centre by √(1 + τ²/s²(n)), clipped to [0, 1]."""
    limit_arr, c_arr, n_arr = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (limit, center, n)))
    with np.errstate(divide="ignore", invalid="ignore"):
        binomial_var = c_arr * (1.0 - c_arr) / n_arr
        factor = np.sqrt(1.0 + tau2 / binomial_var)
    factor = np.where(binomial_var > 0, factor, 1.0)
    return np.clip(c_arr + (limit_arr - c_arr) * factor, 0.0, 1.0)
