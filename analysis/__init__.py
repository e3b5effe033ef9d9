"""Pure statistics of the citizen-satisfaction survey (SIPAS-style).

No web framework and no database here: the app turns stored answers into
ResponseArrays or keeps tally vectors per unit and month, and this package
turns tallies into report numbers.  See docs/ANALYSIS.md.

The questionnaire layout, the typed report model (analysis.model: Report, Rate,
Change, ...; standard library only), the response arrays and the tally are imported
eagerly; the last two load numpy only when they first count (analysis/slots.py holds
the layout and the one-response tally in plain Python).  The statistics that need scipy are re-exported lazily
(PEP 562), so `from analysis import sipas` in the app does not pay scipy's
import time.  No lazily exported name equals a submodule name, so importing a
submodule can never shadow a function here.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .model import (
    AdjustedChange,
    Change,
    Changes,
    ChildChanges,
    ChildFunnel,
    ChildReport,
    CoreMeasures,
    ExpectationShare,
    FunnelBand,
    FunnelCurve,
    FunnelSummary,
    GroupReport,
    MethodNotes,
    OverallRate,
    PooledRate,
    Rate,
    Report,
    ResponseRate,
    TrendPoint,
    UnitRef,
    to_jsonable,
)
from .responses import ResponseArrays
from .sipas import (
    CHOICE_CODES,
    CONFIDENCE,
    CRITERIA,
    CRITERIA_OF_ELEMENT,
    DEFAULT_TARGETS,
    ELEMENT_OF_CRITERION,
    ELEMENTS,
    EXPECT_CODES,
    FLAG_IDS,
    FULL_FORM_ID,
    KIOSK_FORM_ID,
    MIN_RESPONSES,
)
from .tally import (
    TALLY_SLOTS,
    TALLY_VERSION,
    TALLY_WIDTH,
    empty_tally,
    slot,
    tally,
    tally_from_dict,
    tally_to_dict,
)
from .targets import resolve_targets

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        ["benjamini_hochberg", "clopper_pearson", "cluster_ratio_interval", "jeffreys", "kish_effective_n",
         "newcombe_difference", "proportion_interval", "two_proportion_pvalue", "weighted_proportion", "wilson"],
        "intervals",
    ),
    **dict.fromkeys(["curve_of", "funnel_curve", "funnel_limits", "funnel_position"], "funnel"),
    **dict.fromkeys(["make_rate", "rate", "status"], "rates"),
    **dict.fromkeys(
        ["criterion_rates", "element_indices", "expectations", "overall", "pooled_index", "response_rate",
         "service_index", "criteria_of", "elements_of", "expectations_of", "overall_of", "pooled_of",
         "response_rate_of", "service_of"],
        "indices",
    ),
    **dict.fromkeys(["channel_shares", "channels_of", "flag_counts", "flag_rates", "flags_of"], "flags"),
    **dict.fromkeys(["change", "changes_of", "difference_of"], "changes"),
    **dict.fromkeys(["build_report", "compute_report", "measures_of", "trend", "trend_points"], "report"),
}
assert not set(_LAZY) & set(_LAZY.values()), "a lazy name must not equal a submodule name"

__all__ = sorted(
    [
        "CHOICE_CODES", "CONFIDENCE", "CRITERIA", "CRITERIA_OF_ELEMENT", "DEFAULT_TARGETS",
        "ELEMENT_OF_CRITERION", "ELEMENTS", "EXPECT_CODES", "FLAG_IDS", "MIN_RESPONSES",
        "ResponseArrays", "TALLY_SLOTS", "TALLY_VERSION", "TALLY_WIDTH", "empty_tally", "slot", "tally",
        "tally_from_dict", "tally_to_dict", "resolve_targets", "FULL_FORM_ID", "KIOSK_FORM_ID",
        "AdjustedChange", "Change", "Changes", "ChildChanges", "ChildFunnel", "ChildReport", "CoreMeasures",
        "ExpectationShare", "FunnelBand", "FunnelCurve", "FunnelSummary", "GroupReport", "MethodNotes",
        "OverallRate", "PooledRate", "Rate", "Report", "ResponseRate", "TrendPoint", "UnitRef", "to_jsonable",
        *_LAZY,
    ]
)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # static checkers and IDEs see the real names
    from .changes import change, changes_of, difference_of
    from .flags import channel_shares, channels_of, flag_counts, flag_rates, flags_of
    from .funnel import curve_of, funnel_curve, funnel_limits, funnel_position
    from .indices import (
        criteria_of,
        criterion_rates,
        element_indices,
        elements_of,
        expectations,
        expectations_of,
        overall,
        overall_of,
        pooled_index,
        pooled_of,
        response_rate,
        response_rate_of,
        service_index,
        service_of,
    )
    from .intervals import (
        benjamini_hochberg,
        clopper_pearson,
        cluster_ratio_interval,
        jeffreys,
        kish_effective_n,
        newcombe_difference,
        proportion_interval,
        two_proportion_pvalue,
        weighted_proportion,
        wilson,
    )
    from .rates import make_rate, rate, status
    from .report import build_report, compute_report, measures_of, trend, trend_points
