"""The numpy floor of the report benchmark: the report's counts straight from in-memory arrays.

`floor_tally(arrays, group, n_groups)` returns exactly what analysis.tally returns (all
TALLY_WIDTH slots per group; bench/reports.py checks equality), written for speed alone: one
np.bincount over a combined (group, column, code) index per block of columns instead of one
per column, and the pooled sums Σy, Σm, Σy², Σm², Σym read off a (group, y, m) histogram instead
of five weighted bincounts per pool. No database, no Python loop over responses or groups.
"""
from __future__ import annotations

import numpy as np

from analysis.responses import CHOICE_CODES, EXPECT_CODES
from analysis.sipas import CRITERIA, CRITERIA_OF_ELEMENT, ELEMENTS
from analysis.tally import TALLY_WIDTH, slot

_LATE = CHOICE_CODES["ontime"].index("late") + 1
_MAX_ITEMS = 28  # y and m are at most 22 criteria + 5 direct ratings = 27
_MEMBER = np.array([[c in CRITERIA_OF_ELEMENT[e] for e in ELEMENTS] for c in CRITERIA], dtype=np.float32)


def _block_counts(values: np.ndarray, group: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    """(n_groups, columns, k) counts of codes 1..k of an (n, columns) code matrix."""
    cols = values.shape[1]
    index = (group[:, None] * cols + np.arange(cols)) * (k + 1) + values
    flat = np.bincount(index.ravel(), minlength=n_groups * cols * (k + 1))
    return flat.reshape(n_groups, cols, k + 1)[:, :, 1:]


def floor_tally(arrays, group: np.ndarray, n_groups: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    g = np.asarray(group, dtype=np.intp)
    out = np.zeros((n_groups, TALLY_WIDTH), np.int64)
    out[:, slot("n")] = np.bincount(g, minlength=n_groups)

    crit = arrays.criteria
    counts = _block_counts(crit, g, n_groups, 5)
    out[:, slot("TC01.1") : slot("TC22.5") + 1] = counts.reshape(n_groups, -1)
    counts = _block_counts(arrays.element_ratings, g, n_groups, 5)
    out[:, slot("E1.1") : slot("E5.5") + 1] = counts.reshape(n_groups, -1)
    counts = _block_counts(arrays.overall[:, None], g, n_groups, 5)
    out[:, slot("overall.1") : slot("overall.5") + 1] = counts.reshape(n_groups, -1)

    # Pools: per respondent y (satisfied) and m (answered) items, then a (group, y, m) histogram.
    direct = arrays.element_ratings
    y = ((crit >= 4).astype(np.float32) @ _MEMBER).astype(np.intp) + (direct >= 4)
    m = ((crit > 0).astype(np.float32) @ _MEMBER).astype(np.intp) + (direct > 0)
    grid = np.arange(_MAX_ITEMS)
    yv, mv = np.meshgrid(grid, grid, indexing="ij")
    weights = np.stack([yv, mv, yv * yv, mv * mv, yv * mv, (mv > 0)]).reshape(6, -1).T  # (784, 6)
    for p, pool in enumerate(ELEMENTS + ("service",)):
        yp = y.sum(axis=1) if pool == "service" else y[:, p]
        mp = m.sum(axis=1) if pool == "service" else m[:, p]
        hist = np.bincount((g * _MAX_ITEMS + yp) * _MAX_ITEMS + mp, minlength=n_groups * _MAX_ITEMS * _MAX_ITEMS)
        stats = hist.reshape(n_groups, -1) @ weights
        out[:, slot(f"{pool}.y") : slot(f"{pool}.k") + 1] = stats

    late = arrays.ontime == _LATE
    for item, codes in CHOICE_CODES.items():
        values = arrays.choice(item)
        k = len(codes)
        if item == "apology":
            first = slot("apology_when_late." + codes[0])
            counts = _block_counts(np.where(late, values, 0)[:, None], g, n_groups, k)
            out[:, first : first + k] = counts.reshape(n_groups, -1)
            out[:, slot("apology_not_late")] = np.bincount(g[~late & (values > 0)], minlength=n_groups)
        else:
            first = slot(f"{item}.{codes[0]}")
            out[:, first : first + k] = _block_counts(values[:, None], g, n_groups, k).reshape(n_groups, -1)

    rows, which = np.nonzero(arrays.expect)
    cols = len(EXPECT_CODES)
    first = slot(f"expect.{EXPECT_CODES[0]}")
    out[:, first : first + cols] = np.bincount(g[rows] * cols + which, minlength=n_groups * cols).reshape(n_groups, cols)
    out[:, slot("expect_asked")] = np.bincount(g[arrays.expect_asked], minlength=n_groups)
    return out
