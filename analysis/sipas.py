"""Canonical layout of the SIPAS questionnaire and the default targets.

Everything else in the package indexes arrays by the positions defined here, so
the order of every tuple below is part of the contract with the app: append,
never reorder.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

#: Ids of the standard questionnaires (DOMAIN §3): the full form and the kiosk's short form.
FULL_FORM_ID: Final[str] = "sipas-full"
KIOSK_FORM_ID: Final[str] = "sipas-kiosk"

#: The 22 criteria (tiêu chí), in questionnaire order.
CRITERIA: Final[tuple[str, ...]] = tuple(f"TC{i:02d}" for i in range(1, 23))

#: The 5 elements (yếu tố).
ELEMENTS: Final[tuple[str, ...]] = ("E1", "E2", "E3", "E4", "E5")

#: The rates a sub-unit gets a small-area estimate of, and rankings can order by.
MEASURES: Final[tuple[str, ...]] = ("service_index", "overall", *ELEMENTS, *CRITERIA)
#: Rankings: the default measure, and what a unit's tier is judged against.
DEFAULT_RANKING_MEASURE: Final[str] = "service_index"
RANKING_AGAINST: Final[tuple[str, ...]] = ("parent", "target")

#: Criteria per element (Quyết định 2640/QĐ-BNV layout).
CRITERIA_OF_ELEMENT: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "E1": CRITERIA[0:4],    # TC01–TC04 access
        "E2": CRITERIA[4:9],    # TC05–TC09 procedure
        "E3": CRITERIA[9:15],   # TC10–TC15 officials
        "E4": CRITERIA[15:18],  # TC16–TC18 result
        "E5": CRITERIA[18:22],  # TC19–TC22 feedback handling
    }
)

ELEMENT_OF_CRITERION: Final[Mapping[str, str]] = MappingProxyType(
    {c: e for e, cs in CRITERIA_OF_ELEMENT.items() for c in cs}
)

#: Answer codes of the single-choice items. Arrays store the 1-based position of
#: the code in its tuple (0 = unanswered), so the order here is load-bearing.
CHOICE_CODES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "trips": ("1", "2", "3"),  # "3" = three times or more
        "slip": ("yes", "no"),
        "ontime": ("early", "ontime", "late", "pending"),
        "apology": ("yes", "no"),  # asked only when ontime == "late"
        "harassment": ("none", "some", "many"),
        "extra_payment": ("no", "yes"),
        "submit_channel": ("direct", "online", "postal"),
        "receive_channel": ("direct", "online", "postal"),
    }
)

#: Improvement areas of the multi-choice `expect` item.
EXPECT_CODES: Final[tuple[str, ...]] = (
    "info",
    "simplify",
    "transparency",
    "time",
    "fees",
    "attitude",
    "competence",
    "facilities",
    "feedback",
    "online",
)

#: Red flags (lower is better; their targets are maxima).
FLAG_IDS: Final[tuple[str, ...]] = (
    "trips_3plus",
    "no_slip",
    "harassment",
    "extra_payment",
    "late",
    "late_without_apology",
)

#: Rates on fewer answers than this are reported as "insufficient data" (DOMAIN §5).
MIN_RESPONSES: Final[int] = 30

#: Confidence level of every published interval (DOMAIN §5).
CONFIDENCE: Final[float] = 0.95

#: Answers 4 and 5 count as satisfied (DOMAIN §3).
SATISFIED_MIN: Final[int] = 4

#: Regular surveys at the counter/online aim at ≥ 95 % satisfaction (seed 001).
REGULAR_SURVEY_TARGET: Final[float] = 0.95

#: Default targets, flat so that a unit overrides any single key.  Satisfaction
#: keys are minima; flag keys are maxima (0.0 = "none": no_slip 0 means 100 %
#: of dossiers got an appointment slip).  See analysis.targets.resolve_targets.
DEFAULT_TARGETS: Final[Mapping[str, float | None]] = MappingProxyType(
    {
        "overall": REGULAR_SURVEY_TARGET,
        "service_index": REGULAR_SURVEY_TARGET,
        **{e: REGULAR_SURVEY_TARGET for e in ELEMENTS},
        **{c: REGULAR_SURVEY_TARGET for c in CRITERIA},
        **{f: 0.0 for f in FLAG_IDS},
    }
)
