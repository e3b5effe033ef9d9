"""Small-area estimates (issue 12, item 3): sub-units' and counters' rates shrunk towards the
parent by empirical Bayes (analysis/small_area.py)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.report import build_report
from analysis.small_area import between_variance, shrink
from analysis.tally import empty_tally, slot


def overall_tally(satisfied: int, answered: int) -> np.ndarray:
    t = empty_tally()
    t[slot("n")] = answered
    t[slot("overall.5")] = satisfied
    t[slot("overall.2")] = answered - satisfied
    return t


def test_small_units_move_towards_the_parent_more_than_big_ones() -> None:
    k = np.array([20.0, 540.0, 150.0, 400.0, 90.0])  # 100 %, 90 %, 75 %, 80 %, 90 %
    n = np.array([20.0, 600.0, 200.0, 500.0, 100.0])
    estimates = shrink(k, n, k.sum(), n.sum())
    parent = k.sum() / n.sum()
    small, big = estimates[0], estimates[1]
    assert abs(small.value - 1.0) > 5 * abs(big.value - 0.9)
    assert parent < small.value < 1.0 and parent < big.value < 0.9
    for estimate, rate in zip(estimates, k / n, strict=True):
        assert min(rate, parent) - 1e-12 <= estimate.value <= max(rate, parent) + 1e-12
        assert estimate.ci_low < estimate.value < estimate.ci_high


def test_with_no_between_unit_variance_every_estimate_is_the_parent() -> None:
    k = np.array([80.0, 160.0, 40.0, 8.0])
    n = np.array([100.0, 200.0, 50.0, 10.0])  # every unit exactly at 80 %
    assert between_variance(k, n) == 0.0
    estimates = shrink(k, n, k.sum(), n.sum())
    assert all(e.value == pytest.approx(0.8) for e in estimates)
    assert all(e.ci_low < 0.8 < e.ci_high for e in estimates)


def test_too_few_units_give_no_estimate() -> None:
    estimates = shrink(np.array([5.0, 9.0]), np.array([10.0, 10.0]), 14.0, 20.0)
    assert all(e.value is None and e.ci_low is None for e in estimates)


def test_intervals_cover_simulated_true_rates() -> None:
    rng = np.random.default_rng(2026)
    covered = total = 0
    for _ in range(200):
        sizes = rng.integers(5, 400, 30).astype(float)
        true = rng.beta(0.85 * 40, 0.15 * 40, 30)  # τ ≈ 0.056 around 85 %
        k = rng.binomial(sizes.astype(int), true).astype(float)
        for estimate, p in zip(shrink(k, sizes, k.sum(), sizes.sum()), true, strict=True):
            covered += estimate.ci_low <= p <= estimate.ci_high
            total += 1
    assert 0.90 <= covered / total <= 0.99, covered / total


def test_every_child_rate_carries_its_small_area_estimate_even_when_suppressed(make_arrays, rng) -> None:
    from analysis.tally import tally

    sizes = [500, 300, 120, 12, 0]
    arrays = make_arrays(rng, sum(sizes))
    group = np.repeat(np.arange(len(sizes)), sizes)
    per_child = tally(arrays, group, len(sizes))
    children = [{"code": f"X{i}", "name": f"Xã {i}", "tally": per_child[i]} for i in range(len(sizes))]
    report = build_report({"code": "P", "name": "P"}, "2026-10", per_child.sum(0), None, children)
    for child in report["children"]:
        for rate in (child["service_index"], child["overall"], *child["elements"].values()):
            assert set(rate["small_area"]) == {"value", "ci_low", "ci_high"}
    tiny = report["children"][3]
    assert tiny["overall"]["insufficient"] and tiny["overall"]["value"] is None
    assert tiny["overall"]["small_area"]["value"] is not None
    # The unit's own rates and its flags carry no small-area estimate.
    assert "small_area" not in report["overall"]
    assert all("small_area" not in flag for flag in report["children"][0]["flags"].values())


def test_a_perfect_small_commune_is_not_ranked_first_on_noise() -> None:
    children = [
        {"code": "SMALL", "name": "Xã nhỏ", "tally": overall_tally(31, 31)},  # 100 % of 31
        {"code": "BIG", "name": "Trung tâm", "tally": overall_tally(950, 1000)},  # 95 % of 1,000
        *({"code": f"X{i}", "name": "Xã", "tally": overall_tally(90 + i, 100)} for i in range(6)),
    ]
    parent = np.sum([c["tally"] for c in children], axis=0)
    report = build_report({"code": "P", "name": "P"}, "2026-10", parent, None, children)
    small, big = report["children"][0]["overall"], report["children"][1]["overall"]
    assert small["value"] > big["value"]
    assert small["small_area"]["value"] < big["small_area"]["value"]
