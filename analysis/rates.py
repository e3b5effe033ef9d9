"""The `Rate` result shared by every published proportion, and the status rule.

A Rate (analysis.model.Rate) holds value, ci_low, ci_high, n, count,
insufficient, status and target; its JSON form is the dict

    {"value", "ci_low", "ci_high", "n", "count", "insufficient", "status", "target"}

value and the bounds are fractions 0–1, and None when n < MIN_RESPONSES
(DOMAIN §5: a rate on fewer than 30 answers is "insufficient data", not a
number).  `count` is the numerator (satisfied answers, flag occurrences).

Naming in this package: `rate`, `criteria_of`, `overall_of`, ... return the
typed model; the older names (`make_rate`, `criterion_rates`, `overall`, ...)
return its JSON form and stay the documented public API (docs/ANALYSIS.md §4).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

import numpy as np

from .intervals import proportion_interval
from .model import Rate, Status
from .sipas import CONFIDENCE, DEFAULT_TARGETS, MIN_RESPONSES
from .tally import TALLY_WIDTH, slot

STATUSES: tuple[Status, ...] = ("meets", "possibly_below", "below")
#: Statuses of a lower-is-better measure (a flag): its target is a limit.
LIMIT_STATUSES: tuple[Status, ...] = ("within", "possibly_above", "above", "incidents")


def status(
    value: float | None,
    ci_low: float | None,
    ci_high: float | None,
    target: float | None,
    lower_is_better: bool = False,
) -> Status | None:
    """Performance against a target, judged with the interval (DOMAIN §5, docs/ANALYSIS.md).

    Satisfaction (higher is better, the target is a minimum): "below" when even
    the upper bound is under the target; "possibly_below" when only the point
    estimate is; otherwise "meets".
    Flags (lower is better, the target is a limit): "above" when even the lower
    bound is over the limit; "possibly_above" when only the estimate is;
    otherwise "within". A zero-tolerance flag (limit 0) is not tested: any
    case makes it "incidents" (the count is the message), none is "within".
    None when there is no target or no estimate.
    """
    if target is None or value is None or ci_low is None or ci_high is None:
        return None
    if lower_is_better:
        if target == 0:
            return "incidents" if value > 0 else "within"
        if ci_low > target:
            return "above"
        return "possibly_above" if value > target else "within"
    if ci_high < target:
        return "below"
    return "possibly_below" if value < target else "meets"


def rate(
    count: float,
    n: int,
    *,
    target: float | None = None,
    lower_is_better: bool = False,
    interval: str = "wilson",
    estimate: tuple[float, float, float] | None = None,
    min_responses: int = MIN_RESPONSES,
) -> Rate:
    """The Rate of `count` of `n`.  `estimate` = (value, low, high)
    replaces the single-proportion interval (pooled indices bring their own
    cluster interval, while `n` stays the number of respondents)."""
    n = int(n)
    insufficient = n < min_responses
    value = low = high = None
    if not insufficient:
        if estimate is None:
            lo, hi = proportion_interval(count, n, interval, CONFIDENCE)
            estimate = (count / n, float(lo), float(hi))
        value, low, high = (json_float(x) for x in estimate)
    return built(Rate, {
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        # Suppression hides the numerator with the value: "21 of 21" tells what "insufficient" hides.
        "count": None if insufficient else int(round(count)),
        "insufficient": insufficient,
        "status": None if insufficient else status(value, low, high, target, lower_is_better),
        "target": json_float(target),
        "small_area": None,
    })


def rates_of(
    counts: np.ndarray,
    ns: np.ndarray,
    targets: np.ndarray | list[list[float | None]] | None = None,
    *,
    lower_is_better: bool = False,
    interval: str = "wilson",
    min_responses: int = MIN_RESPONSES,
) -> list[list[Rate]]:
    """`rate` of every cell of two (groups × measures) count arrays, the intervals computed in one
    vectorised call: a province's hundred communes × 22 criteria cost one interval call, not
    2,200. targets: per group and measure (None: no target). Cell for cell the same Rate as
    `rate(counts[g, j], ns[g, j], ...)`."""
    counts, ns = np.asarray(counts), np.asarray(ns)
    shown = ns >= min_responses
    low = high = np.full(counts.shape, np.nan)
    if np.any(shown):
        # Suppressed cells are never computed (a zero n would only give NaN anyway).
        lo, hi = proportion_interval(np.where(shown, counts, 0), np.where(shown, ns, 1), interval, CONFIDENCE)
        low, high = np.asarray(lo), np.asarray(hi)
    # Plain Python numbers: indexing numpy arrays cell by cell costs more than the arithmetic.
    count_rows, n_rows, low_rows, high_rows, shown_rows = (
        a.tolist() for a in (counts.astype(np.int64), ns.astype(np.int64), low, high, shown)
    )
    out: list[list[Rate]] = []
    for g in range(counts.shape[0]):
        row: list[Rate] = []
        for j in range(counts.shape[1]):
            count, n = count_rows[g][j], n_rows[g][j]
            target = None if targets is None else targets[g][j]
            estimate = (count / n, low_rows[g][j], high_rows[g][j]) if shown_rows[g][j] else None
            row.append(rate(count, n, target=target, lower_is_better=lower_is_better, interval=interval,
                            estimate=estimate, min_responses=min_responses))
        out.append(row)
    return out


def make_rate(
    count: float,
    n: int,
    *,
    target: float | None = None,
    lower_is_better: bool = False,
    interval: str = "wilson",
    estimate: tuple[float, float, float] | None = None,
    min_responses: int = MIN_RESPONSES,
) -> dict[str, Any]:
    """The JSON form of `rate(...)` (same arguments)."""
    return rate(
        count, n, target=target, lower_is_better=lower_is_better, interval=interval, estimate=estimate,
        min_responses=min_responses,
    ).to_json()


def resolve(targets: Mapping[str, float | None] | None) -> Mapping[str, float | None]:
    """Targets to judge against: the defaults when none are given."""
    return DEFAULT_TARGETS if targets is None else targets


def count_of(t: np.ndarray, *names: str) -> int:
    """Sum of named tally slots as a Python int."""
    return int(sum(int(t[slot(name)]) for name in names))


def slot_sums(t: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Sum of named tally slots for every row of a (groups × TALLY_WIDTH) array, as int64."""
    return np.asarray(t[:, [slot(name) for name in names]], dtype=np.int64).sum(axis=1)


