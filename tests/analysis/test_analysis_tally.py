"""The tally: additive counts from which every report number is computed."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.flags import flag_counts
from analysis.responses import ResponseArrays
from analysis.tally import (
    TALLY_SLOTS,
    TALLY_WIDTH,
    empty_tally,
    slot,
    tally,
    tally_from_dict,
    tally_to_dict,
)

# Three respondents, worked out by hand below.
HAND_RECORDS = [
    {  # full form
        "TC01": 5, "TC02": 4, "TC03": 3, "TC04": None,
        "TC05": 2, "TC06": 4, "TC07": "na", "TC08": 5, "TC09": 1,
        "overall": 4, "trips": "3", "slip": "no", "ontime": "late", "apology": "no",
        "harassment": "some", "extra_payment": "no", "submit_channel": "online",
        "receive_channel": "direct", "expect": ["time", "fees"],
    },
    {  # kiosk short form: one direct rating per element
        "E1": 5, "E2": 2, "E3": 4, "E4": None, "E5": 3,
        "overall": 5, "trips": "1", "slip": "yes", "harassment": "none",
    },
    {  # full form, answers apology although not late (ignored by the rates)
        "TC01": 4, **{f"TC{i}": 5 for i in range(10, 16)}, "TC16": 3,
        "overall": 2, "slip": "yes", "ontime": "ontime", "apology": "yes",
        "submit_channel": "postal", "expect": [],
    },
]

# Per respondent (y satisfied, m answered):
#   E1: r1 (2,3)  r2 (1,1)  r3 (1,1)      E2: r1 (2,4)  r2 (0,1)
#   E3: r2 (1,1)  r3 (6,6)                E4: r3 (0,1)  E5: r2 (0,1)
#   service: r1 (4,7)  r2 (2,4)  r3 (7,8)
HAND_EXPECTED = {
    "n": 3,
    "TC01.5": 1, "TC01.4": 1, "TC02.4": 1, "TC03.3": 1,
    "TC05.2": 1, "TC06.4": 1, "TC08.5": 1, "TC09.1": 1,
    **{f"TC{i}.5": 1 for i in range(10, 16)}, "TC16.3": 1,
    "E1.5": 1, "E2.2": 1, "E3.4": 1, "E5.3": 1,
    "overall.4": 1, "overall.5": 1, "overall.2": 1,
    "E1.y": 4, "E1.m": 5, "E1.yy": 4 + 1 + 1, "E1.mm": 9 + 1 + 1, "E1.ym": 6 + 1 + 1, "E1.k": 3,
    "E2.y": 2, "E2.m": 5, "E2.yy": 4, "E2.mm": 16 + 1, "E2.ym": 8, "E2.k": 2,
    "E3.y": 7, "E3.m": 7, "E3.yy": 1 + 36, "E3.mm": 1 + 36, "E3.ym": 1 + 36, "E3.k": 2,
    "E4.y": 0, "E4.m": 1, "E4.yy": 0, "E4.mm": 1, "E4.ym": 0, "E4.k": 1,
    "E5.y": 0, "E5.m": 1, "E5.yy": 0, "E5.mm": 1, "E5.ym": 0, "E5.k": 1,
    "service.y": 13, "service.m": 19, "service.yy": 16 + 4 + 49, "service.mm": 49 + 16 + 64,
    "service.ym": 28 + 8 + 56, "service.k": 3,
    "trips.1": 1, "trips.3": 1, "slip.yes": 2, "slip.no": 1,
    "ontime.ontime": 1, "ontime.late": 1,
    "apology_when_late.no": 1, "apology_not_late": 1,
    "harassment.none": 1, "harassment.some": 1, "extra_payment.no": 1,
    "submit_channel.online": 1, "submit_channel.postal": 1, "receive_channel.direct": 1,
    "expect.time": 1, "expect.fees": 1, "expect_asked": 2,
}


def test_hand_made_records_give_hand_computed_counts() -> None:
    t = tally(ResponseArrays.from_records(HAND_RECORDS))
    assert t.dtype == np.int64 and t.shape == (TALLY_WIDTH,)
    expected = {name: 0 for name in TALLY_SLOTS} | HAND_EXPECTED
    assert tally_to_dict(t) == expected


def test_apology_counts_only_when_late() -> None:
    t = tally(ResponseArrays.from_records(HAND_RECORDS))
    # r3's "yes" apology (on time) does not make the late respondent apologised.
    assert flag_counts(t)["late_without_apology"] == (1, 1)
    assert flag_counts(t)["late"] == (1, 2)


def test_slot_names_are_unique_and_stable() -> None:
    assert len(set(TALLY_SLOTS)) == TALLY_WIDTH
    assert TALLY_SLOTS[0] == "n"
    assert TALLY_SLOTS[slot("TC01.1") : slot("TC01.5") + 1] == tuple(f"TC01.{s}" for s in range(1, 6))
    for pool in ("E1", "E5", "service"):
        for stat in ("y", "m", "yy", "mm", "ym", "k"):
            slot(f"{pool}.{stat}")
    for name in ("trips.3", "slip.no", "ontime.pending", "apology_when_late.yes", "harassment.many",
                 "extra_payment.yes", "submit_channel.postal", "receive_channel.online", "expect.online"):
        slot(name)
    with pytest.raises(KeyError):
        slot("TC23.1")


def test_layout_is_pinned() -> None:
    # Stored aggregates depend on these positions.  Changing them is a new
    # TALLY_VERSION and a data migration, never a silent edit.
    from analysis.tally import TALLY_VERSION

    assert TALLY_VERSION == 1 and TALLY_WIDTH == 211
    pinned = {
        "n": 0, "TC01.1": 1, "TC22.5": 110, "E1.1": 111, "E5.5": 135, "overall.1": 136,
        "E1.y": 141, "service.k": 176, "trips.1": 177, "apology_when_late.yes": 186,
        "apology_not_late": 188, "receive_channel.postal": 199, "expect.info": 200, "expect_asked": 210,
    }
    assert {name: slot(name) for name in pinned} == pinned


def test_tallies_add_up(make_arrays, rng) -> None:
    a, b = make_arrays(rng, 400), make_arrays(rng, 250)
    union = ResponseArrays.concatenate([a, b])
    assert np.array_equal(tally(a) + tally(b), tally(union))
    assert np.array_equal(tally(ResponseArrays.empty(0)), empty_tally())


def test_grouped_tally_equals_per_group_tallies(make_arrays, rng) -> None:
    a = make_arrays(rng, 1000)
    group = rng.integers(0, 7, len(a))
    grouped = tally(a, group, n_groups=9)  # groups 7 and 8 have no responses
    assert grouped.shape == (9, TALLY_WIDTH) and grouped.dtype == np.int64
    for g in range(9):
        assert np.array_equal(grouped[g], tally(a.take(group == g)))
    assert np.array_equal(grouped.sum(axis=0), tally(a))
    assert not grouped[7:].any()
    # Without n_groups the number of groups is max(group) + 1.
    assert tally(a, group).shape == (7, TALLY_WIDTH)


def test_group_arguments_are_checked(make_arrays, rng) -> None:
    a = make_arrays(rng, 5)
    with pytest.raises(ValueError):
        tally(a, np.array([0, 1, 2]))
    with pytest.raises(ValueError):
        tally(a, np.array([0, 1, 2, 3, -1]))
    with pytest.raises(ValueError):
        tally(a, np.array([0, 1, 2, 3, 4]), n_groups=3)


def test_named_round_trip_for_database_storage(make_arrays, rng) -> None:
    t = tally(make_arrays(rng, 200))
    named = tally_to_dict(t)
    assert all(type(v) is int for v in named.values())
    assert np.array_equal(tally_from_dict(named), t)
    # Sparse storage (zeros omitted) reads back the same.
    assert np.array_equal(tally_from_dict({k: v for k, v in named.items() if v}), t)
    with pytest.raises(KeyError):
        tally_from_dict({"no.such.slot": 1})


def test_a_million_responses_split_over_the_communes_add_up_to_the_whole(make_arrays, rng) -> None:
    # Speed at this scale is measured in bench/reports.py, never asserted here.
    a = make_arrays(rng, 1_000_000)
    group = rng.integers(0, 3300, len(a))  # about the number of communes
    total = tally(a)
    grouped = tally(a, group, 3300)
    assert grouped.shape == (3300, TALLY_WIDTH)
    assert np.array_equal(grouped.sum(axis=0), total)
    assert int(total[slot("n")]) == 1_000_000
