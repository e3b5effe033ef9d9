"""Intervals and tests for proportions, against published and independent values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special, stats

from analysis.intervals import (
    benjamini_hochberg,
    clopper_pearson,
    cluster_ratio_interval,
    jeffreys,
    kish_effective_n,
    newcombe_difference,
    proportion_interval,
    two_proportion_pvalue,
    weighted_proportion,
    wilson,
    wilson_t_cluster_interval,
)

METHODS = [wilson, clopper_pearson, jeffreys]


# --- single proportions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_1998(k: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson(k, n)
    assert round(float(lo), 4) == low and round(float(hi), 4) == high


def test_wilson_is_vectorised() -> None:
    lo, hi = wilson([81, 15, 0, 1], [263, 148, 20, 29])
    assert np.allclose(lo, [0.2553, 0.0624, 0.0, 0.0061], atol=5e-5)
    assert np.allclose(hi, [0.3662, 0.1605, 0.1611, 0.1718], atol=5e-5)


def test_clopper_pearson_matches_scipy_binomtest() -> None:
    for n in (1, 2, 7, 30, 263):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
            lo, hi = clopper_pearson(k, n)
            assert float(lo) == pytest.approx(ci.low, abs=1e-10)
            assert float(hi) == pytest.approx(ci.high, abs=1e-10)


def _beta_quantile_by_bisection(q: float, a: float, b: float) -> float:
    """Invert the regularised incomplete beta function by bisection: an
    independent route to the Jeffreys bounds (no scipy ppf involved)."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if special.betainc(a, b, mid) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_jeffreys_matches_beta_posterior_quantiles() -> None:
    for k, n in [(1, 10), (3, 10), (81, 263), (29, 30), (15, 148)]:
        lo, hi = jeffreys(k, n)
        assert float(lo) == pytest.approx(_beta_quantile_by_bisection(0.025, k + 0.5, n - k + 0.5), abs=1e-9)
        assert float(hi) == pytest.approx(_beta_quantile_by_bisection(0.975, k + 0.5, n - k + 0.5), abs=1e-9)


def test_jeffreys_published_value() -> None:
    # Brown, Cai & DasGupta (2001) discuss n = 20; 0 of 20 gives upper bound
    # Beta(0.5, 20.5) at 0.975, with the lower bound pinned at 0.
    lo, hi = jeffreys(0, 20)
    assert float(lo) == 0.0
    assert float(hi) == pytest.approx(stats.beta.ppf(0.975, 0.5, 20.5))