def check_tallies(t: Any) -> np.ndarray:
    """A (groups × TALLY_WIDTH) array of tallies, one row per group."""
    a = np.asarray(t)
    if a.ndim != 2 or a.shape[1] != TALLY_WIDTH:
        raise ValueError(f"tallies of shape (groups, {TALLY_WIDTH}) are expected, got {a.shape}")
    return a


def check_tally(t: Any) -> np.ndarray:
    a = np.asarray(t)
    if a.shape != (TALLY_WIDTH,):
        raise ValueError(f"a single tally vector of shape ({TALLY_WIDTH},) is expected, got {a.shape}")
    return a


def json_float(x: float | None) -> float | None:
    """Plain float, with NaN/inf turned into None (reports must be valid JSON)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


R = TypeVar("R", bound=Rate)


_RATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Rate))


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(kind: type) -> frozenset[str]:
    found = _FIELD_NAMES.get(kind)
    if found is None:
        found = _FIELD_NAMES[kind] = frozenset(f.name for f in fields(kind))
    return found


def built(kind: type[R], values: dict[str, Any]) -> R:
    """The frozen dataclass `kind` with exactly these field values, made without its generated
    __init__ (one object.__setattr__ per field): a province's report makes thousands of rates.
    The same object, field for field, as `kind(**values)` (tests/analysis/test_cold_path.py);
    values that do not name every field, and nothing else, go through `kind(**values)` instead,
    as does a class with a `__post_init__` (which this would skip)."""
    if values.keys() != _field_names(kind) or hasattr(kind, "__post_init__"):
        return kind(**values)
    out = object.__new__(kind)
    object.__setattr__(out, "__dict__", values)
    return out


def extend(base: Rate, kind: type[R], **extra: Any) -> R:
    """`base` as the richer rate `kind` (a pooled index, the overall rate...) with `extra` fields."""
    return built(kind, {**{name: getattr(base, name) for name in _RATE_FIELDS}, **extra})
