"""Funnel limits (Spiegelhalter 2005) and unit positions."""

from __future__ import annotations

import json
import warnings
from fractions import Fraction
from math import comb

import numpy as np
import pytest

from analysis.funnel import funnel_curve, funnel_limits, funnel_position


def _binomial_cdf(r: int, n: int, p: Fraction) -> Fraction:
    return sum((comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(r + 1)), Fraction(0))


def test_exact_limit_with_interpolation_computed_by_hand() -> None:
    # n = 10, p0 = 1/2, lower 95 % limit (p = 0.025):
    # F(1) = 11/1024 < 0.025 <= F(2) = 56/1024, so r = 2 and
    # α = (F(2) − 0.025) / (F(2) − F(1)); limit = (2 − α) / 10 ≈ 0.13244.
    half = Fraction(1, 2)
    f2, f1 = _binomial_cdf(2, 10, half), _binomial_cdf(1, 10, half)
    alpha = (f2 - Fraction(1, 40)) / (f2 - f1)
    expected = float((2 - alpha) / 10)
    low, high = funnel_limits(0.5, 10)["95"]
    assert float(low) == pytest.approx(expected, abs=1e-12)
    assert float(low) == pytest.approx(0.132444, abs=1e-6)
    assert float(high) == pytest.approx(1 - expected, abs=1e-12)  # symmetric at p0 = 1/2


def test_limits_approach_the_normal_approximation_for_large_n() -> None:
    n, p0 = 10_000, 0.9
    limits = funnel_limits(p0, n)
    se = np.sqrt(p0 * (1 - p0) / n)
    assert float(limits["95"][0]) == pytest.approx(p0 - 1.959964 * se, abs=2e-4)
    assert float(limits["95"][1]) == pytest.approx(p0 + 1.959964 * se, abs=2e-4)
    assert float(limits["99.8"][0]) == pytest.approx(p0 - 3.090232 * se, abs=2e-4)


def test_funnel_narrows_as_n_grows_and_stays_in_unit_interval() -> None:
    n = np.array([30, 60, 120, 500, 2000])
    limits = funnel_limits(0.95, n)
    lo95, hi95 = limits["95"]
    lo998, hi998 = limits["99.8"]
    assert np.all(np.diff(lo95) > 0) and np.all(np.diff(hi95) <= 0)
    assert np.all(lo998 < lo95) and np.all(hi95 <= hi998)
    assert np.all((lo998 >= 0) & (hi998 <= 1))


def test_degenerate_reference_and_empty_units() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        limits = funnel_limits(1.0, [0, 30])
        assert np.isnan(limits["95"][0][0])
        assert limits["95"][0][1] == 1.0 and limits["99.8"][1][1] == 1.0
        assert funnel_limits(0.0, 30)["99.8"] == (0.0, 0.0)
    with pytest.raises(ValueError):
        funnel_limits(1.2, 30)


def test_positions() -> None:
    k = [5, 40, 95, 1, 35, 29]
    n = [10, 100, 100, 100, 100, 30]
    assert funnel_position(k, n, 0.5) == [
        "insufficient", "inside", "above_998", "below_998", "below_95", "above_998",
    ]
    assert funnel_position(61, 100, 0.5) == "above_95"  # P(R >= 61) = 0.018
    assert funnel_position(60, 100, 0.5) == "inside"  # P(R >= 60) = 0.028


@pytest.mark.parametrize(("n", "p0"), [(30, 0.9), (80, 0.9), (45, 0.95), (200, 0.6), (31, 0.5)])
def test_positions_agree_with_the_plotted_limits(n: int, p0: float) -> None:
    k = np.arange(0, n + 1)
    positions = funnel_position(k, np.full_like(k, n), p0)
    limits = funnel_limits(p0, n)
    for kk, pos in zip(k, positions, strict=True):
        rate = kk / n
        assert (pos == "below_998") == (rate < limits["99.8"][0])
        assert (pos in ("below_95", "below_998")) == (rate < limits["95"][0])
        assert (pos == "above_998") == (rate > limits["99.8"][1])
        assert (pos in ("above_95", "above_998")) == (rate > limits["95"][1])


def test_positions_are_one_sided_exact_tests() -> None:
    from scipy import stats

    n, p0 = 120, 0.93
    for kk in range(n + 1):
        pos = funnel_position(kk, n, p0)
        assert (pos == "below_95" or pos == "below_998") == (stats.binom.cdf(kk, n, p0) < 0.025)
        assert (pos == "above_95" or pos == "above_998") == (stats.binom.sf(kk - 1, n, p0) < 0.025)


def test_a_perfect_small_unit_is_not_called_exceptional() -> None:
    # 30 of 30 around 90 % happens with probability 0.9**30 ≈ 4 %: not an outlier.
    assert float(funnel_limits(0.9, 30)["99.8"][1]) == 1.0
    assert funnel_position(30, 30, 0.9) == "inside"
    assert funnel_position(200, 200, 0.9) == "above_998"  # 0.9**200 ≈ 7e-10


def test_curve_is_json_ready() -> None:
    curve = funnel_curve(0.93, 800, points=40)
    json.dumps(curve, allow_nan=False)
    assert curve["n"][0] == 30 and curve["n"][-1] == 800
    assert len(curve["n"]) <= 40 and curve["n"] == sorted(set(curve["n"]))
    assert len(curve["95"]["low"]) == len(curve["n"]) == len(curve["99.8"]["high"])
    assert funnel_curve(0.9, 12)["n"][0] == 1  # tiny units: start from 1
