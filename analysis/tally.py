"""Additive sufficient statistics ("tally") of a set of responses.

Every number in a report is a function of one int64 vector of counts whose
slots are listed in TALLY_SLOTS.  Counts add: the tally of a union of disjoint
response sets is the sum of their tallies.  That is what lets the app keep
per-unit, per-month aggregates in a table and roll them up the unit tree
without re-reading responses, and still get the very same report numbers.

Slot naming scheme (stable; new slots are only ever appended):

* ``n``                      responses
* ``TC01.1`` … ``TC22.5``    answers per criterion and score
* ``E1.1`` … ``E5.5``        kiosk direct element ratings per score
* ``overall.1`` … ``overall.5``
* ``<pool>.y|m|yy|mm|ym|k``  for pool in E1…E5 and ``service``: per respondent
  y = satisfied items (4–5), m = answered items (1–5) of the pool, counting the
  element's criteria and its kiosk rating; slots hold Σy, Σm, Σy², Σm², Σym and
  k = number of respondents with m > 0 (the clusters of the pooled index)
* ``<item>.<code>``          choice items (``trips.3``, ``slip.no``,
  ``ontime.late``, ``harassment.some``, ``submit_channel.online``, …)
* ``apology_when_late.yes|no`` apology answers of respondents with ontime=late
  (the question is only asked then); ``apology_not_late`` counts apology answers
  that violate the skip logic (ignored by every rate, kept for data checks)
* ``expect.<code>``          respondents naming each improvement area
* ``expect_asked``           respondents whose form offered `expect`
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from .responses import ResponseArrays
from .sipas import CHOICE_CODES, CRITERIA, CRITERIA_OF_ELEMENT, ELEMENTS, EXPECT_CODES, SATISFIED_MIN
from .slots import POOL_STATS, POOLS, SCORES, SLOT_INDEX, TALLY_SLOTS, TALLY_WIDTH, tally_one

if TYPE_CHECKING:
    import numpy as np

# numpy is imported inside the functions that count: the layout above is all the web
# application needs at start-up (analysis/slots.py), so `import analysis` does not load numpy.
__all__ = ["POOLS", "POOL_STATS", "SCORES", "TALLY_SLOTS", "TALLY_VERSION", "TALLY_WIDTH", "empty_tally", "slot",
           "tally", "tally_from_dict", "tally_one", "tally_to_dict"]

#: Bump when the layout changes incompatibly (it should only ever grow).
TALLY_VERSION: int = 1

_SLOT_INDEX = SLOT_INDEX
_LATE: int = CHOICE_CODES["ontime"].index("late") + 1


@cache
def _membership() -> np.ndarray:
    """(22, 5) indicator of criterion -> element. Summing items per element is a matrix
    product: BLAS in float32 is exact for these tiny integers and several times faster than
    np.add.reduceat over the columns."""
    import numpy as np

    return np.array([[c in CRITERIA_OF_ELEMENT[e] for e in ELEMENTS] for c in CRITERIA], dtype=np.float32)


def slot(name: str) -> int:
    """Position of a named slot in a tally vector."""
    try:
        return _SLOT_INDEX[name]
    except KeyError:
        raise KeyError(f"unknown tally slot {name!r}") from None


def empty_tally() -> np.ndarray:
    import numpy as np

    return np.zeros(TALLY_WIDTH, np.int64)


def tally(
    arrays: ResponseArrays,
    group: np.ndarray | None = None,
    n_groups: int | None = None,
) -> np.ndarray:
    """Tally of the responses: shape (TALLY_WIDTH,), or (n_groups, TALLY_WIDTH)
    when `group` gives each response's group number in 0..n_groups-1."""
    import numpy as np

    n = len(arrays)
    g, n_out = _check_groups(group, n_groups, n)
    acc = _Accumulator(g, n_out, n)
    out = np.zeros((n_out, TALLY_WIDTH), np.int64)

    out[:, slot("n")] = acc.count(None)
    crit = arrays.criteria
    for j, item in enumerate(CRITERIA):
        out[:, slot(f"{item}.1") : slot(f"{item}.5") + 1] = acc.categories(crit[:, j], 5)
    for j, item in enumerate(ELEMENTS):
        out[:, slot(f"{item}.1") : slot(f"{item}.5") + 1] = acc.categories(arrays.element_ratings[:, j], 5)
    out[:, slot("overall.1") : slot("overall.5") + 1] = acc.categories(arrays.overall, 5)

    _pool_sums(arrays, acc, out)

    late = arrays.ontime == _LATE
    for item, codes in CHOICE_CODES.items():
        values = arrays.choice(item)
        if item == "apology":
            # Skip logic: apology is only meaningful for late results.
            first = slot("apology_when_late." + codes[0])
            out[:, first : first + len(codes)] = acc.categories(np.where(late, values, 0), len(codes))
            out[:, slot("apology_not_late")] = acc.count(~late & (values > 0))
        else:
            first = slot(f"{item}.{codes[0]}")
            out[:, first : first + len(codes)] = acc.categories(values, len(codes))

    first = slot(f"expect.{EXPECT_CODES[0]}")
    out[:, first : first + len(EXPECT_CODES)] = acc.matrix_counts(arrays.expect)
    out[:, slot("expect_asked")] = acc.count(arrays.expect_asked)
    return out[0] if g is None else out


