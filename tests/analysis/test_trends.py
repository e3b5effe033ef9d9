"""Trend methods (issue 12, item 8): year-on-year change with n on each side, and the p-chart."""
from __future__ import annotations

import math

import pytest

from analysis.tally import tally_from_dict
from analysis.trends import control_points, year_on_year_of
from tests.reports import reference as ref


def overall(k: int, n: int) -> dict[str, int]:
    return {"n": n, "overall.5": k, "overall.2": n - k}


def test_year_on_year_is_newcombes_interval_with_the_n_of_each_side() -> None:
    now = tally_from_dict({**overall(56, 70), "trips.1": 60, "trips.3": 10})
    then = tally_from_dict({**overall(48, 80), "trips.1": 80})
    yoy = year_on_year_of(now, then, "2025-10").to_json()
    assert yoy["period"] == "2025-10"
    diff, low, high = ref.newcombe(56, 70, 48, 80)
    assert yoy["overall"]["diff"] == pytest.approx(diff) and yoy["overall"]["ci_low"] == pytest.approx(low)
    assert yoy["overall"]["ci_high"] == pytest.approx(high) and yoy["overall"]["significant"] is True
    assert (yoy["overall"]["n_then"], yoy["overall"]["n_now"]) == (80, 70)
    assert yoy["flags"]["trips_3plus"]["diff"] == pytest.approx(10 / 70)
    assert set(yoy["elements"]) == {"E1", "E2", "E3", "E4", "E5"}


def test_year_on_year_is_null_when_either_side_is_below_the_minimum() -> None:
    yoy = year_on_year_of(tally_from_dict(overall(56, 70)), tally_from_dict(overall(20, 29)), "2025-10").to_json()
    assert yoy["overall"]["diff"] is None and yoy["overall"]["ci_low"] is None and yoy["overall"]["p_value"] is None
    assert (yoy["overall"]["n_then"], yoy["overall"]["n_now"]) == (29, 70)
    lower = year_on_year_of(tally_from_dict(overall(56, 70)), tally_from_dict(overall(20, 29)), "2025-10",
                            min_responses=20).to_json()
    assert lower["overall"]["diff"] is not None


def test_p_chart_centre_is_the_pooled_share_and_limits_are_three_sigma_for_each_months_n() -> None:
    months = {"2026-01": overall(80, 100), "2026-02": overall(45, 50), "2026-03": overall(40, 100),
              "2026-04": overall(10, 12)}
    points = [p.to_json() for p in control_points({m: tally_from_dict(c) for m, c in months.items()})]
    assert [p["month"] for p in points] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    center = (80 + 45 + 40) / 250  # the month of 12 answers is suppressed and left out
    for point, n in zip(points[:3], (100, 50, 100), strict=True):
        sigma = math.sqrt(center * (1 - center) / n)
        assert point["center"] == pytest.approx(center)
        assert point["lcl"] == pytest.approx(center - 3 * sigma) and point["ucl"] == pytest.approx(center + 3 * sigma)
        assert point["n"] == n
    assert [p["signal"] for p in points[:3]] == [False, True, True]  # 90 % over n=50 and 40 % are outside
    assert points[3] == {"month": "2026-04", "value": None, "center": None, "lcl": None, "ucl": None,
                         "signal": None, "n": 12}


def test_p_chart_limits_stay_within_zero_and_one() -> None:
    points = control_points({"2026-01": tally_from_dict(overall(30, 30)), "2026-02": tally_from_dict(overall(29, 30))})
    assert all(0.0 <= p.lcl <= p.ucl <= 1.0 for p in points if p.lcl is not None)
