"""Month-on-month change (DOMAIN §5): Newcombe's hybrid score interval for the
difference of two proportions, with a pooled z-test p-value.

`difference_of` and `changes_of` return the typed model (analysis.model);
`difference` and `change` are their JSON forms."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .flags import channel_counts, flag_counts
from .indices import pool_intervals
from .intervals import cluster_ratio_interval, newcombe_difference, two_proportion_pvalue, wilson
from .model import Change, Changes
from .rates import check_tally, count_of, json_float
from .sipas import CONFIDENCE, ELEMENTS, MIN_RESPONSES
from .tally import POOL_STATS

# (effective successes, effective n, respondents): the first two feed the
# interval, the third decides whether the month has enough data.
Counts = tuple[float, float, int]


def difference_of(now: Counts, prev: Counts, *, min_responses: int = MIN_RESPONSES) -> Change:
    """The change now − prev: diff, ci_low, ci_high, p_value, significant.

    All None when either month has fewer than `min_responses` respondents.
    "significant" means the 95 % interval excludes 0 (what the reader sees);
    the pooled z-test p-value is given for multiple-testing control (BH), and
    the two can disagree only for differences right at the edge.
    """
    (k1, n1, r1), (k2, n2, r2) = now, prev
    if r1 < min_responses or r2 < min_responses:
        return Change(diff=None, ci_low=None, ci_high=None, p_value=None, significant=None)
    diff, low, high = (float(x) for x in newcombe_difference(k1, n1, k2, n2, CONFIDENCE))
    p = float(two_proportion_pvalue(k1, n1, k2, n2))
    return Change(
        diff=json_float(diff),
        ci_low=json_float(low),
        ci_high=json_float(high),
        p_value=json_float(p),
        significant=bool(low > 0 or high < 0),
    )


def differences_many(
    now: tuple[np.ndarray, np.ndarray, np.ndarray],
    prev: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    min_responses: int = MIN_RESPONSES,
) -> list[Change]:
    """difference_of for every group at once: now and prev are (successes, trials, respondents)
    arrays, one cell per group. One Newcombe interval and one z test for all the groups (a
    province's hundred sub-units), not one numpy round per group; group for group the same
    Change as difference_of (tests/analysis/test_cold_path.py)."""
    (k1, n1, r1), (k2, n2, r2) = (tuple(np.asarray(a) for a in counts) for counts in (now, prev))
    shown = (r1 >= min_responses) & (r2 >= min_responses)
    out: list[Change] = [_NO_CHANGE] * int(shown.size)
    if not shown.any():
        return out
    # Only the groups with enough respondents are computed, as difference_of computes them.
    a, b, c, d = (np.asarray(x, dtype=float)[shown] for x in (k1, n1, k2, n2))
    diffs, lows, highs = _newcombe_as_one_by_one(a, b, c, d)
    pvalues = np.atleast_1d(two_proportion_pvalue(a, b, c, d)).tolist()
    for index, diff, low, high, p in zip(np.flatnonzero(shown).tolist(), diffs, lows, highs, pvalues, strict=True):
        out[index] = Change(
            diff=json_float(diff),
            ci_low=json_float(low),
            ci_high=json_float(high),
            p_value=json_float(p),
            significant=bool(low > 0 or high < 0),
        )
    return out


_NO_CHANGE = Change(diff=None, ci_low=None, ci_high=None, p_value=None, significant=None)


def _newcombe_as_one_by_one(
    k1: np.ndarray, n1: np.ndarray, k2: np.ndarray, n2: np.ndarray
) -> tuple[list[float], list[float], list[float]]:
    """newcombe_difference of every cell, to the last bit what one call per cell gives: the
    Wilson bounds and rates in one vectorised call each (elementwise the same), the squares
    with Python's `**` (libm's pow, as a numpy scalar's `**` in the one-cell call; numpy's
    array `**` squares by multiplying, which differs in the last bit now and then)."""
    low1, high1 = (np.atleast_1d(x).tolist() for x in wilson(k1, n1, CONFIDENCE))
    low2, high2 = (np.atleast_1d(x).tolist() for x in wilson(k2, n2, CONFIDENCE))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate1, rate2 = (k1 / n1).tolist(), (k2 / n2).tolist()
    defined = ((n1 > 0) & (n2 > 0)).tolist()
    diffs, lows, highs = [], [], []
    nan = float("nan")
    for p1, p2, l1, u1, l2, u2, ok in zip(rate1, rate2, low1, high1, low2, high2, defined, strict=True):
        diff = p1 - p2
        diffs.append(diff if ok else nan)
        lows.append(diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2) if ok else nan)
        highs.append(diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2) if ok else nan)
    return diffs, lows, highs


def single_counts(k: int, n: int) -> Counts:
    return (float(k), float(n), int(n))


def pooled_counts(t: np.ndarray, pool: str) -> Counts:
    """A pooled index as an effective binomial sample: n_eff from the cluster
    interval and k = R·n_eff, so the difference interval carries the same
    within-respondent correlation penalty as the index's own interval."""
    y, m, yy, mm, ym, k = (count_of(t, f"{pool}.{s}") for s in POOL_STATS)
    r, _, _, n_eff = cluster_ratio_interval(y, m, yy, mm, ym, k, CONFIDENCE)
    if m == 0:
        return (0.0, 0.0, k)
    return (float(r) * float(n_eff), float(n_eff), k)