@pytest.mark.parametrize("method", METHODS)
def test_edge_cases_are_exact_and_silent(method) -> None:
    k = np.array([0, 0, 5, 3, 0, 1])
    n = np.array([0, 10, 5, 10, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lo, hi = method(k, n)
    assert np.isnan(lo[0]) and np.isnan(hi[0])  # n = 0: nothing to estimate
    assert lo[1] == 0.0 and lo[4] == 0.0  # none of n: lower bound exactly 0
    assert hi[2] == 1.0 and hi[5] == 1.0  # all of n: upper bound exactly 1
    assert 0.0 < lo[3] < 0.3 < hi[3] < 1.0
    assert np.all((lo[1:] >= 0) & (hi[1:] <= 1) & (lo[1:] <= hi[1:]))


@pytest.mark.parametrize("method", METHODS)
def test_scalar_in_scalar_out(method) -> None:
    lo, hi = method(3, 10)
    assert np.ndim(lo) == 0 and isinstance(float(lo), float)
    lo, hi = method(0, 0)
    assert np.isnan(lo) and np.isnan(hi)


def test_invalid_counts_raise() -> None:
    for k, n in [(5, 4), (-1, 4), (1, -2)]:
        with pytest.raises(ValueError):
            wilson(k, n)
    with pytest.raises(ValueError):
        proportion_interval(1, 2, method="wald")


def test_methods_are_ordered_as_theory_says() -> None:
    # Clopper–Pearson is the most conservative of the three.
    k, n = np.arange(1, 30), np.full(29, 30)
    cp_lo, cp_hi = clopper_pearson(k, n)
    w_lo, w_hi = wilson(k, n)
    j_lo, j_hi = jeffreys(k, n)
    assert np.all(cp_hi - cp_lo > w_hi - w_lo) and np.all(cp_hi - cp_lo > j_hi - j_lo)


# --- differences ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "low", "high"), [(56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090)]
)
def test_newcombe_difference_matches_published_values(k1, n1, k2, n2, low, high) -> None:
    diff, lo, hi = newcombe_difference(k1, n1, k2, n2)
    assert float(diff) == pytest.approx(k1 / n1 - k2 / n2)
    assert round(float(lo), 4) == low and round(float(hi), 4) == high


def test_newcombe_difference_edge_cases() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diff, lo, hi = newcombe_difference([0, 5, 10], [0, 10, 10], [3, 0, 0], [10, 10, 10])
    assert np.isnan(diff[0]) and np.isnan(lo[0]) and np.isnan(hi[0])
    assert lo[1] > 0 and hi[1] < 1
    assert diff[2] == 1.0 and 0.5 < lo[2] < 1.0 and hi[2] == pytest.approx(1.0)


def test_two_proportion_pvalue_is_the_chi_square_test() -> None:
    for k1, n1, k2, n2 in [(56, 70, 48, 80), (9, 10, 3, 10), (300, 400, 280, 400)]:
        table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
        expected = stats.chi2_contingency(table, correction=False)[1]
        assert float(two_proportion_pvalue(k1, n1, k2, n2)) == pytest.approx(expected, rel=1e-9)


def test_two_proportion_pvalue_edges() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = two_proportion_pvalue([0, 0, 10, 3], [0, 10, 10, 10], [1, 0, 10, 3], [5, 10, 10, 10])
    assert np.isnan(p[0])  # a month without data
    assert p[1] == 1.0 and p[2] == 1.0  # identical rates at 0 % or 100 %: no evidence of change
    assert p[3] == pytest.approx(1.0)


def test_benjamini_hochberg_on_the_1995_example() -> None:
    # Benjamini & Hochberg (1995), §4: 15 p-values, FDR 0.05 rejects the 4 smallest.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    rejected, adjusted = benjamini_hochberg(p, 0.05)
    assert rejected.tolist() == [True] * 4 + [False] * 11
    assert adjusted[3] == pytest.approx(0.0095 * 15 / 4)


def test_benjamini_hochberg_hand_example_with_untestable_units() -> None:
    # Sorted: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04.
    rejected, adjusted = benjamini_hochberg([0.01, np.nan, 0.04, 0.03, 0.005], q=0.035)
    assert np.allclose(adjusted, [0.02, np.nan, 0.04, 0.04, 0.02], equal_nan=True)
    assert rejected.tolist() == [True, False, False, False, True]
    rejected, adjusted = benjamini_hochberg([np.nan, np.nan])
    assert not rejected.any() and np.isnan(adjusted).all()
    rejected, adjusted = benjamini_hochberg([])
    assert rejected.size == 0


# --- pooled indices with respondents as clusters ----------------------------------


def _sums(y: np.ndarray, m: np.ndarray) -> tuple:
    """The tally's pool slots from per-respondent (y, m), summed on the last axis."""
    y, m = y.astype(float), m.astype(float)
    return y.sum(-1), m.sum(-1), (y * y).sum(-1), (m * m).sum(-1), (y * m).sum(-1), (m > 0).sum(-1)


def _wilson_t(k: float, n: float, df: float) -> tuple[float, float]:
    """Wilson's formula written out, with Student's t critical value."""
    z = stats.t.ppf(0.975, df)
    centre = (k + z * z / 2) / (n + z * z)
    half = z * np.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    return centre - half, centre + half


def _korn_graubard(r: float, n_eff: float, df: float) -> tuple[float, float]:
    """Clopper–Pearson on the degrees-of-freedom adjusted n_eff·(z/t)², written out."""
    n_df = n_eff * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, df)) ** 2
    x = r * n_df
    low = stats.beta.ppf(0.025, x, n_df - x + 1) if x > 0 else 0.0
    high = stats.beta.ppf(0.975, x + 1, n_df - x) if x < n_df else 1.0
    return low, high


