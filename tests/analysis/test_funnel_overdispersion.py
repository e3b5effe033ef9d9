"""Funnels that allow for real between-unit variation, with the centre chosen per report, and
Benjamini–Hochberg over every change a report shows (issue 12, item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.intervals import benjamini_hochberg
from analysis.overdispersion import overdispersion_of, widen
from analysis.report import build_report, compute_report
from analysis.tally import empty_tally, slot


def overall_tally(satisfied: int, answered: int) -> np.ndarray:
    """A tally whose only content is the overall question: `satisfied` 5s among `answered`."""
    t = empty_tally()
    t[slot("n")] = answered
    t[slot("overall.5")] = satisfied
    t[slot("overall.2")] = answered - satisfied
    return t


def province(rng: np.random.Generator, sizes: list[int], rates: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    satisfied = rng.binomial(sizes, rates)
    children = [
        {"code": f"X{i:02d}", "name": f"Xã {i}", "tally": overall_tally(int(k), n)}
        for i, (k, n) in enumerate(zip(satisfied, sizes, strict=True))
    ]
    return overall_tally(int(satisfied.sum()), int(sum(sizes))), children


def outside(report: dict) -> int:
    return sum(c["funnel"]["position"] not in ("inside", "insufficient") for c in report["children"])


def test_units_varying_only_by_chance_keep_the_exact_limits() -> None:
    rng = np.random.default_rng(1)
    sizes = list(rng.integers(40, 600, 40))
    parent, children = province(rng, sizes, np.full(40, 0.9))
    report = build_report({"code": "P", "name": "P"}, "2026-10", parent, None, children)
    spread = report["funnel"]["overdispersion"]
    assert spread["applied"] is False and spread["units"] == 40
    assert spread["phi"] == pytest.approx(1.0, abs=0.35)
    assert report["funnel"]["center_kind"] == "parent"


def test_overdispersed_units_widen_the_limits_and_fewer_fall_outside() -> None:
    rng = np.random.default_rng(2)
    sizes = list(rng.integers(200, 2000, 60))
    true_rates = np.clip(rng.normal(0.85, 0.04, 60), 0.5, 0.99)  # τ = 0.04: real differences
    parent, children = province(rng, sizes, true_rates)
    report = compute_report({"code": "P", "name": "P"}, "2026-10", parent, None, children)
    spread = report.funnel.overdispersion
    assert spread is not None and spread.applied and spread.p_value < 0.001
    assert spread.tau2 == pytest.approx(0.04**2, rel=0.5)
    # Without the widening most of these large units would be "outliers".
    exact = [c for c in report.children if c.funnel.limits]
    plain_outside = 0
    for child in exact:
        center, n = child.funnel.center, child.overall.n
        low, high = child.funnel.limits["95"]
        plain_low = center - (center - low) / np.sqrt(1 + spread.tau2 * n / (center * (1 - center)))
        plain_high = center + (high - center) / np.sqrt(1 + spread.tau2 * n / (center * (1 - center)))
        rate = child.overall.count / n
        plain_outside += rate < plain_low or rate > plain_high
    assert plain_outside > 30
    assert outside(report.to_json()) <= plain_outside // 3, (outside(report.to_json()), plain_outside, spread)
    # The drawn curve is widened the same way.
    curve = report.funnel.curve
    assert curve.bands["95"].low[-1] < report.funnel.center - 0.05


def test_widening_keeps_a_limit_when_there_is_no_between_unit_variance() -> None:
    assert float(widen(0.8, 0.9, 100, 0.0)) == pytest.approx(0.8)
    assert float(widen(0.8, 0.9, 100, 0.01)) < 0.8
    assert float(widen(0.95, 0.9, 100, 1.0)) == 1.0  # clipped


def test_too_few_units_are_not_estimated() -> None:
    spread = overdispersion_of([90, 80], [100, 100], [0.85, 0.85])
    assert spread.units == 2 and spread.phi is None and spread.tau2 is None and spread.applied is False


def test_a_dominant_child_is_judged_against_the_rest_of_its_parent() -> None:
    # One centre holds 47 % of the province's answers and is clearly worse than the rest.
    big = {"code": "BIG", "name": "Trung tâm", "tally": overall_tally(705, 940)}  # 75 %
    others = [{"code": f"X{i}", "name": f"Xã {i}", "tally": overall_tally(81, 90)} for i in range(10)]  # 90 %
    parent = overall_tally(705 + 10 * 81, 940 + 900)
    report = build_report({"code": "P", "name": "P"}, "2026-10", parent, None, [big, *others])
    child = report["children"][0]
    assert child["funnel"]["center"] == pytest.approx(0.9)
    assert report["funnel"]["center"] == pytest.approx((705 + 810) / 1840)
    # Its own answers do not pull its reference down to 82 %: it is judged against the 90 % of the rest.
    assert child["funnel"]["position"].startswith("below")
    assert child["funnel"]["limits"]["95"][0] > child["overall"]["value"]


def test_the_centre_can_be_the_target() -> None:
    rng = np.random.default_rng(3)
    parent, children = province(rng, [300, 400, 500, 600, 700], np.full(5, 0.8))
    report = build_report({"code": "P", "name": "P"}, "2026-10", parent, None, children, {"overall": 0.9})
    by_target = compute_report(
        {"code": "P", "name": "P"}, "2026-10", parent, None, children, {"overall": 0.9}, funnel_center="target"
    ).to_json()
    assert report["funnel"]["center_kind"] == "parent" and report["funnel"]["center"] < 0.85
    assert by_target["funnel"]["center_kind"] == "target" and by_target["funnel"]["center"] == 0.9
    assert all(c["funnel"]["center"] == 0.9 for c in by_target["children"])
    assert all(c["funnel"]["position"] == "below_998" for c in by_target["children"])
    # No overall target: the parent's rate, and the report says so.
    no_target = compute_report(
        {"code": "P", "name": "P"}, "2026-10", parent, None, children, {"overall": None}, funnel_center="target"
    )
    assert no_target.funnel is not None and no_target.funnel.center_kind == "parent"
    with pytest.raises(ValueError):
        compute_report({"code": "P", "name": "P"}, "2026-10", parent, None, children, funnel_center="median")


def _all_changes(report: dict) -> list[dict]:
    change = report["change"]
    found = [change["overall"], change["service_index"]]
    for group in ("elements", "flags", "channels"):
        found.extend(change[group].values())
    found.extend(child["change"]["overall"] for child in report["children"])
    return found


def test_every_change_gets_a_q_value_from_one_benjamini_hochberg(make_arrays, rng) -> None:
    from analysis.tally import tally

    sizes = [400, 300, 200, 10]
    now, prev = make_arrays(rng, sum(sizes)), make_arrays(rng, sum(sizes))
    group = np.repeat(np.arange(len(sizes)), sizes)
    t_now, t_prev = tally(now, group, len(sizes)), tally(prev, group, len(sizes))
    children = [
        {"code": f"X{i}", "name": f"Xã {i}", "tally": t_now[i], "tally_prev": t_prev[i]} for i in range(len(sizes))
    ]
    report = build_report({"code": "P", "name": "P"}, "2026-10", t_now.sum(0), t_prev.sum(0), children)
    changes = _all_changes(report)
    assert len(changes) == 2 + 5 + 6 + 2 + 4
    assert all({"q_value", "significant_bh"} <= set(c) for c in changes)
    pvalues = np.array([np.nan if c["p_value"] is None else c["p_value"] for c in changes])
    rejected, adjusted = benjamini_hochberg(pvalues, 0.05)
    for change, q, r in zip(changes, adjusted, rejected, strict=True):
        if change["p_value"] is None:
            assert change["q_value"] is None and change["significant_bh"] is None
        else:
            assert change["q_value"] == pytest.approx(q) and change["significant_bh"] is bool(r)
            assert change["q_value"] >= change["p_value"]
    # The small child (10 answers) is not tested, and takes no part.
    assert report["children"][3]["change"]["overall"]["q_value"] is None
