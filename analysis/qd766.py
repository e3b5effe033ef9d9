"""The satisfaction group of QĐ 766/QĐ-TTg (23 June 2022): 18 of the index's 100 points.

The decision's three rates (docs/ANALYSIS.md, "QĐ 766"):

1. complaints and petitions ("phản ánh, kiến nghị") handled on time / those due;
2. complaints neither rated dissatisfied nor overdue / complaints;
3. (returned dossiers − those rated dissatisfied or complained about) / returned dossiers.

The decision does not say how the 18 points split between the rates: we assume equal thirds,
6 points × each rate, and a rate with nothing to count (no complaint, no dossier) earns its 6
points, since nothing failed. These are counts of a whole population (every complaint, every
returned dossier), not a sample: no minimum n suppresses them, and the interval is the Wilson
interval of the proportion, shown for comparability with the survey's rates.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Qd766, Rate
from .rates import rate

MAX_POINTS = 18
#: Points per rate: the assumed equal split of the 18 points.
POINTS_PER_RATE = MAX_POINTS / 3


@dataclass(frozen=True)
class Qd766Counts:
    """What the database counts for a unit's subtree and a period (docs/ANALYSIS.md)."""

    complaints: int  # due in the period (and decided: handled, or past due)
    complaints_on_time: int  # of those, handled on or before the due date
    complaints_not_dissatisfied: int  # of those, neither rated dissatisfied nor overdue
    dossiers_returned: int  # returned in the period
    dossiers_dissatisfied_or_complained: int  # of those, rated 1–2 on `overall` or complained about


def _census(count: int, n: int) -> Rate:
    # Every complaint and returned dossier is counted, so one is enough for a value.
    return rate(count, n, min_responses=1)


def _points(rates: tuple[Rate, ...]) -> float:
    earned = sum(POINTS_PER_RATE * (1.0 if r.n == 0 or r.value is None else r.value) for r in rates)
    return round(earned, 2)


def qd766_of(counts: Qd766Counts) -> Qd766:
    """The `qd766` block of the report from the period's counts."""
    if not (0 <= counts.complaints_on_time <= counts.complaints
            and 0 <= counts.complaints_not_dissatisfied <= counts.complaints
            and 0 <= counts.dossiers_dissatisfied_or_complained <= counts.dossiers_returned):
        raise ValueError(f"inconsistent QĐ 766 counts: {counts}")
    on_time = _census(counts.complaints_on_time, counts.complaints)
    not_dissatisfied = _census(counts.complaints_not_dissatisfied, counts.complaints)
    dossiers = _census(counts.dossiers_returned - counts.dossiers_dissatisfied_or_complained,
                       counts.dossiers_returned)
    return Qd766(
        complaints_on_time=on_time,
        complaints_not_dissatisfied=not_dissatisfied,
        dossiers_satisfied=dossiers,
        points=_points((on_time, not_dissatisfied, dossiers)),
        max_points=MAX_POINTS,
    )