def _pool_sums(arrays: ResponseArrays, acc: _Accumulator, out: np.ndarray) -> None:
    """Per respondent y (satisfied) and m (answered) items per element and for
    the whole service, then the sums of y, m, y², m², ym and the cluster count."""
    import numpy as np

    crit = arrays.criteria
    direct = arrays.element_ratings
    # int16 is ample: at most 22 criteria + 5 kiosk ratings per respondent.
    y = ((crit >= SATISFIED_MIN).astype(np.float32) @ _membership()).astype(np.int16)
    m = ((crit > 0).astype(np.float32) @ _membership()).astype(np.int16)
    y += direct >= SATISFIED_MIN
    m += direct > 0
    y = np.concatenate([y, y.sum(axis=1, keepdims=True, dtype=np.int16)], axis=1)
    m = np.concatenate([m, m.sum(axis=1, keepdims=True, dtype=np.int16)], axis=1)
    per_stat = {"y": y, "m": m, "yy": y * y, "mm": m * m, "ym": y * m}
    for p, pool in enumerate(POOLS):
        for stat, values in per_stat.items():
            out[:, slot(f"{pool}.{stat}")] = acc.total(values[:, p])
        out[:, slot(f"{pool}.k")] = acc.count(m[:, p] > 0)


class _Accumulator:
    """Group-wise counting primitives, all built on np.bincount (one pass over a
    column, never a Python loop over responses)."""

    def __init__(self, group: np.ndarray | None, n_groups: int, n_rows: int) -> None:
        self.group = group
        self.n_groups = n_groups
        self.n_rows = n_rows

    def count(self, mask: np.ndarray | None) -> np.ndarray:
        """Responses per group (where mask is true)."""
        import numpy as np

        if self.group is None:
            total = self.n_rows if mask is None else int(np.count_nonzero(mask))
            return np.array([total], np.int64)
        g = self.group if mask is None else self.group[mask]
        return np.bincount(g, minlength=self.n_groups).astype(np.int64)

    def categories(self, values: np.ndarray, k: int) -> np.ndarray:
        """(n_groups, k) counts of codes 1..k (code 0 = unanswered is dropped)."""
        import numpy as np

        v = values.astype(np.intp)
        if self.group is None:
            return np.bincount(v, minlength=k + 1)[None, 1:].astype(np.int64)
        flat = np.bincount(self.group * (k + 1) + v, minlength=self.n_groups * (k + 1))
        return flat.reshape(self.n_groups, k + 1)[:, 1:].astype(np.int64)

    def total(self, values: np.ndarray) -> np.ndarray:
        """Per-group sums of small non-negative integers."""
        import numpy as np

        if self.group is None:
            return np.array([values.sum(dtype=np.int64)], np.int64)
        # bincount sums in float64, which is exact for integer totals < 2**53
        # (far beyond 27² per respondent times any realistic number of responses).
        sums = np.bincount(self.group, weights=values, minlength=self.n_groups)
        return np.rint(sums).astype(np.int64)

    def matrix_counts(self, flags: np.ndarray) -> np.ndarray:
        """(n_groups, columns) counts of true cells of a boolean matrix."""
        import numpy as np

        cols = flags.shape[1]
        if self.group is None:
            return flags.sum(axis=0, dtype=np.int64)[None, :]
        rows, which = np.nonzero(flags)
        flat = np.bincount(self.group[rows] * cols + which, minlength=self.n_groups * cols)
        return flat.reshape(self.n_groups, cols).astype(np.int64)


def _check_groups(group: np.ndarray | None, n_groups: int | None, n: int) -> tuple[np.ndarray | None, int]:
    import numpy as np

    if group is None:
        if n_groups is not None:
            raise ValueError("n_groups given without group")
        return None, 1
    g = np.asarray(group)
    if g.shape != (n,):
        raise ValueError(f"group has shape {g.shape}, expected ({n},)")
    if n and g.dtype.kind not in "iu":
        raise TypeError("group must hold integer group numbers")
    g = g.astype(np.intp, copy=False)
    highest = int(g.max()) if n else -1
    if n and int(g.min()) < 0:
        raise ValueError("group numbers must be >= 0")
    if n_groups is None:
        n_groups = highest + 1
    elif highest >= n_groups:
        raise ValueError(f"group number {highest} >= n_groups {n_groups}")
    return g, int(n_groups)


def tally_to_dict(t: np.ndarray) -> dict[str, int]:
    """Named counts (plain ints) of one tally vector, e.g. for JSON storage."""
    t = _as_vector(t)
    return {name: int(v) for name, v in zip(TALLY_SLOTS, t, strict=True)}


def tally_from_dict(counts: Mapping[str, int]) -> np.ndarray:
    """Inverse of tally_to_dict; missing slots are 0, unknown names are errors
    (so a row stored under a newer layout is never silently truncated)."""
    t = empty_tally()
    for name, value in counts.items():
        t[slot(name)] = int(value)
    return t


def _as_vector(t: np.ndarray) -> np.ndarray:
    import numpy as np

    a = np.asarray(t)
    if a.shape != (TALLY_WIDTH,):
        raise ValueError(f"tally vector of shape ({TALLY_WIDTH},) expected, got {a.shape}")
    return a
