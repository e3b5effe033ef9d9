"""Resolve a unit's targets from the defaults plus its overrides."""

from __future__ import annotations

from collections.abc import Mapping

from .sipas import CRITERIA, DEFAULT_TARGETS, ELEMENTS, FLAG_IDS

#: Group keys let a unit change a whole family at once ({"criteria": 0.9});
#: specific keys given in the same override still win.
GROUP_KEYS: Mapping[str, tuple[str, ...]] = {
    "elements": ELEMENTS,
    "criteria": CRITERIA,
    "flags": FLAG_IDS,
}


def is_lower_better(key: str) -> bool:
    """Flags are "lower is better": their target is a maximum."""
    return key in FLAG_IDS


def resolve_targets(overrides: Mapping[str, float | None] | None = None) -> dict[str, float | None]:
    """Defaults with `overrides` applied; None disables a target.

    Unknown keys raise ValueError so that a typo in a unit's settings is not
    silently ignored.
    """
    result: dict[str, float | None] = dict(DEFAULT_TARGETS)
    if not overrides:
        return result
    unknown = set(overrides) - set(result) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"unknown target keys: {sorted(unknown)}")
    for group, members in GROUP_KEYS.items():
        if group in overrides:
            value = _check(group, overrides[group])
            for key in members:
                result[key] = value
    for key, value in overrides.items():
        if key not in GROUP_KEYS:
            result[key] = _check(key, value)
    return result


def _check(key: str, value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"target {key}={value} is not a fraction in [0, 1]")
    return value
