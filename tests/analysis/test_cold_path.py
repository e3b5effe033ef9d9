"""The report's cheaper paths give the numbers of the one-by-one paths they replace (issue 13, the
overview's first view after a change): the sub-units' changes in one vectorised call, the
small-area estimates of the measures a group carries only, the rates built without the frozen
dataclass's __init__."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analysis.changes import changes_of, difference_of, differences_many, overall_counts
from analysis.multiplicity import adjust_changes
from analysis.report import compute_report
from analysis.sipas import CRITERIA, MEASURES
from analysis.small_area import CORE_MEASURES, attach, effective_counts_many, estimates_of
from analysis.tally import empty_tally, slot, tally


def test_differences_many_is_difference_of_group_by_group(rng: np.random.Generator) -> None:
    # Enough cells for the last bit to show: numpy's array `**` squares by multiplying, a
    # scalar's by pow, and the two differ in about one square in a thousand.
    size = 4000
    n1 = rng.integers(0, 2000, size)
    n2 = rng.integers(0, 2000, size)
    k1 = np.minimum(rng.integers(0, 2000, size), n1)
    k2 = np.minimum(rng.integers(0, 2000, size), n2)
    # The edges: nothing answered, all or none satisfied on both sides, just at the minimum.
    k1[:4], n1[:4], n2[:4] = 0, 0, 50
    k2[:4] = np.minimum(k2[:4], 50)
    k1[4:8], n1[4:8], k2[4:8], n2[4:8] = 40, 40, 60, 60
    k1[8:12], n1[8:12], k2[8:12], n2[8:12] = 0, 45, 0, 33
    n1[12:16], n2[12:16], k1[12:16], k2[12:16] = 30, 30, 29, 1
    for minimum in (0, 30):
        expected = [
            difference_of((float(a), float(b), int(b)), (float(c), float(d), int(d)), min_responses=minimum)
            for a, b, c, d in zip(k1, n1, k2, n2, strict=True)
        ]
        found = differences_many(
            (k1.astype(float), n1.astype(float), n1), (k2.astype(float), n2.astype(float), n2), min_responses=minimum
        )
        assert found == expected
    assert differences_many((np.zeros(0), np.zeros(0), np.zeros(0)), (np.zeros(0), np.zeros(0), np.zeros(0))) == []


def _children(make_arrays, rng: np.random.Generator, sizes: list[int]) -> list[dict]:  # type: ignore[no-untyped-def]
    now, before = make_arrays(rng, sum(sizes)), make_arrays(rng, sum(sizes))
    group = np.repeat(np.arange(len(sizes)), sizes)
    per_now, per_before = tally(now, group, len(sizes)), tally(before, group[::-1], len(sizes))
    return [
        {"code": f"X{i}", "name": f"Xã {i}", "tally": per_now[i], "tally_prev": per_before[i] if i % 5 else None}
        for i in range(len(sizes))
    ]


SIZES = [500, 300, 120, 12, 0, 45, 31, 29, 200, 64, 90, 1]


def test_the_childrens_changes_are_those_of_difference_of_adjusted_together(make_arrays, rng) -> None:
    children = _children(make_arrays, rng, SIZES)
    total_now = np.sum([c["tally"] for c in children], axis=0)
    total_before = np.sum([c["tally_prev"] for c in children if c["tally_prev"] is not None], axis=0)
    report = compute_report({"code": "P", "name": "P"}, "2026-10", total_now, total_before, children)
    one_by_one = [
        difference_of(
            overall_counts(c["tally"]),
            overall_counts(empty_tally() if c["tally_prev"] is None else c["tally_prev"]),
        )
        for c in children
    ]
    unit, adjusted = adjust_changes(changes_of(total_now, total_before), one_by_one)
    assert [child.change.overall for child in report.children] == adjusted
    assert report.change == unit


@pytest.mark.parametrize("min_responses", [30, 5])
def test_children_without_criteria_are_the_same_children_but_for_them(make_arrays, rng, min_responses: int) -> None:
    children = _children(make_arrays, rng, SIZES)
    total_now = np.sum([c["tally"] for c in children], axis=0)

    def report(**detail: bool):  # type: ignore[no-untyped-def]
        return compute_report(
            {"code": "P", "name": "P"}, "2026-10", total_now, None, children, min_responses=min_responses, **detail
        )

    full, lean, summary = report(child_criteria=True), report(), report(child_summary=True)
    assert all(child.criteria is not None for child in full.children)
    assert all(child.criteria is None for child in lean.children)
    for with_them, without, row in zip(full.children, lean.children, summary.children, strict=True):
        assert dataclasses.replace(with_them, criteria=None) == without
        # A summary row: the same n, overall (with its estimate), service index (without), funnel and change.
        assert row == dataclasses.replace(
            without, elements={}, flags={}, service_index=dataclasses.replace(without.service_index, small_area=None)
        )
    assert dataclasses.replace(full, children=()) == dataclasses.replace(summary, children=())
    with pytest.raises(ValueError):
        report(child_criteria=True, child_summary=True)


def test_estimates_of_some_measures_are_those_of_all_measures(make_arrays, rng) -> None:
    children = _children(make_arrays, rng, SIZES)
    tallies = [c["tally"] for c in children]
    parent = np.sum(tallies, axis=0)
    every = estimates_of(tallies, parent)
    core = estimates_of(tallies, parent, CORE_MEASURES)
    assert set(CORE_MEASURES) == set(MEASURES) - set(CRITERIA)
    assert core == [{m: estimate[m] for m in CORE_MEASURES} for estimate in every]


def test_effective_counts_of_some_measures_are_those_of_all(make_arrays, rng) -> None:
    tallies = np.array([c["tally"] for c in _children(make_arrays, rng, SIZES)])
    every = effective_counts_many(tallies)
    for wanted in (("overall",), ("E3", "TC07"), CORE_MEASURES, MEASURES):
        some = effective_counts_many(tallies, wanted)
        assert set(some) >= set(wanted)
        for measure in wanted:
            assert np.array_equal(some[measure][0], every[measure][0])
            assert np.array_equal(some[measure][1], every[measure][1])


def test_attach_to_some_measures_sets_those_estimates_and_leaves_the_rest(make_arrays, rng) -> None:
    children = _children(make_arrays, rng, SIZES)
    total_now = np.sum([c["tally"] for c in children], axis=0)
    full = compute_report({"code": "P", "name": "P"}, "2026-10", total_now, None, children)

    def without_estimates(rate):  # type: ignore[no-untyped-def]
        return dataclasses.replace(rate, small_area=None)

    bare = tuple(
        dataclasses.replace(child, overall=without_estimates(child.overall),
                            service_index=without_estimates(child.service_index),
                            elements={e: without_estimates(r) for e, r in child.elements.items()})
        for child in full.children
    )
    tallies = [c["tally"] for c in children]
    only_overall = attach(bare, tallies, total_now, measures=("overall",))
    for child, with_all, with_overall in zip(bare, full.children, only_overall, strict=True):
        assert with_overall.overall == with_all.overall
        assert with_overall.service_index == child.service_index and with_overall.elements == child.elements
    assert attach(bare, tallies, total_now) == full.children


def test_rates_built_without_init_are_the_dataclasses_own() -> None:
    import dataclasses

    from analysis.model import OverallRate, PooledRate, Rate, SmallArea
    from analysis.rates import built, extend, rate

    fields = {"value": 0.8, "ci_low": 0.7, "ci_high": 0.9, "n": 50, "count": 40, "insufficient": False,
              "status": "meets", "target": 0.75, "small_area": SmallArea(value=0.79, ci_low=0.7, ci_high=0.85)}
    made = built(Rate, dict(fields))
    assert made == Rate(**fields) and hash(made) == hash(Rate(**fields)) and repr(made) == repr(Rate(**fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.value = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        built(Rate, {"value": 0.8})  # not every field: the dataclass's own __init__ refuses it

    @dataclasses.dataclass(frozen=True)
    class Checked:
        share: float

        def __post_init__(self) -> None:
            if not 0 <= self.share <= 1:
                raise ValueError("a share is between 0 and 1")

    with pytest.raises(ValueError):
        built(Checked, {"share": 2.0})  # a __post_init__ is never skipped
    assert rate(40, 50, target=0.75) == Rate(value=0.8, ci_low=rate(40, 50).ci_low, ci_high=rate(40, 50).ci_high,
                                            n=50, count=40, insufficient=False, status="meets", target=0.75)
    assert rate(10, 12) == Rate(value=None, ci_low=None, ci_high=None, n=12, count=None, insufficient=True,
                                status=None, target=None)
    pooled = extend(made, PooledRate, items=120, n_eff=88.5)
    assert pooled == PooledRate(**fields, items=120, n_eff=88.5) and type(pooled) is PooledRate
    overall = extend(made, OverallRate, mean=4.1, distribution={"5": 20})
    assert overall == OverallRate(**fields, mean=4.1, distribution={"5": 20})
    with pytest.raises(TypeError):
        extend(made, PooledRate, items=120)


def _tallies_of_every_kind(make_arrays, rng) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Tallies of 0, a few and many responses (some below the minimum, some empty)."""
    return [tally(make_arrays(rng, size)) if size else empty_tally() for size in (0, 3, 29, 30, 45, 200, 900)]


