"""From a tally vector to the published numbers: rates, indices, flags, change."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.changes import change
from analysis.flags import channel_shares, flag_rates
from analysis.indices import (
    criterion_rates,
    element_indices,
    expectations,
    overall,
    response_rate,
    service_index,
)
from analysis.intervals import cluster_ratio_interval, wilson
from analysis.rates import make_rate, status
from analysis.responses import ResponseArrays
from analysis.sipas import CRITERIA, ELEMENTS, EXPECT_CODES, FLAG_IDS
from analysis.tally import empty_tally, tally, tally_from_dict
from analysis.targets import resolve_targets

RATE_KEYS = {"value", "ci_low", "ci_high", "n", "count", "insufficient", "status", "target"}


# --- status against targets ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "low", "high", "target", "expected"),
    [
        (0.90, 0.85, 0.94, 0.95, "below"),  # even the upper bound misses
        (0.93, 0.90, 0.96, 0.95, "possibly_below"),  # only the estimate misses
        (0.95, 0.92, 0.97, 0.95, "meets"),  # exactly on target
        (0.97, 0.95, 0.99, 0.95, "meets"),
        (0.90, 0.85, 0.95, 0.95, "possibly_below"),  # upper bound touches the target
        (0.90, 0.85, 0.94, None, None),
        (None, None, None, 0.95, None),
    ],
)
def test_status_of_satisfaction(value, low, high, target, expected) -> None:
    assert status(value, low, high, target) == expected


@pytest.mark.parametrize(
    ("value", "low", "high", "target", "expected"),
    [
        (0.02, 0.005, 0.05, 0.0, "incidents"),  # zero tolerance: any case is an incident, not a test
        (0.002, 0.0, 0.05, 0.0, "incidents"),  # even one whose interval reaches zero
        (0.0, 0.0, 0.1, 0.0, "within"),
        (0.06, 0.03, 0.10, 0.05, "possibly_above"),  # estimate over the limit, interval reaches below it
        (0.08, 0.06, 0.10, 0.05, "above"),
        (0.04, 0.02, 0.08, 0.05, "within"),
    ],
)
def test_status_of_flags(value, low, high, target, expected) -> None:
    assert status(value, low, high, target, lower_is_better=True) == expected


def test_rates_under_thirty_answers_are_insufficient() -> None:
    small = make_rate(28, 29, target=0.95)
    # Suppression hides the count with the value (issue 12, item 7): "28 of 29" would tell it.
    assert small == {
        "value": None, "ci_low": None, "ci_high": None, "n": 29, "count": None,
        "insufficient": True, "status": None, "target": 0.95,
    }
    enough = make_rate(29, 30, target=0.95)
    assert enough["value"] == pytest.approx(29 / 30) and not enough["insufficient"]
    lo, hi = wilson(29, 30)
    assert (enough["ci_low"], enough["ci_high"]) == pytest.approx((float(lo), float(hi)))
    assert enough["status"] == "meets"
    assert make_rate(28, 30, target=0.95)["status"] == "possibly_below"  # 93 %, interval reaches 95 %
    assert make_rate(29, 30, interval="clopper_pearson")["ci_low"] < enough["ci_low"]


# --- satisfaction measures ------------------------------------------------------------


def _respondents(n: int, **answers) -> list[dict]:
    return [dict(answers) for _ in range(n)]


def test_criterion_rate_excludes_not_applicable() -> None:
    records = (
        _respondents(24, TC01=5) + _respondents(6, TC01=4) + _respondents(5, TC01=3)
        + _respondents(5, TC01=1) + _respondents(10, TC01="na")
    )
    rates = criterion_rates(tally(ResponseArrays.from_records(records)))
    assert set(rates) == set(CRITERIA)
    tc01 = rates["TC01"]
    assert set(tc01) == RATE_KEYS
    assert (tc01["count"], tc01["n"]) == (30, 40)
    assert tc01["value"] == pytest.approx(0.75) and tc01["status"] == "below" and tc01["target"] == 0.95
    assert rates["TC02"]["n"] == 0 and rates["TC02"]["insufficient"]


def test_element_index_pools_criteria_and_kiosk_ratings_by_respondent() -> None:
    full = _respondents(20, TC01=5, TC02=4, TC03=3, TC04=None)  # 2 of 3 satisfied each
    kiosk = _respondents(15, E1=5)  # 1 of 1 each
    idx = element_indices(tally(ResponseArrays.from_records(full + kiosk)))
    e1 = idx["E1"]
    assert e1["n"] == 35 and e1["items"] == 20 * 3 + 15 and e1["count"] == 20 * 2 + 15
    assert e1["value"] == pytest.approx(55 / 75)
    assert e1["ci_low"] < e1["value"] < e1["ci_high"] and e1["n_eff"] <= e1["items"]
    assert all(idx[e]["insufficient"] and idx[e]["value"] is None for e in ELEMENTS[1:])


def test_service_index_uses_the_cluster_interval(make_arrays, rng) -> None:
    t = tally(make_arrays(rng, 500))
    s = service_index(t)
    from analysis.rates import count_of

    parts = [count_of(t, f"service.{x}") for x in ("y", "m", "yy", "mm", "ym", "k")]
    value, lo, hi, n_eff = cluster_ratio_interval(*parts)
    assert s["value"] == pytest.approx(float(value)) and s["ci_low"] == pytest.approx(float(lo))
    assert s["n"] == parts[5] and s["items"] == parts[1] and s["n_eff"] == pytest.approx(float(n_eff))
    # Much wider than a naive Wilson on all the items.
    naive_lo, naive_hi = wilson(parts[0], parts[1])
    assert s["ci_high"] - s["ci_low"] > 1.5 * (naive_hi - naive_lo)


def test_overall_with_mean_and_distribution() -> None:
    t = tally_from_dict({"n": 40, "overall.1": 2, "overall.2": 3, "overall.3": 5, "overall.4": 10, "overall.5": 20})
    o = overall(t)
    assert (o["count"], o["n"]) == (30, 40) and o["value"] == pytest.approx(0.75)
    assert o["mean"] == pytest.approx((2 + 6 + 15 + 40 + 100) / 40)
    assert o["distribution"] == {"1": 2, "2": 3, "3": 5, "4": 10, "5": 20}
    empty = overall(empty_tally())
    assert empty["mean"] is None and empty["insufficient"] and empty["distribution"] is None  # suppressed alike


def test_expectations_count_only_respondents_who_were_asked() -> None:
    t = tally_from_dict({"n": 60, "expect_asked": 40, "expect.time": 10, "expect.online": 4})
    e = expectations(t)
    assert set(e) == set(EXPECT_CODES)
    assert e["time"] == {"count": 10, "n": 40, "share": 0.25, "insufficient": False}
    assert e["online"]["share"] == pytest.approx(0.1) and e["fees"]["count"] == 0
    few = expectations(tally_from_dict({"expect_asked": 10, "expect.time": 5}))
    assert few["time"]["share"] is None and few["time"]["insufficient"]


# --- flags ----------------------------------------------------------------------------------


def test_flag_denominators() -> None:
    t = tally_from_dict(
        {
            "trips.1": 30, "trips.2": 15, "trips.3": 5,
            "slip.yes": 48, "slip.no": 2,
            "harassment.none": 40, "harassment.some": 7, "harassment.many": 3,
            "extra_payment.no": 49, "extra_payment.yes": 1,
            "ontime.early": 10, "ontime.ontime": 20, "ontime.late": 10, "ontime.pending": 25,
            "apology_when_late.yes": 4, "apology_when_late.no": 6, "apology_not_late": 3,
        }
    )
    f = flag_rates(t)
    assert list(f) == list(FLAG_IDS)
    assert (f["trips_3plus"]["count"], f["trips_3plus"]["n"]) == (5, 50)
    assert (f["no_slip"]["count"], f["no_slip"]["n"]) == (2, 50)
    assert (f["harassment"]["count"], f["harassment"]["n"]) == (10, 50)  # some + many
    assert (f["extra_payment"]["count"], f["extra_payment"]["n"]) == (1, 50)
    assert (f["late"]["count"], f["late"]["n"]) == (10, 40)  # pending excluded
    lwa = f["late_without_apology"]
    assert (lwa["count"], lwa["n"]) == (None, 10) and lwa["insufficient"] and lwa["value"] is None
    # Against the zero-tolerance limits any case is reported as an incident.
    assert f["trips_3plus"]["status"] == "incidents" and f["trips_3plus"]["target"] == 0.0
    assert f["extra_payment"]["status"] == "incidents"


def test_a_flag_with_no_occurrence_is_within_its_limit() -> None:
    f = flag_rates(tally_from_dict({"slip.yes": 120}))
    assert f["no_slip"]["value"] == 0.0 and f["no_slip"]["ci_low"] == 0.0 and f["no_slip"]["status"] == "within"


def test_flag_targets_can_be_relaxed() -> None:
    t = tally_from_dict({"trips.1": 95, "trips.3": 5})
    f = flag_rates(t, resolve_targets({"trips_3plus": 0.05}))
    assert f["trips_3plus"]["status"] == "within"
    f = flag_rates(t, resolve_targets({"trips_3plus": 0.03}))
    assert f["trips_3plus"]["status"] == "possibly_above"


def test_channel_shares() -> None:
    c = channel_shares(tally_from_dict({"submit_channel.direct": 60, "submit_channel.online": 30,
                                        "submit_channel.postal": 10}))
    assert c["online"]["value"] == pytest.approx(0.3) and c["postal"]["value"] == pytest.approx(0.1)
    assert c["online"]["n"] == 100 and c["online"]["target"] is None and c["online"]["status"] is None


# --- change and response rate ---------------------------------------------------------------


def test_change_of_overall_uses_newcombe() -> None:
    now = tally_from_dict({"overall.5": 56, "overall.2": 14})
    prev = tally_from_dict({"overall.4": 48, "overall.1": 32})
    c = change(now, prev)["overall"]
    assert c["diff"] == pytest.approx(0.2)
    assert round(c["ci_low"], 4) == 0.0524 and round(c["ci_high"], 4) == 0.3339
    assert c["significant"] is True and 0 < c["p_value"] < 0.05


def test_change_is_empty_when_either_month_is_insufficient(make_arrays, rng) -> None:
    t = tally(make_arrays(rng, 300))
    c = change(t, empty_tally())
    assert c["overall"] == {"diff": None, "ci_low": None, "ci_high": None, "p_value": None, "significant": None}
    assert c["service_index"]["diff"] is None
    assert set(c["elements"]) == set(ELEMENTS) and set(c["flags"]) == set(FLAG_IDS)
    assert set(c["channels"]) == {"online", "postal"}


def test_change_of_a_pooled_index_carries_the_cluster_penalty(make_arrays, rng) -> None:
    a, b = make_arrays(rng, 400), make_arrays(rng, 400)
    c = change(tally(a), tally(b))["service_index"]
    s_a, s_b = service_index(tally(a)), service_index(tally(b))
    assert c["diff"] == pytest.approx(s_a["value"] - s_b["value"])
    # Width comparable to the two index intervals, not to naive item-level ones.
    width = c["ci_high"] - c["ci_low"]
    assert width > 0.8 * max(s_a["ci_high"] - s_a["ci_low"], s_b["ci_high"] - s_b["ci_low"])
    same = change(tally(a), tally(a))
    assert same["service_index"]["diff"] == 0 and same["service_index"]["significant"] is False
    assert same["overall"]["p_value"] == pytest.approx(1.0)


def test_response_rate() -> None:
    assert response_rate(120, None) is None
    r = response_rate(120, 400)
    assert r["value"] == pytest.approx(0.3) and r["n"] == 400 and r["count"] == 120
    lo, hi = wilson(120, 400)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((float(lo), float(hi)))
    over = response_rate(450, 400)  # more responses than dossiers: reported, no interval
    assert over["value"] == pytest.approx(1.125) and over["ci_low"] is None
    assert response_rate(3, 0)["value"] is None
    assert response_rate(5, 10)["value"] == 0.5 and not response_rate(5, 10)["insufficient"]


def test_functions_need_a_single_tally_vector(make_arrays, rng) -> None:
    grouped = tally(make_arrays(rng, 10), np.zeros(10, int))
    with pytest.raises(ValueError):
        overall(grouped)
