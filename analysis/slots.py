"""The tally's slot layout, the answer codes, and the tally of one response: standard library only.

`analysis.tally` counts many responses at once with numpy. A citizen's form stores one
response at a time, and building numpy arrays for one row costs more than counting it
(about 0.3 ms against 30 µs), so `tally_one` counts a single answer dict in plain Python.
It must give exactly `tally(ResponseArrays.from_records([answers]))`:
tests/analysis/test_tally_one.py compares the two on thousands of random records.
Keeping this module free of numpy also lets the web application and the database models
import the layout without loading numpy (docs/BENCHMARKS.md, start-up and worker memory).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .sipas import CHOICE_CODES, CRITERIA, CRITERIA_OF_ELEMENT, ELEMENTS, EXPECT_CODES, SATISFIED_MIN

POOLS: tuple[str, ...] = ELEMENTS + ("service",)
POOL_STATS: tuple[str, ...] = ("y", "m", "yy", "mm", "ym", "k")
SCORES: tuple[int, ...] = (1, 2, 3, 4, 5)


def _layout() -> tuple[str, ...]:
    names = ["n"]
    for item in CRITERIA + ELEMENTS + ("overall",):
        names += [f"{item}.{s}" for s in SCORES]
    for pool in POOLS:
        names += [f"{pool}.{stat}" for stat in POOL_STATS]
    for item, codes in CHOICE_CODES.items():
        if item == "apology":
            names += [f"apology_when_late.{c}" for c in codes] + ["apology_not_late"]
        else:
            names += [f"{item}.{c}" for c in codes]
    names += [f"expect.{c}" for c in EXPECT_CODES] + ["expect_asked"]
    return tuple(names)


TALLY_SLOTS: tuple[str, ...] = _layout()
TALLY_WIDTH: int = len(TALLY_SLOTS)
SLOT_INDEX: Mapping[str, int] = {name: i for i, name in enumerate(TALLY_SLOTS)}
assert len(SLOT_INDEX) == TALLY_WIDTH, "slot names must be unique"

# Score look-up shared by criteria, kiosk element ratings and `overall`. Strings are
# accepted because HTML forms and JSON payloads deliver "4" as often as 4.
NOT_ANSWERED: tuple[Any, ...] = (None, "", "na", "NA", "n/a", 0, "0")
SCORE_LUT: dict[Any, int] = {v: 0 for v in NOT_ANSWERED}
SCORE_LUT.update({i: i for i in range(1, 6)})
SCORE_LUT.update({str(i): i for i in range(1, 6)})


def _choice_lut(codes: Sequence[str]) -> dict[Any, int]:
    lut: dict[Any, int] = {v: 0 for v in NOT_ANSWERED if v not in codes}
    for position, code in enumerate(codes, start=1):
        lut[code] = position
        if code.isdigit():  # trips may arrive as the integer 3
            lut[int(code)] = position
    return lut


CHOICE_LUTS: dict[str, dict[Any, int]] = {item: _choice_lut(codes) for item, codes in CHOICE_CODES.items()}
EXPECT_INDEX: dict[str, int] = {code: i for i, code in enumerate(EXPECT_CODES)}
_LATE: int = CHOICE_CODES["ontime"].index("late") + 1

# Positions computed once: the first slot of each scored item's five, and of each choice item.
_SCORED_FIRST: dict[str, int] = {item: SLOT_INDEX[f"{item}.1"] for item in CRITERIA + ELEMENTS + ("overall",)}
_CHOICE_FIRST: dict[str, int] = {
    item: SLOT_INDEX[("apology_when_late." if item == "apology" else f"{item}.") + codes[0]]
    for item, codes in CHOICE_CODES.items()
}
_POOL_FIRST: dict[str, int] = {pool: SLOT_INDEX[f"{pool}.y"] for pool in POOLS}
_EXPECT_FIRST: int = SLOT_INDEX[f"expect.{EXPECT_CODES[0]}"]


def _code(lut: Mapping[Any, int], key: str, value: Any) -> int:
    try:
        return lut[value]
    except (KeyError, TypeError):  # TypeError: an unhashable answer such as a list
        raise ValueError(f"{key}: invalid answer {value!r} in record 0") from None


def tally_one(answers: Mapping[str, Any]) -> list[int]:
    """The tally vector (TALLY_WIDTH plain ints) of one response's answers, keyed by item ids,
    read exactly as `ResponseArrays.from_records` reads them (unknown answers: ValueError)."""
    out = [0] * TALLY_WIDTH
    out[0] = 1  # n
    satisfied: dict[str, int] = dict.fromkeys(ELEMENTS, 0)
    answered: dict[str, int] = dict.fromkeys(ELEMENTS, 0)
    for element in ELEMENTS:
        for criterion in CRITERIA_OF_ELEMENT[element]:
            score = _code(SCORE_LUT, criterion, answers.get(criterion))
            if score:
                out[_SCORED_FIRST[criterion] + score - 1] += 1
                answered[element] += 1
                satisfied[element] += score >= SATISFIED_MIN
        rating = _code(SCORE_LUT, element, answers.get(element))  # the kiosk's direct rating
        if rating:
            out[_SCORED_FIRST[element] + rating - 1] += 1
            answered[element] += 1
            satisfied[element] += rating >= SATISFIED_MIN
    overall = _code(SCORE_LUT, "overall", answers.get("overall"))
    if overall:
        out[_SCORED_FIRST["overall"] + overall - 1] += 1

    pools = [(satisfied[e], answered[e]) for e in ELEMENTS]
    pools.append((sum(satisfied.values()), sum(answered.values())))
    for pool, (y, m) in zip(POOLS, pools, strict=True):
        first = _POOL_FIRST[pool]
        out[first : first + 6] = [y, m, y * y, m * m, y * m, int(m > 0)]

    late = _code(CHOICE_LUTS["ontime"], "ontime", answers.get("ontime")) == _LATE
    for item in CHOICE_CODES:
        value = _code(CHOICE_LUTS[item], item, answers.get(item))
        if item == "apology":
            # Skip logic: apology is only meaningful for late results.
            if value and late:
                out[_CHOICE_FIRST[item] + value - 1] += 1
            elif value:
                out[SLOT_INDEX["apology_not_late"]] += 1
        elif value:
            out[_CHOICE_FIRST[item] + value - 1] += 1

    chosen = answers.get("expect")
    asked = answers.get("expect_asked")
    out[SLOT_INDEX["expect_asked"]] = int(bool(asked) if asked is not None else chosen is not None)
    if isinstance(chosen, str):  # a single code instead of a list
        chosen = [chosen]
    if chosen:
        for code in chosen:
            try:
                position = EXPECT_INDEX[code]
            except (KeyError, TypeError):
                raise ValueError(f"expect: unknown code {code!r} in record 0") from None
            out[_EXPECT_FIRST + position] = 1  # naming an area twice still counts one respondent
    return out
