"""Red flags and channel shares from one tally vector (DOMAIN §4).

Flags are "lower is better" rates: their targets are maxima (0 = "none").
`flags_of` and `channels_of` return the typed model (analysis.model); `flag_rates`
and `channel_shares` are their JSON forms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .model import Rate
from .rates import check_tallies, check_tally, count_of, rate, rates_of, resolve, slot_sums
from .sipas import CHOICE_CODES, FLAG_IDS, MIN_RESPONSES

# flag -> (numerator slots, denominator slots).  Denominators are the people
# who answered the question; "pending" (result not yet received) cannot be
# late or on time, so it is left out of the `late` denominator, and the apology
# slots only hold answers of respondents whose result was late (skip logic).
FLAG_SLOTS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "trips_3plus": (("trips.3",), ("trips.1", "trips.2", "trips.3")),
    "no_slip": (("slip.no",), ("slip.yes", "slip.no")),
    "harassment": (("harassment.some", "harassment.many"), ("harassment.none", "harassment.some", "harassment.many")),
    "extra_payment": (("extra_payment.yes",), ("extra_payment.no", "extra_payment.yes")),
    "late": (("ontime.late",), ("ontime.early", "ontime.ontime", "ontime.late")),
    "late_without_apology": (("apology_when_late.no",), ("apology_when_late.yes", "apology_when_late.no")),
}
assert tuple(FLAG_SLOTS) == FLAG_IDS

CHANNELS: tuple[str, ...] = ("online", "postal")
_SUBMIT_SLOTS: tuple[str, ...] = tuple(f"submit_channel.{c}" for c in CHOICE_CODES["submit_channel"])


def flag_counts(t: np.ndarray) -> dict[str, tuple[int, int]]:
    """flag -> (occurrences, answered)."""
    t = check_tally(t)
    return {f: (count_of(t, *num), count_of(t, *den)) for f, (num, den) in FLAG_SLOTS.items()}


def flags_of(
    t: np.ndarray,
    targets: Mapping[str, float | None] | None = None,
    interval: str = "wilson",
    *,
    min_responses: int = MIN_RESPONSES,
) -> dict[str, Rate]:
    """The six flags as Rates judged against their limits (analysis.rates.status)."""
    return flags_many(check_tally(t)[None, :], [targets], interval, min_responses=min_responses)[0]


def flags_many(
    t: np.ndarray,
    targets: Sequence[Mapping[str, float | None] | None],
    interval: str = "wilson",
    *,
    min_responses: int = MIN_RESPONSES,
) -> list[dict[str, Rate]]:
    """flags_of for every row of a (groups × slots) array, the intervals in one call."""
    t = check_tallies(t)
    occurrences = np.stack([slot_sums(t, num) for num, _ in FLAG_SLOTS.values()], axis=1)
    answered = np.stack([slot_sums(t, den) for _, den in FLAG_SLOTS.values()], axis=1)
    goals = [[resolve(g).get(f) for f in FLAG_SLOTS] for g in targets]
    rows = rates_of(occurrences, answered, goals, lower_is_better=True, interval=interval, min_responses=min_responses)
    return [dict(zip(FLAG_SLOTS, row, strict=True)) for row in rows]


def flag_rates(
    t: np.ndarray, targets: Mapping[str, float | None] | None = None, interval: str = "wilson"
) -> dict[str, dict[str, Any]]:
    return {f: r.to_json() for f, r in flags_of(t, targets, interval).items()}


def channel_counts(t: np.ndarray) -> dict[str, tuple[int, int]]:
    """channel -> (submissions through it, submission channel answered)."""
    t = check_tally(t)
    answered = count_of(t, *_SUBMIT_SLOTS)
    return {c: (count_of(t, f"submit_channel.{c}"), answered) for c in CHANNELS}


def channels_of(t: np.ndarray, interval: str = "wilson", *, min_responses: int = MIN_RESPONSES) -> dict[str, Rate]:
    """Online and postal shares of submissions (no fixed target: the seeds ask
    for +10 % on last year, which `change` shows)."""
    return {c: rate(k, n, interval=interval, min_responses=min_responses) for c, (k, n) in channel_counts(t).items()}


def channel_shares(t: np.ndarray, interval: str = "wilson") -> dict[str, dict[str, Any]]:
    return {c: r.to_json() for c, r in channels_of(t, interval).items()}
