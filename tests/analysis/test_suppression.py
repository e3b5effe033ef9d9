"""Consistent suppression (issue 12, item 7): below the minimum n a measure's value, interval,
count, mean and distribution are hidden alike; the minimum is a parameter, not a constant."""
from __future__ import annotations

from analysis.flags import flags_of
from analysis.indices import expectations_of, overall_of, service_of
from analysis.report import compute_report
from analysis.tally import tally_from_dict

SMALL_UNIT = tally_from_dict({
    "n": 21, "overall.5": 12, "overall.4": 9, "trips.1": 20, "trips.3": 1, "expect_asked": 21, "expect.time": 4,
    "service.y": 200, "service.m": 210, "service.yy": 1950, "service.mm": 2110, "service.ym": 2020, "service.k": 21,
})


def test_a_unit_of_21_shows_neither_its_21_of_21_nor_its_mean_nor_its_distribution() -> None:
    overall = overall_of(SMALL_UNIT)
    assert overall.insufficient and overall.n == 21
    assert (overall.value, overall.ci_low, overall.ci_high, overall.count) == (None, None, None, None)
    assert overall.mean is None and overall.distribution is None and overall.status is None
    index = service_of(SMALL_UNIT)
    assert index.insufficient and index.count is None and index.items is None and index.n_eff is None
    flag = flags_of(SMALL_UNIT)["trips_3plus"]
    assert flag.count is None and flag.status is None and flag.n == 21
    share = expectations_of(SMALL_UNIT)["time"]
    assert share.count is None and share.share is None and share.n == 21


def test_the_minimum_is_a_parameter() -> None:
    overall = overall_of(SMALL_UNIT, min_responses=20)
    assert not overall.insufficient and overall.count == 21 and overall.value == 1.0
    assert overall.mean is not None and overall.distribution == {"1": 0, "2": 0, "3": 0, "4": 9, "5": 12}
    report = compute_report({"code": "X", "name": "X"}, "2026-10", SMALL_UNIT, min_responses=20)
    assert report.method.min_responses == 20
    assert report.overall.count == 21 and report.flags["trips_3plus"].status == "incidents"
    assert report.flags["trips_3plus"].count == 1
    strict = compute_report({"code": "X", "name": "X"}, "2026-10", SMALL_UNIT).to_json()
    assert strict["method"]["min_responses"] == 30
    assert strict["overall"]["count"] is None and strict["overall"]["distribution"] is None
    assert strict["overall"]["mean"] is None and strict["flags"]["trips_3plus"]["count"] is None