def test_cluster_variance_is_the_linearised_ratio_variance(rng) -> None:
    y = rng.integers(0, 23, 200)
    m = np.minimum(y + rng.integers(0, 5, 200), 22)
    value, lo, hi, n_eff = cluster_ratio_interval(*_sums(y, m))
    r = y.sum() / m.sum()
    n = 200
    v = n / (n - 1) * np.sum((y - r * m) ** 2) / m.sum() ** 2
    deff = max(v / (r * (1 - r) / m.sum()), 1.0)
    assert float(value) == pytest.approx(r)
    assert float(n_eff) == pytest.approx(m.sum() / deff)
    n_eff_expected = m.sum() / deff
    df = min(n - 1, min(r, 1 - r) * n_eff_expected - 1)
    kg_lo, kg_hi = _korn_graubard(r, n_eff_expected, df)
    assert float(lo) == pytest.approx(kg_lo) and float(hi) == pytest.approx(kg_hi)
    # The interval used until issue 12 is kept for comparison: Wilson with t on respondents − 1.
    _, old_lo, old_hi, old_n_eff = wilson_t_cluster_interval(*_sums(y, m))
    w_lo, w_hi = _wilson_t(r * m.sum() / deff, m.sum() / deff, df=n - 1)
    assert float(old_lo) == pytest.approx(w_lo) and float(old_hi) == pytest.approx(w_hi)
    assert float(old_n_eff) == pytest.approx(float(n_eff))


def test_degrees_of_freedom_shrink_to_the_few_dissatisfied_respondents() -> None:
    # 100 respondents, 97 satisfied with all 22 items and 3 with none: the variance rests on
    # three respondents, so the interval uses about two degrees of freedom, not 99.
    y = np.array([22] * 97 + [0] * 3)
    m = np.full(100, 22)
    value, lo, hi, n_eff = cluster_ratio_interval(*_sums(y, m))
    dissatisfied_side = 0.03 * float(n_eff)
    assert dissatisfied_side == pytest.approx(3, rel=0.02)
    df = dissatisfied_side - 1
    expected = _korn_graubard(0.97, float(n_eff), df)
    assert (float(lo), float(hi)) == pytest.approx(expected)
    _, old_lo, _, _ = wilson_t_cluster_interval(*_sums(y, m))
    assert float(lo) < float(old_lo) - 0.03


def test_correlated_answers_widen_the_interval_far_beyond_naive_wilson() -> None:
    # 100 respondents who each answer all 22 items the same way: 85 fully
    # satisfied, 15 not at all.  Really there are 100 independent opinions.
    y = np.array([22] * 85 + [0] * 15)
    m = np.full(100, 22)
    value, lo, hi, n_eff = cluster_ratio_interval(*_sums(y, m))
    naive_lo, naive_hi = wilson(y.sum(), m.sum())
    assert float(value) == pytest.approx(0.85)
    assert (hi - lo) > 3 * (naive_hi - naive_lo)
    # The n/(n−1) small-sample factor makes it 99 rather than the 100 respondents.
    assert float(n_eff) == pytest.approx(99, rel=1e-9)


def test_independent_answers_keep_roughly_the_naive_width(rng) -> None:
    sat = rng.random((2000, 22)) < 0.8
    value, lo, hi, n_eff = cluster_ratio_interval(*_sums(sat.sum(1), np.full(2000, 22)))
    naive_lo, naive_hi = wilson(sat.sum(), sat.size)
    assert (hi - lo) == pytest.approx(naive_hi - naive_lo, rel=0.1)


def test_cluster_interval_degenerate_cases() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Everybody satisfied with everything: fall back to Wilson on respondents.
        value, lo, hi, n_eff = cluster_ratio_interval(*_sums(np.full(40, 22), np.full(40, 22)))
        assert float(value) == 1.0 and float(hi) == 1.0 and float(n_eff) == 40
        assert float(lo) == pytest.approx(_korn_graubard(1.0, 40, df=39)[0])
        assert float(wilson_t_cluster_interval(*_sums(np.full(40, 22), np.full(40, 22)))[1]) == pytest.approx(
            _wilson_t(40, 40, df=39)[0]
        )
        # Nobody satisfied.
        value, lo, hi, n_eff = cluster_ratio_interval(*_sums(np.zeros(40), np.full(40, 5)))
        assert float(value) == 0.0 and float(lo) == 0.0 and float(n_eff) == 40
        # No answers at all.
        value, lo, hi, n_eff = cluster_ratio_interval(0, 0, 0, 0, 0, 0)
        assert np.isnan(value) and np.isnan(lo) and np.isnan(hi) and float(n_eff) == 0
        # A single respondent: variance undefined, Wilson on one cluster.
        value, lo, hi, n_eff = cluster_ratio_interval(3, 4, 9, 16, 12, 1)
        assert float(value) == 0.75 and float(n_eff) == 1
        # Vectorised over several indices at once.
        values, lows, highs, n_effs = cluster_ratio_interval([0, 3], [0, 4], [0, 9], [0, 16], [0, 12], [0, 1])
        assert np.isnan(values[0]) and values[1] == 0.75


