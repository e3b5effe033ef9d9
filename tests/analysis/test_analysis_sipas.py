"""The canonical questionnaire layout the rest of the package indexes by."""

from __future__ import annotations

import pytest

from analysis.sipas import (
    CHOICE_CODES,
    CRITERIA,
    CRITERIA_OF_ELEMENT,
    DEFAULT_TARGETS,
    ELEMENT_OF_CRITERION,
    ELEMENTS,
    EXPECT_CODES,
    FLAG_IDS,
    MIN_RESPONSES,
)
from analysis.targets import resolve_targets


def test_twenty_two_criteria_in_five_elements() -> None:
    assert CRITERIA[0] == "TC01" and CRITERIA[-1] == "TC22" and len(CRITERIA) == 22
    assert ELEMENTS == ("E1", "E2", "E3", "E4", "E5")
    sizes = {e: len(cs) for e, cs in CRITERIA_OF_ELEMENT.items()}
    assert sizes == {"E1": 4, "E2": 5, "E3": 6, "E4": 3, "E5": 4}
    assert ELEMENT_OF_CRITERION["TC04"] == "E1" and ELEMENT_OF_CRITERION["TC05"] == "E2"
    assert ELEMENT_OF_CRITERION["TC15"] == "E3" and ELEMENT_OF_CRITERION["TC16"] == "E4"
    assert ELEMENT_OF_CRITERION["TC19"] == "E5" and set(ELEMENT_OF_CRITERION) == set(CRITERIA)


def test_choice_codes_keep_their_order() -> None:
    # Arrays store 1-based positions into these tuples: the order is the contract.
    assert CHOICE_CODES["trips"] == ("1", "2", "3")
    assert CHOICE_CODES["slip"] == ("yes", "no")
    assert CHOICE_CODES["ontime"] == ("early", "ontime", "late", "pending")
    assert CHOICE_CODES["extra_payment"] == ("no", "yes")
    assert list(CHOICE_CODES) == [
        "trips", "slip", "ontime", "apology", "harassment", "extra_payment", "submit_channel", "receive_channel",
    ]
    assert len(EXPECT_CODES) == 10 and EXPECT_CODES[0] == "info" and EXPECT_CODES[-1] == "online"
    assert FLAG_IDS == ("trips_3plus", "no_slip", "harassment", "extra_payment", "late", "late_without_apology")
    assert MIN_RESPONSES == 30


def test_default_targets_follow_the_seeds() -> None:
    assert DEFAULT_TARGETS["overall"] == 0.95 and DEFAULT_TARGETS["service_index"] == 0.95
    assert all(DEFAULT_TARGETS[k] == 0.95 for k in ELEMENTS + CRITERIA)
    assert all(DEFAULT_TARGETS[f] == 0.0 for f in FLAG_IDS)
    with pytest.raises(TypeError):
        DEFAULT_TARGETS["overall"] = 0.5  # type: ignore[index]


def test_a_unit_overrides_any_key_or_a_whole_family() -> None:
    t = resolve_targets({"overall": 0.9, "criteria": 0.85, "TC03": 0.8, "late": None})
    assert t["overall"] == 0.9 and t["service_index"] == 0.95
    assert t["TC01"] == 0.85 and t["TC03"] == 0.8
    assert t["late"] is None and t["harassment"] == 0.0
    assert resolve_targets(None) == dict(DEFAULT_TARGETS)


def test_target_typos_and_bad_values_are_errors() -> None:
    with pytest.raises(ValueError):
        resolve_targets({"overal": 0.9})
    with pytest.raises(ValueError):
        resolve_targets({"overall": 95})
