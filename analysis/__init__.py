"""Pure statistics of the citizen-satisfaction survey (SIPAS-style).

No web framework and no database here: the app turns stored answers into
ResponseArrays or keeps tally vectors per unit and month, and this package
turns tallies into report numbers.  See docs/ANALYSIS.md.
"""

from .change import change
from .flags import channel_shares, flag_counts, flags
from .funnel import funnel_curve, funnel_limits, funnel_position
from .indices import (
    criterion_rates,
    element_indices,
    expectations,
    overall,
    pooled_index,
    response_rate,
    service_index,
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
from .rates import make_rate, status
from .report import build_report, to_jsonable, trend
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

__all__ = [
    "CHOICE_CODES",
    "CONFIDENCE",
    "CRITERIA",
    "CRITERIA_OF_ELEMENT",
    "DEFAULT_TARGETS",
    "ELEMENTS",
    "ELEMENT_OF_CRITERION",
    "EXPECT_CODES",
    "FLAG_IDS",
    "MIN_RESPONSES",
    "ResponseArrays",
    "TALLY_SLOTS",
    "TALLY_VERSION",
    "TALLY_WIDTH",
    "benjamini_hochberg",
    "build_report",
    "change",
    "channel_shares",
    "clopper_pearson",
    "cluster_ratio_interval",
    "criterion_rates",
    "element_indices",
    "empty_tally",
    "expectations",
    "flag_counts",
    "flags",
    "funnel_curve",
    "funnel_limits",
    "funnel_position",
    "jeffreys",
    "kish_effective_n",
    "make_rate",
    "newcombe_difference",
    "overall",
    "pooled_index",
    "proportion_interval",
    "resolve_targets",
    "response_rate",
    "service_index",
    "slot",
    "status",
    "tally",
    "tally_from_dict",
    "tally_to_dict",
    "to_jsonable",
    "trend",
    "two_proportion_pvalue",
    "weighted_proportion",
    "wilson",
]