def test_changes_of_is_one_difference_of_each(make_arrays, rng) -> None:
    from analysis.changes import pooled_counts, single_counts
    from analysis.flags import channel_counts, flag_counts
    from analysis.model import Changes
    from analysis.sipas import ELEMENTS

    tallies = _tallies_of_every_kind(make_arrays, rng)
    for now in tallies:
        for prev in tallies:
            for minimum in (30, 1):
                def diff(a, b):  # type: ignore[no-untyped-def]
                    return difference_of(a, b, min_responses=minimum)  # noqa: B023

                flags_now, flags_prev = flag_counts(now), flag_counts(prev)
                ch_now, ch_prev = channel_counts(now), channel_counts(prev)
                one_by_one = Changes(
                    overall=diff(overall_counts(now), overall_counts(prev)),
                    service_index=diff(pooled_counts(now, "service"), pooled_counts(prev, "service")),
                    elements={e: diff(pooled_counts(now, e), pooled_counts(prev, e)) for e in ELEMENTS},
                    flags={f: diff(single_counts(*flags_now[f]), single_counts(*flags_prev[f])) for f in flags_now},
                    channels={c: diff(single_counts(*ch_now[c]), single_counts(*ch_prev[c])) for c in ch_now},
                )
                assert changes_of(now, prev, min_responses=minimum) == one_by_one


