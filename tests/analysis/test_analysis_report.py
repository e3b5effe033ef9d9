"""The monthly report dict: complete, JSON-safe, and equal whether computed from
stored aggregates or from the raw responses."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import numpy as np
import pytest

from analysis.report import build_report, trend
from analysis.responses import ResponseArrays
from analysis.sipas import CRITERIA, ELEMENTS, FLAG_IDS
from analysis.tally import empty_tally, tally

CORE_KEYS = {"n_responses", "service_index", "overall", "elements", "flags"}
TOP_KEYS = CORE_KEYS | {
    "unit", "month", "criteria", "channels", "expectations", "response_rate", "targets",
    "children", "change", "funnel", "method",
}


def _plain(obj: Any) -> None:
    """Only plain JSON types anywhere (no numpy scalars, no NaN)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            assert type(key) is str
            _plain(value)
    elif isinstance(obj, list):
        for value in obj:
            _plain(value)
    else:
        assert obj is None or type(obj) in (str, int, float, bool), type(obj)
        if type(obj) is float:
            assert math.isfinite(obj)


@pytest.fixture
def province(make_arrays, rng):
    """Six communes of very different sizes, this month and last month."""
    sizes = [800, 350, 120, 45, 20, 0]
    now = make_arrays(rng, sum(sizes))
    prev = make_arrays(rng, sum(sizes))
    group = np.repeat(np.arange(len(sizes)), sizes)
    # Commune 2 has a bad month: its satisfied overall answers turn into 2s.
    worse = (group == 2) & (rng.random(len(now)) < 0.5) & (now.overall >= 4)
    now.overall[worse] = 2
    return now, prev, group, len(sizes)


def _children(t_now: np.ndarray, t_prev: np.ndarray) -> list[dict]:
    return [
        {"code": f"X{i:02d}", "name": f"Xã {i}", "tally": t_now[i], "tally_prev": t_prev[i]}
        for i in range(len(t_now))
    ]


def test_report_is_complete_and_json_safe(province) -> None:
    now, prev, group, g = province
    t_now, t_prev = tally(now, group, g), tally(prev, group, g)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = build_report(
            {"code": "T01", "name": "Tỉnh A"}, "2025-08", t_now.sum(0), t_prev.sum(0),
            _children(t_now, t_prev), {"overall": 0.9}, 4000,
        )
    text = json.dumps(report, allow_nan=False, ensure_ascii=False)
    assert json.loads(text) == report
    _plain(report)

    assert TOP_KEYS <= set(report)
    assert report["unit"] == {"code": "T01", "name": "Tỉnh A"} and report["month"] == "2025-08"
    assert report["n_responses"] == len(now)
    assert set(report["elements"]) == set(ELEMENTS) and set(report["criteria"]) == set(CRITERIA)
    assert list(report["flags"]) == list(FLAG_IDS)
    assert all("count" in f for f in report["flags"].values())
    assert report["targets"]["overall"] == 0.9 and report["overall"]["target"] == 0.9
    assert report["response_rate"]["n"] == 4000
    assert report["method"]["min_responses"] == 30
    assert set(report["change"]) == {"overall", "service_index", "elements", "flags", "channels"}


