"""Benjamini–Hochberg over every change test a report shows (issue 12).

A report tests about twenty changes of its own unit (overall, service index, five elements, six
flags, two channels) and one per sub-unit; each test at 5 % would flag about one change a month
by chance alone. All of them enter one Benjamini–Hochberg procedure at a false discovery rate of
5 %, and every Change gets its `q_value` and `significant_bh` (None when it was not tested: too
few respondents in either month). The unadjusted `p_value` and `significant` stay as they were.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields

import numpy as np

from .intervals import benjamini_hochberg
from .model import AdjustedChange, Change, Changes

#: False discovery rate of the report's change tests.
FDR_Q: float = 0.05


def _with_q(change: Change, q: float, rejected: bool) -> AdjustedChange:
    tested = not math.isnan(q)
    return AdjustedChange(
        **{f.name: getattr(change, f.name) for f in fields(Change)},
        q_value=float(q) if tested else None,
        significant_bh=bool(rejected) if tested else None,
    )


def adjust_changes(
    unit: Changes, children: Sequence[Change], q: float = FDR_Q
) -> tuple[Changes, list[AdjustedChange]]:
    """The unit's changes and the children's overall changes, adjusted together."""
    element_keys, flag_keys, channel_keys = list(unit.elements), list(unit.flags), list(unit.channels)
    tests: list[Change] = [
        unit.overall,
        unit.service_index,
        *(unit.elements[key] for key in element_keys),
        *(unit.flags[key] for key in flag_keys),
        *(unit.channels[key] for key in channel_keys),
        *children,
    ]
    pvalues = np.array([np.nan if c.p_value is None else c.p_value for c in tests], dtype=float)
    rejected, adjusted = benjamini_hochberg(pvalues, q)
    done = [_with_q(change, float(a), bool(r)) for change, a, r in zip(tests, adjusted, rejected, strict=True)]
    at = iter(done)
    unit_adjusted = Changes(
        overall=next(at),
        service_index=next(at),
        elements={key: next(at) for key in element_keys},
        flags={key: next(at) for key in flag_keys},
        channels={key: next(at) for key in channel_keys},
    )
    return unit_adjusted, list(at)
