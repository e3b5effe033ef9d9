"""analysis/campaigns.py: allocation (largest remainders), the seeded draw, and the weighted
estimate with its stratified variance against a hand computation on a small frame."""
from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.campaigns import AllocationError, StratumAnswers, allocate, difference, draw, weighted_ratio


def test_proportional_allocation_rounds_by_largest_remainder():
    # N = 20: quotas for n = 7 are 4.2, 1.75, 0.7, 0.35, 0 -> 4, 1, 0, 0, 0 plus the two largest
    # remainders (0.75, 0.7).
    assert allocate([12, 5, 2, 1, 0], 7, "proportional") == [4, 2, 1, 0, 0]
    assert allocate([12, 5, 2, 1, 0], 20, "proportional") == [12, 5, 2, 1, 0]
    # Equal remainders go to the larger frame, then to the earlier stratum.
    assert allocate([3, 5, 5], 2, "proportional") == [0, 1, 1]
    assert allocate([4, 4], 3, "proportional") == [2, 1]


def test_equal_allocation_and_its_errors():
    assert allocate([6, 9, 6], 7, "equal") == [2, 3, 2]
    with pytest.raises(AllocationError) as error:
        allocate([6, 0, 6], 6, "equal")
    assert error.value.reason == "stratum_too_small" and error.value.stratum == 1
    with pytest.raises(AllocationError) as error:
        allocate([6, 1, 6], 9, "equal")
    assert (error.value.needed, error.value.available) == (3, 1)
    with pytest.raises(AllocationError) as error:
        allocate([3, 2], 6, "proportional")
    assert error.value.reason == "sample_exceeds_frame" and error.value.available == 5


def test_the_draw_depends_only_on_the_frame_and_the_seed():
    frames = [[f"a{i:02d}" for i in range(30)], [f"b{i:02d}" for i in range(10)], []]
    first = draw(frames, [5, 3, 0], seed=42)
    shuffled = [list(reversed(frame)) for frame in frames]
    assert draw(shuffled, [5, 3, 0], seed=42) == first, "the frame is sorted by its key first"
    assert draw(frames, [5, 3, 0], seed=43) != first
    assert [len(keys) for keys in first] == [5, 3, 0]
    assert all(len(set(keys)) == len(keys) for keys in first), "without replacement"
    # PCG64(42): the documented generator, so another implementation can reproduce a sample.
    generator = np.random.Generator(np.random.PCG64(42))
    expected = sorted(sorted(frames[0])[int(i)] for i in generator.choice(30, size=5, replace=False))
    assert first[0] == expected


def test_the_weighted_rate_and_its_variance_by_hand():
    # Stratum A: N = 100, respondents 1, 1, 0, 1; stratum B: N = 50, respondents 0, 1;
    # stratum C: N = 30, nobody answered (its dossiers are left uncovered).
    a, b = [1, 1, 0, 1], [0, 1]
    strata = [StratumAnswers(100, np.array(a, float), np.ones(4)),
              StratumAnswers(50, np.array(b, float), np.ones(2)),
              StratumAnswers(30, np.zeros(0), np.zeros(0))]
    estimate = weighted_ratio(strata)
    # w_A = 100/4 = 25, w_B = 50/2 = 25: R = (25·3 + 25·1) / (25·4 + 25·2) = 100/150.
    assert math.isclose(estimate.value, 100 / 150)
    r = 100 / 150
    total = 150.0
    var_a = np.var([(y - r) / total for y in a], ddof=1)
    var_b = np.var([(y - r) / total for y in b], ddof=1)
    variance = 100 ** 2 * var_a / 4 + 50 ** 2 * var_b / 2
    assert math.isclose(estimate.variance, variance)
    assert math.isclose(estimate.ci_low, max(0, r - 1.959963984540054 * math.sqrt(variance)))
    assert estimate.uncovered_frame == 30 and estimate.respondents == 6 and estimate.satisfied == 4


def test_a_ratio_over_criteria_weights_answered_items():
    # Service index: y = criteria rated 4-5, x = criteria rated; equal weights reduce to Σy/Σx.
    strata = [StratumAnswers(10, np.array([3.0, 1.0]), np.array([4.0, 2.0]))]
    assert math.isclose(weighted_ratio(strata).value, 4 / 6)


def test_nothing_answered_gives_no_estimate_and_no_difference():
    estimate = weighted_ratio([StratumAnswers(10, np.zeros(0), np.zeros(0))])
    assert estimate.value is None and estimate.uncovered_frame == 10
    assert difference(estimate, 0.9, 100) is None


def test_the_difference_adds_both_variances():
    estimate = weighted_ratio([StratumAnswers(40, np.array([1.0, 0.0, 1.0, 1.0]), np.ones(4))])
    found = difference(estimate, 0.9, 200)
    half = 1.959963984540054 * math.sqrt(estimate.variance + 0.9 * 0.1 / 200)
    assert math.isclose(found.value, 0.75 - 0.9)
    assert math.isclose(found.ci_high - found.value, half)
