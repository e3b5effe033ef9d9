"""The one-response tally of the citizen's form (plain Python) equals numpy's tally of that record."""

from __future__ import annotations

import random
from typing import Any

import pytest

from analysis.responses import ResponseArrays
from analysis.sipas import CHOICE_CODES, CRITERIA, ELEMENTS, EXPECT_CODES
from analysis.slots import TALLY_WIDTH, tally_one
from analysis.tally import tally

SCORE_VALUES: list[Any] = [1, 2, 3, 4, 5, "1", "2", "3", "4", "5", None, "", "na", "NA", "n/a", 0, "0"]


def random_record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {}
    kiosk = rng.random() < 0.3
    for item in ELEMENTS if kiosk else CRITERIA:
        if rng.random() < 0.9:
            record[item] = rng.choice(SCORE_VALUES)
    if rng.random() < 0.95:
        record["overall"] = rng.choice(SCORE_VALUES)
    for item, codes in CHOICE_CODES.items():
        if rng.random() < 0.8:
            record[item] = rng.choice([*codes, None, ""])
    roll = rng.random()
    if roll < 0.2:
        record["expect"] = rng.choice(EXPECT_CODES)  # a single code instead of a list
    elif roll < 0.8:
        record["expect"] = rng.sample(EXPECT_CODES, rng.randint(0, 4))
    elif roll < 0.9:
        record["expect_asked"] = rng.random() < 0.5
    return record


def numpy_tally(record: dict[str, Any]) -> list[int]:
    return [int(v) for v in tally(ResponseArrays.from_records([record]))]


def test_tally_one_equals_the_numpy_tally_on_random_records() -> None:
    rng = random.Random(20261127)
    for _ in range(3000):
        record = random_record(rng)
        assert tally_one(record) == numpy_tally(record), record


def test_a_late_result_counts_its_apology_and_an_early_one_does_not() -> None:
    late = {"ontime": "late", "apology": "yes", "TC01": 5, "expect": ["time", "time"]}
    early = {"ontime": "early", "apology": "no", "trips": 3}
    for record in (late, early):
        counted = tally_one(record)
        assert len(counted) == TALLY_WIDTH
        assert counted == numpy_tally(record)


@pytest.mark.parametrize("record", [{"TC01": 7}, {"slip": "maybe"}, {"expect": ["nothing"]}, {"trips": ["1"]}])
def test_an_unknown_answer_is_refused_like_the_numpy_tally(record: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        numpy_tally(record)
    with pytest.raises(ValueError):
        tally_one(record)