def overall_counts(t: np.ndarray) -> Counts:
    return single_counts(count_of(t, "overall.4", "overall.5"), count_of(t, *(f"overall.{s}" for s in range(1, 6))))


def pooled_counts_many(t: np.ndarray, pools: tuple[str, ...]) -> list[list[Counts]]:
    """pooled_counts of every pool for every row of a (groups × slots) array: one cluster
    interval call for all of them; cell for cell the same Counts as pooled_counts."""
    found = pool_intervals(t, pools)
    rows = zip(found.value.tolist(), found.n_eff.tolist(), found.m.tolist(), found.k.tolist(), strict=True)
    return [
        [(0.0, 0.0, kj) if mj == 0 else (rj * nj, nj, kj) for rj, nj, mj, kj in zip(*row, strict=True)]
        for row in rows
    ]


def changes_of(t_now: np.ndarray, t_prev: np.ndarray, *, min_responses: int = MIN_RESPONSES) -> Changes:
    """Change of overall, service index, each element, each flag and each
    channel share from the previous period to this one (the 15 or so changes in one
    vectorised interval call: the same Changes as one difference_of each)."""
    t_now, t_prev = check_tally(t_now), check_tally(t_prev)
    flags_now, flags_prev = flag_counts(t_now), flag_counts(t_prev)
    ch_now, ch_prev = channel_counts(t_now), channel_counts(t_prev)
    pools = ("service", *ELEMENTS)
    pooled_now, pooled_prev = pooled_counts_many(np.stack([t_now, t_prev]), pools)
    pairs: list[tuple[Counts, Counts]] = [
        (overall_counts(t_now), overall_counts(t_prev)),
        *zip(pooled_now, pooled_prev, strict=True),
        *((single_counts(*flags_now[f]), single_counts(*flags_prev[f])) for f in flags_now),
        *((single_counts(*ch_now[c]), single_counts(*ch_prev[c])) for c in ch_now),
    ]

    def column(side: int, part: int) -> np.ndarray:
        return np.array([pair[side][part] for pair in pairs])

    now, prev = ((column(side, 0), column(side, 1), column(side, 2)) for side in (0, 1))
    found = iter(differences_many(now, prev, min_responses=min_responses))
    overall, service = next(found), next(found)
    return Changes(
        overall=overall,
        service_index=service,
        elements={e: next(found) for e in ELEMENTS},
        flags={f: next(found) for f in flags_now},
        channels={c: next(found) for c in ch_now},
    )


def change(t_now: np.ndarray, t_prev: np.ndarray) -> dict[str, Any]:
    """{"overall", "service_index", "elements", "flags", "channels"}: the JSON form of changes_of."""
    return changes_of(t_now, t_prev).to_json()