def test_year_on_year_is_one_period_change_each(make_arrays, rng) -> None:
    from analysis.changes import pooled_counts, single_counts
    from analysis.flags import flag_counts
    from analysis.model import YearOnYear
    from analysis.sipas import ELEMENTS
    from analysis.trends import period_change_of, year_on_year_of

    tallies = _tallies_of_every_kind(make_arrays, rng)
    for now in tallies:
        for then in tallies:
            flags_now, flags_then = flag_counts(now), flag_counts(then)
            one_by_one = YearOnYear(
                period="2025-10",
                overall=period_change_of(overall_counts(now), overall_counts(then)),
                service_index=period_change_of(pooled_counts(now, "service"), pooled_counts(then, "service")),
                elements={e: period_change_of(pooled_counts(now, e), pooled_counts(then, e)) for e in ELEMENTS},
                flags={f: period_change_of(single_counts(*flags_now[f]), single_counts(*flags_then[f]))
                       for f in flags_now},
            )
            assert year_on_year_of(now, then, "2025-10") == one_by_one


@pytest.mark.parametrize("targets", [None, {"overall": 0.9, "service_index": 0.85}])
def test_trend_points_are_one_overall_and_service_index_per_month(make_arrays, rng, targets) -> None:
    from analysis.indices import overall_of, service_of
    from analysis.model import TrendPoint
    from analysis.report import trend_points
    from analysis.targets import resolve_targets

    months = [f"2026-{m:02d}" for m in range(1, 8)]
    by_month = dict(zip(months, _tallies_of_every_kind(make_arrays, rng), strict=True))
    goals = resolve_targets(targets)
    for minimum in (30, 5):
        one_by_one = [
            TrendPoint(month=month, n_responses=int(t[slot("n")]),
                       overall=overall_of(t, goals, min_responses=minimum),
                       service_index=service_of(t, goals, min_responses=minimum))
            for month, t in sorted(by_month.items())
        ]
        assert trend_points(by_month, targets, min_responses=minimum) == one_by_one
    assert trend_points({}, targets) == []
