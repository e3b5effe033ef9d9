"""analysis/ranking.py against an independent computation: the method-of-moments shrinkage and
the bootstrap of ranks written out plainly (scipy's Beta quantiles, scipy's rankdata, a loop over
draws), on seeded counts."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.ranking import DRAWS, SEED, Member, competition_ranks, rank_units

# (code, k satisfied, n answers): large and small units, one far above, one far below.
COUNTS = [("A", 380, 400), ("B", 300, 400), ("C", 170, 200), ("D", 26, 30), ("E", 230, 300), ("F", 9, 10)]
MIN_N = 30


def members() -> list[Member]:
    return [
        Member(code=c, name=f"Unit {c}", n=n, value=None if n < MIN_N else k / n, ci_low=None, ci_high=None,
               k=float(k), trials=float(n))
        for c, k, n in COUNTS
    ]


def independent(parent_k: float, parent_n: float) -> dict[str, dict[str, object]]:
    k = np.array([c[1] for c in COUNTS], dtype=float)
    n = np.array([c[2] for c in COUNTS], dtype=float)
    p = k / n
    p_bar = k.sum() / n.sum()
    spread = np.sum(n * (p - p_bar) ** 2)
    tau2 = (spread - p_bar * (1 - p_bar) * (len(k) - 1)) / (n.sum() - np.sum(n**2) / n.sum())
    mu = parent_k / parent_n
    strength = mu * (1 - mu) / tau2 - 1
    a, b = mu * strength + k, (1 - mu) * strength + n - k
    mean, low, high = a / (a + b), stats.beta.ppf(0.025, a, b), stats.beta.ppf(0.975, a, b)
    ranked = [i for i, (_c, _k, size) in enumerate(COUNTS) if size >= MIN_N]
    rng = np.random.default_rng(SEED)
    draws = rng.beta(a[ranked], b[ranked], size=(DRAWS, len(ranked)))
    ranks = np.array([stats.rankdata(-row, method="min") for row in draws])
    point = stats.rankdata(-mean[ranked], method="min")
    out: dict[str, dict[str, object]] = {}
    for i, (code, _k, _n) in enumerate(COUNTS):
        entry: dict[str, object] = {"value": mean[i], "low": low[i], "high": high[i], "rank": None, "rank_ci": None}
        if i in ranked:
            j = ranked.index(i)
            entry["rank"] = int(point[j])
            entry["rank_ci"] = (int(np.quantile(ranks[:, j], 0.025, method="lower")),
                                int(np.quantile(ranks[:, j], 0.975, method="higher")))
        out[code] = entry
    return out


def test_estimates_ranks_and_rank_intervals_match_an_independent_computation() -> None:
    parent_k, parent_n = float(sum(c[1] for c in COUNTS)), float(sum(c[2] for c in COUNTS))
    expected = independent(parent_k, parent_n)
    result = rank_units(members(), parent_k, parent_n, parent_k / parent_n, min_responses=MIN_N)
    assert len(result) == len(COUNTS)
    for unit in result:
        want = expected[unit.code]
        assert unit.small_area.value == pytest.approx(want["value"], abs=1e-12)
        assert unit.small_area.ci_low == pytest.approx(want["low"], abs=1e-9)
        assert unit.small_area.ci_high == pytest.approx(want["high"], abs=1e-9)
        assert unit.rank == want["rank"]
        assert unit.rank_ci == want["rank_ci"]
    # Ranked units best first, the unit under the minimum last.
    assert [u.code for u in result] == ["A", "D", "C", "E", "B", "F"]


def test_a_unit_under_the_minimum_is_listed_but_never_ranked() -> None:
    parent_k, parent_n = 1115.0, 1340.0
    result = {u.code: u for u in rank_units(members(), parent_k, parent_n, parent_k / parent_n, min_responses=MIN_N)}
    small = result["F"]  # 9 of 10: the best raw rate, and too few answers to rank
    assert small.rank is None and small.rank_ci is None and small.tier == "insufficient"
    assert small.small_area.value is not None  # its estimate is still shown
    assert result["A"].rank == 1 and result["A"].tier == "above"
    assert result["B"].tier == "below"
    low, high = result["D"].rank_ci or (0, 0)
    assert low <= result["D"].rank <= high and high - low >= 2  # 30 answers: a wide rank interval


def test_the_same_data_give_the_same_intervals() -> None:
    first = rank_units(members(), 1115.0, 1340.0, 0.83, min_responses=MIN_N)
    again = rank_units(members(), 1115.0, 1340.0, 0.83, min_responses=MIN_N)
    assert [u.to_json() for u in first] == [u.to_json() for u in again]


def test_tiers_against_a_target() -> None:
    result = {u.code: u for u in rank_units(members(), 1115.0, 1340.0, 0.5, min_responses=MIN_N)}
    assert {result[c].tier for c in "ABCDE"} == {"above"}


def test_too_few_siblings_rank_on_their_own_intervals() -> None:
    from dataclasses import replace

    from analysis.intervals import wilson

    two = [replace(m, ci_low=float(wilson(int(m.k), int(m.trials))[0]), ci_high=float(wilson(int(m.k), int(m.trials))[1]))
           for m in members() if m.code in "AB"]
    result = rank_units(two, 680.0, 800.0, 0.85, min_responses=MIN_N)
    assert [u.code for u in result] == ["A", "B"]
    assert result[0].small_area.value is None and result[0].rank == 1 and result[0].rank_ci == (1, 1)
    assert result[1].tier == "below" and result[0].tier == "above"


def test_competition_ranks_share_the_best_rank() -> None:
    assert competition_ranks(np.array([0.9, 0.8, 0.8, 0.7])).tolist() == [1, 2, 2, 4]


def test_json_shape() -> None:
    entry = rank_units(members(), 1115.0, 1340.0, 0.83, min_responses=MIN_N)[0].to_json()
    assert list(entry) == ["code", "name", "n", "value", "small_area", "rank", "rank_ci", "tier"]
    assert list(entry["small_area"]) == ["value", "ci_low", "ci_high"]
    assert isinstance(entry["rank"], int) and isinstance(entry["rank_ci"], list) and len(entry["rank_ci"]) == 2
