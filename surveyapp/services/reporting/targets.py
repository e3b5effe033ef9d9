"""Per-unit report targets: defaults from analysis.sipas, overridden key by key down the tree.

Rule (docs/REPORT.md): walking from the root to the unit, each unit's overrides are applied
in turn over the defaults, so every key comes from the nearest unit that sets it (a group key
such as "criteria" counts as setting each of its members). A unit with no override at all
simply inherits its parent's targets.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from analysis.targets import GROUP_KEYS, resolve_targets
from surveyapp.models import Unit
from surveyapp.services.organisation.lookups import unit_chain

Overrides = dict[str, float | None]


def _expanded(overrides: Mapping[str, Any]) -> Overrides:
    """Group keys spelled out, so a later (deeper) group key beats an earlier specific key."""
    out: Overrides = {}
    for group, members in GROUP_KEYS.items():
        if group in overrides:
            out.update({member: overrides[group] for member in members})
    out.update({key: value for key, value in overrides.items() if key not in GROUP_KEYS})
    return out


def effective_overrides(unit: Unit) -> Overrides:
    """The overrides that apply to `unit` after inheritance (empty: all defaults)."""
    merged: Overrides = {}
    for level in unit_chain(unit):
        if level.targets:
            merged.update(_expanded(level.targets))
    return merged


def effective_targets(unit: Unit) -> dict[str, float | None]:
    return resolve_targets(effective_overrides(unit))


def set_targets(session: Session, unit: Unit, overrides: Mapping[str, float | None] | None) -> None:
    """Replace the unit's own overrides (None or {} clears them). Raises ValueError for an
    unknown key or a value outside 0..1, before anything is written."""
    if overrides:
        resolve_targets(dict(overrides))  # validates keys and values
        unit.targets = {key: (None if value is None else float(value)) for key, value in overrides.items()}
    else:
        unit.targets = None
    session.flush()
