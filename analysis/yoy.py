"""Year on year: a period against the same period a year earlier (docs/REPORT.md, `year_on_year`).

The app sums the tallies of the same months a year earlier and passes them as the "then" tally;
this module only compares two tallies. Each change is the Newcombe difference of
analysis.changes (now − then) plus the respondents on each side (`n_then`, `n_now`); its numbers
are all None when either side has fewer than MIN_RESPONSES respondents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from .changes import Counts, difference_of, overall_counts, pooled_counts, single_counts
from .flags import flag_counts
from .model import Change, JsonDict
from .rates import check_tally
from .sipas import ELEMENTS

__all__ = ["YearOnYear", "YearOnYearChange", "year_on_year", "year_on_year_of"]


@dataclass(frozen=True)
class YearOnYearChange(Change):
    """now − then, with the respondents each side counted."""

    n_then: int
    n_now: int

    def to_json(self) -> JsonDict:
        return {**self._change_json(), "n_then": self.n_then, "n_now": self.n_now}


@dataclass(frozen=True)
class YearOnYear:
    """Every year-on-year change of a unit; `period` is the period a year earlier."""

    period: str
    overall: YearOnYearChange
    service_index: YearOnYearChange
    elements: Mapping[str, YearOnYearChange]
    flags: Mapping[str, YearOnYearChange]

    def to_json(self) -> JsonDict:
        return {
            "period": self.period,
            "overall": self.overall.to_json(),
            "service_index": self.service_index.to_json(),
            "elements": {key: change.to_json() for key, change in self.elements.items()},
            "flags": {key: change.to_json() for key, change in self.flags.items()},
        }


def _change(now: Counts, then: Counts) -> YearOnYearChange:
    return YearOnYearChange(**asdict(difference_of(now, then)), n_then=int(then[2]), n_now=int(now[2]))


def year_on_year_of(period_then: str, t_now: np.ndarray, t_then: np.ndarray) -> YearOnYear:
    """The changes from `t_then` (the tally of `period_then`, a year earlier) to `t_now`."""
    t_now, t_then = check_tally(t_now), check_tally(t_then)
    flags_now, flags_then = flag_counts(t_now), flag_counts(t_then)
    return YearOnYear(
        period=period_then,
        overall=_change(overall_counts(t_now), overall_counts(t_then)),
        service_index=_change(pooled_counts(t_now, "service"), pooled_counts(t_then, "service")),
        elements={e: _change(pooled_counts(t_now, e), pooled_counts(t_then, e)) for e in ELEMENTS},
        flags={f: _change(single_counts(*flags_now[f]), single_counts(*flags_then[f])) for f in flags_now},
    )


def year_on_year(period_then: str, t_now: np.ndarray, t_then: np.ndarray) -> JsonDict:
    """The JSON form of year_on_year_of."""
    return year_on_year_of(period_then, t_now, t_then).to_json()
