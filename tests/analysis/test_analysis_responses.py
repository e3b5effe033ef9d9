"""Encoding answer dicts into integer arrays."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.responses import ResponseArrays
from analysis.sipas import CRITERIA, EXPECT_CODES


def test_records_are_encoded_with_zero_for_unanswered() -> None:
    a = ResponseArrays.from_records(
        [
            {"TC01": 5, "TC02": None, "TC03": "na", "TC04": "4", "overall": 4, "trips": "3", "slip": "no",
             "ontime": "late", "apology": "no", "harassment": "some", "extra_payment": "yes",
             "submit_channel": "online", "receive_channel": "postal", "expect": ["time", "fees"]},
            {"E1": 5, "E3": 2, "overall": "5", "trips": 1},
        ]
    )
    assert len(a) == 2
    assert a.criteria.dtype == np.int8 and a.criteria.shape == (2, 22)
    assert a.criteria[0, :4].tolist() == [5, 0, 0, 4]
    assert a.criteria[1].sum() == 0
    assert a.element_ratings.tolist() == [[0, 0, 0, 0, 0], [5, 0, 2, 0, 0]]
    assert a.overall.tolist() == [4, 5]
    assert a.trips.tolist() == [3, 1]  # 1-based positions in ("1", "2", "3")
    assert a.slip.tolist() == [2, 0]  # "no" is the 2nd code
    assert a.ontime.tolist() == [3, 0] and a.apology.tolist() == [2, 0]
    assert a.harassment.tolist() == [2, 0] and a.extra_payment.tolist() == [2, 0]
    assert a.submit_channel.tolist() == [2, 0] and a.receive_channel.tolist() == [3, 0]
    assert a.expect[0].tolist() == [c in ("time", "fees") for c in EXPECT_CODES]
    assert a.expect_asked.tolist() == [True, False]


def test_expect_counts_as_asked_when_offered_even_if_left_blank() -> None:
    a = ResponseArrays.from_records(
        [{"expect": []}, {}, {"expect_asked": True}, {"expect": None}, {"expect": "online"}]
    )
    assert a.expect_asked.tolist() == [True, False, True, False, True]
    assert a.expect.sum() == 1 and a.expect[4, EXPECT_CODES.index("online")]


@pytest.mark.parametrize(
    "record",
    [{"TC01": 6}, {"overall": "good"}, {"slip": "maybe"}, {"trips": 4}, {"expect": ["nothing"]}, {"TC01": [5]}],
)
def test_unknown_answers_are_rejected(record: dict) -> None:
    with pytest.raises(ValueError):
        ResponseArrays.from_records([{}, record])


def test_arrays_are_validated() -> None:
    a = ResponseArrays.empty(3)
    with pytest.raises(ValueError):
        ResponseArrays(**{**a.__dict__, "overall": np.array([1, 2, 9])})
    with pytest.raises(ValueError):
        ResponseArrays(**{**a.__dict__, "criteria": np.zeros((3, 21), np.int8)})
    with pytest.raises(TypeError):
        ResponseArrays(**{**a.__dict__, "overall": np.array([1.5, 2.0, 3.0])})
    # Wider integer dtypes are accepted and narrowed.
    b = ResponseArrays(**{**a.__dict__, "overall": np.array([1, 2, 5], dtype=np.int64)})
    assert b.overall.dtype == np.int8


def test_empty_concatenate_and_take(make_arrays, rng) -> None:
    assert len(ResponseArrays.empty(0)) == 0
    assert len(ResponseArrays.from_records([])) == 0
    a, b = make_arrays(rng, 10), make_arrays(rng, 7)
    both = ResponseArrays.concatenate([a, b])
    assert len(both) == 17
    assert np.array_equal(both.take(np.arange(10, 17)).criteria, b.criteria)
    assert np.array_equal(both.take(both.overall == 5).overall, np.concatenate([a.overall, b.overall])[both.overall == 5])


def test_from_records_reads_a_month_of_a_province(rng) -> None:
    # Correctness at a province's monthly size; its speed is a benchmark's business, not a
    # timed test's (a loaded CI machine made the old 2-second bound fail for no fault).
    n = 100_000
    scores = rng.integers(0, 6, (n, 22)).tolist()
    records = [
        {**{c: (s or None) for c, s in zip(CRITERIA, row, strict=True)}, "overall": 4, "trips": "1", "slip": "yes",
         "ontime": "ontime", "harassment": "none", "submit_channel": "direct", "expect": ["time"]}
        for row in scores
    ]
    a = ResponseArrays.from_records(records)
    assert len(a) == n and a.expect_asked.all()
    assert np.array_equal(a.criteria, np.array(scores, dtype=np.int8))