def test_children_get_funnels_and_fdr_controlled_change(province) -> None:
    now, prev, group, g = province
    t_now, t_prev = tally(now, group, g), tally(prev, group, g)
    report = build_report({"code": "T01", "name": "A"}, "2025-08", t_now.sum(0), t_prev.sum(0),
                          _children(t_now, t_prev), None, None)
    children = report["children"]
    assert [c["code"] for c in children] == [f"X{i:02d}" for i in range(g)]
    for child in children:
        assert CORE_KEYS | {"funnel", "change", "code", "name"} <= set(child)
    big, small, empty = children[0], children[4], children[5]
    assert big["funnel"]["position"] in ("inside", "above_95", "below_95", "above_998", "below_998")
    lo95, hi95 = big["funnel"]["limits"]["95"]
    lo998, hi998 = big["funnel"]["limits"]["99.8"]
    # Each child is judged against the parent without its own answers (issue 12).
    assert lo998 < lo95 < big["funnel"]["center"] < hi95 < hi998
    parent_k, parent_n = report["overall"]["count"], report["overall"]["n"]
    rest = (parent_k - big["overall"]["count"]) / (parent_n - big["overall"]["n"])
    assert big["funnel"]["center"] == pytest.approx(rest)
    assert small["funnel"]["position"] == "insufficient" and small["overall"]["value"] is None
    assert {key: empty["funnel"][key] for key in ("position", "limits")} == {"position": "insufficient", "limits": None}
    # The commune with the bad month stands out below the funnel and its drop
    # survives the Benjamini–Hochberg adjustment.
    bad = children[2]
    assert bad["funnel"]["position"].startswith("below")
    assert bad["change"]["overall"]["diff"] < 0 and bad["change"]["overall"]["significant_bh"] is True
    assert bad["change"]["overall"]["q_value"] >= bad["change"]["overall"]["p_value"]
    assert small["change"]["overall"]["q_value"] is None
    assert small["change"]["overall"]["significant_bh"] is None
    assert report["funnel"]["curve"]["n"][-1] == big["overall"]["n"]
    assert report["response_rate"] is None


def test_aggregates_and_recomputation_agree_to_the_last_digit(province) -> None:
    """The app may sum stored per-commune tallies, or tally the raw responses
    again: the report must be byte-for-byte the same."""
    now, prev, group, g = province
    per_commune = tally(now, group, g)
    from_aggregates = build_report({"code": "T", "name": "T"}, "2025-08", per_commune.sum(0), tally(prev))
    from_responses = build_report({"code": "T", "name": "T"}, "2025-08", tally(now), tally(prev))
    assert json.dumps(from_aggregates, sort_keys=True) == json.dumps(from_responses, sort_keys=True)


def test_report_of_an_empty_month_is_all_insufficient() -> None:
    report = build_report({"code": "X", "name": "X"}, "2025-01", empty_tally(), None, [], None, 0)
    json.dumps(report, allow_nan=False)
    assert report["n_responses"] == 0
    assert report["overall"]["value"] is None and report["overall"]["mean"] is None
    assert report["service_index"]["insufficient"] and report["service_index"]["n_eff"] is None
    assert report["change"]["overall"]["diff"] is None
    assert report["children"] == [] and report["funnel"] is None
    assert report["response_rate"]["value"] is None


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        build_report({"code": "X", "name": "X"}, "2025-13", empty_tally())
    with pytest.raises(ValueError):
        build_report({"code": "X", "name": "X"}, "2025-01", empty_tally(), targets={"overal": 0.9})


def test_other_interval_methods_can_be_chosen(make_arrays, rng) -> None:
    t = tally(make_arrays(rng, 200))
    wilson_report = build_report({"code": "X", "name": "X"}, "2025-01", t)
    cp_report = build_report({"code": "X", "name": "X"}, "2025-01", t, interval="clopper_pearson")
    assert cp_report["overall"]["ci_low"] < wilson_report["overall"]["ci_low"]
    assert "Clopper" in cp_report["method"]["single_rate_interval"]


def test_trend_is_in_month_order(make_arrays, rng) -> None:
    months = {f"2025-{m:02d}": tally(make_arrays(rng, 40 * m)) for m in (3, 1, 2)}
    months["2024-12"] = tally(ResponseArrays.empty(5))
    points = trend(months)
    json.dumps(points, allow_nan=False)
    assert [p["month"] for p in points] == ["2024-12", "2025-01", "2025-02", "2025-03"]
    assert points[0]["overall"]["insufficient"] and points[0]["n_responses"] == 5
    assert points[3]["n_responses"] == 120 and points[3]["service_index"]["value"] is not None