def test_cluster_interval_covers_95_percent_where_naive_wilson_does_not() -> None:
    # Latent-satisfaction model: each respondent has a satisfaction propensity
    # p_i ~ Beta(2.55, 0.45) (mean 0.85, intra-respondent correlation 0.25) and
    # answers each of 22 items (10 % not applicable; 30 % kiosk users with the
    # 5 element ratings only) satisfied with probability p_i.
    rng = np.random.default_rng(7)
    reps, n, items, truth = 1000, 300, 22, 0.85
    p = rng.beta(truth * 3, (1 - truth) * 3, (reps, n))
    kiosk = rng.random((reps, n)) < 0.3
    offered = np.where(kiosk[..., None], np.arange(items) < 5, True)
    answered = offered & (rng.random((reps, n, items)) < 0.9)
    satisfied = answered & (rng.random((reps, n, items)) < p[..., None])
    sums = _sums(satisfied.sum(-1), answered.sum(-1))
    _, lo, hi, _ = cluster_ratio_interval(*sums)
    coverage = np.mean((lo <= truth) & (truth <= hi))
    naive_lo, naive_hi = wilson(sums[0], sums[1])
    naive_coverage = np.mean((naive_lo <= truth) & (truth <= naive_hi))
    assert 0.92 <= coverage <= 0.975, coverage
    assert naive_coverage < 0.8, naive_coverage


# --- weights ----------------------------------------------------------------------


def test_kish_effective_n() -> None:
    assert kish_effective_n(np.ones(50)) == pytest.approx(50)
    assert kish_effective_n([1, 1, 2]) == pytest.approx(16 / 6)
    assert kish_effective_n([]) == 0.0
    with pytest.raises(ValueError):
        kish_effective_n([1, -1])


def test_weighted_proportion_by_dossier_volume() -> None:
    # Unit A: 18 of 20 satisfied, 1000 dossiers; unit B: 20 of 40, 1000 dossiers.
    # Equal volumes weigh the two unit rates equally: (0.9 + 0.5) / 2 = 0.7, while
    # the unweighted pool would be 38/60.  n_eff = 2000² / (1000²/20 + 1000²/40).
    value, lo, hi, n_eff = weighted_proportion([18, 20], [20, 40], [1000, 1000])
    assert value == pytest.approx(0.7)
    assert n_eff == pytest.approx(4e6 / 75_000)
    w_lo, w_hi = wilson(0.7 * n_eff, n_eff)
    assert (lo, hi) == pytest.approx((float(w_lo), float(w_hi)))
    # Kish n_eff equals that of the per-respondent weights W_u / n_u.
    respondent_weights = np.r_[np.full(20, 1000 / 20), np.full(40, 1000 / 40)]
    assert n_eff == pytest.approx(kish_effective_n(respondent_weights))


def test_weighted_proportion_with_proportional_volumes_is_the_plain_pool() -> None:
    value, lo, hi, n_eff = weighted_proportion([18, 20], [20, 40], [200, 400])
    assert value == pytest.approx(38 / 60) and n_eff == pytest.approx(60)


def test_weighted_proportion_drops_units_without_responses() -> None:
    value, _, _, n_eff = weighted_proportion([18, 0], [20, 0], [1000, 5000])
    assert value == pytest.approx(0.9) and n_eff == pytest.approx(20)
    value, lo, hi, n_eff = weighted_proportion([0], [0], [10])
    assert np.isnan(value) and n_eff == 0.0
