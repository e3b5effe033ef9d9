"""Post-stratified headline rates (issue 12, item 5): Σ W_h p_h with the stratified variance
Σ W_h² v_h, checked against the formulas written out; weights only where every volume is known."""
from __future__ import annotations

import math

import pytest

from analysis.intervals import wilson
from analysis.sipas import DEFAULT_TARGETS
from analysis.tally import tally_from_dict
from analysis.weights import Stratum, weighting_of


def stratum(k: int, n: int, dossiers: int | None) -> Stratum:
    # n respondents, k of them satisfied overall; each answers 2 service items, both like the overall.
    t = tally_from_dict({
        "n": n, "overall.5": k, "overall.2": n - k,
        "service.y": 2 * k, "service.m": 2 * n, "service.yy": 4 * k, "service.mm": 4 * n, "service.ym": 4 * k,
        "service.k": n,
    })
    return Stratum(t, dossiers)


def test_overall_is_post_stratified_with_the_stratified_variance() -> None:
    strata = [stratum(45, 50, 900), stratum(20, 40, 100)]
    w = weighting_of(strata, None, DEFAULT_TARGETS)
    assert w.applied and w.reason == "dossier_volumes" and w.strata == 2
    p1, p2 = 45 / 50, 20 / 40
    value = 0.9 * p1 + 0.1 * p2
    variance = 0.9**2 * p1 * (1 - p1) / 49 + 0.1**2 * p2 * (1 - p2) / 39
    n_eff = value * (1 - value) / variance
    low, high = wilson(value * n_eff, n_eff)
    assert w.overall is not None
    assert w.overall.value == pytest.approx(value) and w.overall.n == 90 and w.overall.count == 65
    assert (w.overall.ci_low, w.overall.ci_high) == pytest.approx((float(low), float(high)))
    # the unweighted share would be 65/90 = 72 %: the big, satisfied stratum counts for 90 %
    assert not math.isclose(w.overall.value, 65 / 90)


def test_the_pooled_index_uses_each_strata_ratio_variance() -> None:
    w = weighting_of([stratum(45, 50, 900), stratum(20, 40, 100)], None, DEFAULT_TARGETS)
    assert w.service_index is not None
    assert w.service_index.value == pytest.approx(0.9 * 0.9 + 0.1 * 0.5)
    # both items of a respondent agree: the cluster variance is that of one answer per respondent
    variance = 0.81 * (50 / 49) * (45 * 4 - 2 * 0.9 * 45 * 4 + 0.81 * 50 * 4) / 100**2 \
        + 0.01 * (40 / 39) * (20 * 4 - 2 * 0.5 * 20 * 4 + 0.25 * 40 * 4) / 80**2
    value = w.service_index.value
    assert w.service_index.n_eff == pytest.approx(value * (1 - value) / variance)


@pytest.mark.parametrize(
    ("strata", "own", "reason"),
    [
        ([], None, "no_children"),
        ([stratum(45, 50, 900), stratum(20, 40, None)], None, "volumes_missing"),
        ([stratum(45, 50, 900), stratum(0, 0, 100)], None, "stratum_without_responses"),
        ([stratum(45, 50, 900)], stratum(3, 3, None).tally, "responses_at_unit"),
    ],
)
def test_weights_are_not_used_without_every_volume(strata, own, reason) -> None:
    w = weighting_of(strata, own, DEFAULT_TARGETS)
    assert not w.applied and w.reason == reason and w.overall is None and w.service_index is None
    assert w.to_json()["overall"] is None


def test_a_stratum_without_dossiers_nor_responses_is_left_out() -> None:
    w = weighting_of([stratum(45, 50, 900), stratum(0, 0, 0)], None, DEFAULT_TARGETS)
    assert w.applied and w.overall is not None and w.overall.value == pytest.approx(0.9)
