"""The typed shape of the monthly report: every number the report publishes, as frozen dataclasses.

`analysis` computes these objects (the `*_of` functions of rates, indices, flags, changes and
funnel, and `report.compute_report` / `report.trend_points`); the app passes them on to the
dashboard, which reads their attributes, and to the exports. The JSON of docs/ANALYSIS.md §5 and
docs/REPORT.md is one serialisation of them: every class has `to_json()`, which gives exactly
the dict the report has always had, keys in the same order (a golden test holds the bytes).

Only the standard library here, so `from analysis.model import Report` is free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, cast

#: A measure's performance against its target (analysis.rates.status); None: no target or no value.
#: Higher-is-better measures: meets / possibly_below / below; flags (lower is better, the target
#: is a limit): within / possibly_above / above, or incidents for a zero-tolerance flag with cases.
Status = Literal["meets", "possibly_below", "below", "within", "possibly_above", "above", "incidents"]

#: Where a sub-unit's overall satisfaction falls on the parent's funnel plot (analysis.funnel).
Position = Literal["above_998", "above_95", "inside", "below_95", "below_998", "insufficient"]
# Where the funnel is centred (analysis/comparison.py); declared here so the dashboard's form can
# offer the choices without importing numpy and scipy.
CenterKind = Literal["parent", "target"]
CENTER_KINDS: tuple[CenterKind, ...] = ("parent", "target")

JsonDict = dict[str, Any]


# ---------------------------------------------------------------- rates
@dataclass(frozen=True)
class SmallArea:
    """A sub-unit's or counter's empirical-Bayes estimate shrunk towards its parent, with its 95 %
    interval (analysis.small_area); all None when the siblings are too few to estimate it."""

    value: float | None
    ci_low: float | None
    ci_high: float | None

    def to_json(self) -> JsonDict:
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass(frozen=True)
class Rate:
    """A published proportion: value and 95 % interval, n and the numerator `count`, its status
    against `target`. Below the minimum n (the setting MIN_RESPONSES, passed down as
    `min_responses`) the value, interval, count and status are all None: suppressed alike."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    count: int | None
    insufficient: bool
    status: Status | None
    target: float | None
    #: set on the rates of sub-units and counters only (issue 12); serialised only when set
    small_area: SmallArea | None = field(default=None, kw_only=True)

    def _rate_json(self) -> JsonDict:
        out: JsonDict = {
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "count": self.count,
            "insufficient": self.insufficient,
            "status": self.status,
            "target": self.target,
        }
        if self.small_area is not None:
            out["small_area"] = self.small_area.to_json()
        return out

    def to_json(self) -> JsonDict:
        return self._rate_json()


@dataclass(frozen=True)
class PooledRate(Rate):
    """An index pooled over respondents (an element or the service index): n = respondents with
    an answered item (the clusters), count = satisfied items, items = answered items, n_eff =
    the effective sample size behind the cluster-adjusted interval (items hidden with count)."""

    items: int | None
    n_eff: float | None

    def to_json(self) -> JsonDict:
        return {**self._rate_json(), "items": self.items, "n_eff": self.n_eff}


@dataclass(frozen=True)
class OverallRate(Rate):
    """Share of 4–5 on the overall question, with the 1–5 mean and the answers per score (both
    None when the rate is suppressed)."""

    mean: float | None
    distribution: Mapping[str, int] | None  # "1".."5" -> answers

    def to_json(self) -> JsonDict:
        distribution = None if self.distribution is None else dict(self.distribution)
        return {**self._rate_json(), "mean": self.mean, "distribution": distribution}


@dataclass(frozen=True)
class ResponseRate(Rate):
    """Responses (count) over dossiers returned (n): a census ratio, never insufficient.

    complete: the app's answer to "does the unit's own volume cover its whole subtree"
    (docs/REPORT.md); None where nobody asked (analysis alone), and then not serialised."""

    complete: bool | None = None

    def to_json(self) -> JsonDict:
        out = self._rate_json()
        if self.complete is not None:
            out["complete"] = self.complete
        return out


@dataclass(frozen=True)
class ExpectationShare:
    """Respondents naming one improvement area among those whose form offered the question
    (count hidden with the share below the minimum n)."""

    count: int | None
    n: int
    share: float | None
    insufficient: bool

    def to_json(self) -> JsonDict:
        return {"count": self.count, "n": self.n, "share": self.share, "insufficient": self.insufficient}


# ---------------------------------------------------------------- changes
@dataclass(frozen=True)
class Change:
    """This period minus the previous one (Newcombe interval, pooled z-test); all None when either
    period has fewer than MIN_RESPONSES respondents."""

    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool | None

    def _change_json(self) -> JsonDict:
        return {
            "diff": self.diff,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "significant": self.significant,
        }

    def to_json(self) -> JsonDict:
        return self._change_json()


@dataclass(frozen=True)
class AdjustedChange(Change):
    """A sub-unit's change with its Benjamini–Hochberg adjustment across the sub-units."""

    q_value: float | None
    significant_bh: bool | None

    def to_json(self) -> JsonDict:
        return {**self._change_json(), "q_value": self.q_value, "significant_bh": self.significant_bh}


@dataclass(frozen=True)
class Changes:
    """Every change the report shows for its unit."""

    overall: Change
    service_index: Change
    elements: Mapping[str, Change]
    flags: Mapping[str, Change]
    channels: Mapping[str, Change]

    def to_json(self) -> JsonDict:
        return {
            "overall": self.overall.to_json(),
            "service_index": self.service_index.to_json(),
            "elements": _json_map(self.elements),
            "flags": _json_map(self.flags),
            "channels": _json_map(self.channels),
        }


@dataclass(frozen=True)
class ChildChanges:
    """A sub-unit's change: overall satisfaction only, adjusted for the many sub-units tested."""

    overall: AdjustedChange

    def to_json(self) -> JsonDict:
        return {"overall": self.overall.to_json()}


# ---------------------------------------------------------------- funnel
@dataclass(frozen=True)
class ChildFunnel:
    """A sub-unit on the parent's funnel: its position, and the limits for its n by level label
    ("95", "99.8"); None when the parent has no rate (or the sub-unit no answers)."""

    position: Position | None
    limits: Mapping[str, tuple[float, float]] | None
    #: the rate this sub-unit is judged against (the parent's without it, or the target)
    center: float | None = None

    def to_json(self) -> JsonDict:
        limits = None if self.limits is None else {label: [low, high] for label, (low, high) in self.limits.items()}
        return {"position": self.position, "limits": limits, "center": self.center}


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's (2005) overdispersion of the sub-units around the centre
    (analysis.overdispersion): φ from winsorised z-scores, the additive τ², the units used, the
    χ² test's p-value and whether the limits were widened. φ, τ² and p are None with too few units."""

    method: str
    phi: float | None
    tau2: float | None
    units: int
    p_value: float | None
    applied: bool

    def to_json(self) -> JsonDict:
        return {
            "method": self.method,
            "phi": self.phi,
            "tau2": self.tau2,
            "units": self.units,
            "p_value": self.p_value,
            "applied": self.applied,
        }


@dataclass(frozen=True)
class FunnelBand:
    low: tuple[float, ...]
    high: tuple[float, ...]

    def to_json(self) -> JsonDict:
        return {"low": list(self.low), "high": list(self.high)}


@dataclass(frozen=True)
class FunnelCurve:
    """The funnel's limits at log-spaced sample sizes `n`, one band per level label."""

    center: float
    n: tuple[int, ...]
    bands: Mapping[str, FunnelBand]

    def to_json(self) -> JsonDict:
        return {"center": self.center, "n": list(self.n), **_json_map(self.bands)}


@dataclass(frozen=True)
class FunnelSummary:
    """What a funnel plot of the sub-units needs: the centre line, the levels and the curve."""

    measure: str
    center: float
    levels: tuple[str, ...]
    curve: FunnelCurve
    #: "parent" (the parent's rate, each child judged without itself) or "target" (analysis.comparison)
    center_kind: str = "parent"
    overdispersion: Overdispersion | None = None

    def to_json(self) -> JsonDict:
        return {
            "measure": self.measure,
            "center": self.center,
            "levels": list(self.levels),
            "curve": self.curve.to_json(),
            "center_kind": self.center_kind,
            "overdispersion": _json_or_none(self.overdispersion),
        }


# ---------------------------------------------------------------- the report
@dataclass(frozen=True)
class MethodNotes:
    """Plain-language notes on the methods behind the numbers (published with the report)."""

    confidence: float
    min_responses: int
    satisfied: str
    single_rate_interval: str
    pooled_index_interval: str
    change_interval: str
    change_test: str
    funnel: str
    status: str
    tally_version: int

    def to_json(self) -> JsonDict:
        return {
            "confidence": self.confidence,
            "min_responses": self.min_responses,
            "satisfied": self.satisfied,
            "single_rate_interval": self.single_rate_interval,
            "pooled_index_interval": self.pooled_index_interval,
            "change_interval": self.change_interval,
            "change_test": self.change_test,
            "funnel": self.funnel,
            "status": self.status,
            "tally_version": self.tally_version,
        }


@dataclass(frozen=True)
class UnitRef:
    code: str | None
    name: str | None

    def to_json(self) -> JsonDict:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True)
class CoreMeasures:
    """The measures shown for every group of responses: a unit, a sub-unit, a counter..."""

    n_responses: int
    service_index: PooledRate
    overall: OverallRate
    elements: Mapping[str, PooledRate]  # E1..E5
    flags: Mapping[str, Rate]  # analysis.sipas.FLAG_IDS

    def core_fields(self) -> dict[str, Any]:
        """The core measures as keyword arguments, to build a richer report around them."""
        return {f.name: getattr(self, f.name) for f in fields(CoreMeasures)}

    def _core_json(self) -> JsonDict:
        return {
            "n_responses": self.n_responses,
            "service_index": self.service_index.to_json(),
            "overall": self.overall.to_json(),
            "elements": _json_map(self.elements),
            "flags": _json_map(self.flags),
        }


@dataclass(frozen=True)
class ChildReport(CoreMeasures):
    """A direct sub-unit in its parent's report (its whole subtree pooled), judged against its
    own targets and placed on the parent's funnel.

    response_rate and criteria are filled in two ways, and the JSON keeps each one's layout:
    analysis alone gives a response rate only for a child whose dossiers it was given (key
    before "funnel", absent otherwise) and never criteria; the app's monthly report gives every
    child its volume-based response rate (possibly null) and its criteria (both after
    "funnel")."""

    code: str | None
    name: str | None
    change: ChildChanges
    funnel: ChildFunnel
    response_rate: ResponseRate | None = None
    #: whether the report speaks of the child's response rate at all (null: dossiers unknown)
    with_response_rate: bool = False
    criteria: Mapping[str, Rate] | None = None

    def to_json(self) -> JsonDict:
        out: JsonDict = {"code": self.code, "name": self.name, **self._core_json(), "change": self.change.to_json()}
        if self.criteria is None:
            if self.with_response_rate:
                out["response_rate"] = _json_or_none(self.response_rate)
            out["funnel"] = self.funnel.to_json()
            return out
        out["funnel"] = self.funnel.to_json()
        out["response_rate"] = _json_or_none(self.response_rate)
        out["criteria"] = _json_map(self.criteria)
        return out


@dataclass(frozen=True)
class FactSource:
    """One fact of the responses answered from a dossier's link: how many got it from the
    dossier, how many from the citizen, how many from both, and how often those two differ."""

    dossier: int
    citizen: int
    both: int
    disagree: int

    @property
    def disagree_share(self) -> float | None:
        return self.disagree / self.both if self.both else None

    def to_json(self) -> JsonDict:
        return {"dossier": self.dossier, "citizen": self.citizen, "both": self.both,
                "disagree": self.disagree, "disagree_share": self.disagree_share}


@dataclass(frozen=True)
class DossierFactSources:
    """The `dossier_facts` block: responses answered from a dossier's link, fact by fact."""

    responses: int
    facts: Mapping[str, FactSource]

    def to_json(self) -> JsonDict:
        return {"responses": self.responses, "facts": _json_map(self.facts)}


@dataclass(frozen=True)
class AddedQuestion:
    """A question added from an XLSForm (analysis.added_questions): n respondents answered it;
    a choice's `options` are the share of them choosing each code (Rate); a whole number's
    `mean` comes with its 95 % t interval. Text answers are counted (n), never shown."""

    id: str
    type: str  # choice | multi | integer | text
    n: int
    insufficient: bool
    labels: Mapping[str, str]
    options: Mapping[str, Rate] | None
    option_labels: Mapping[str, Mapping[str, str]] | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None

    def to_json(self) -> JsonDict:
        return {
            "id": self.id,
            "type": self.type,
            "label": dict(self.labels),
            "n": self.n,
            "insufficient": self.insufficient,
            "options": None if self.options is None else {code: r.to_json() for code, r in self.options.items()},
            "option_labels": None if self.option_labels is None else {
                code: dict(labels) for code, labels in self.option_labels.items()},
            "mean": self.mean,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


@dataclass(frozen=True)
class Qd766:
    """The `qd766` block: the satisfaction group of QĐ 766/QĐ-TTg (analysis.qd766)."""

    complaints_on_time: Rate
    complaints_not_dissatisfied: Rate
    dossiers_satisfied: Rate
    points: float
    max_points: int

    def to_json(self) -> JsonDict:
        return {
            "complaints_on_time": self.complaints_on_time.to_json(),
            "complaints_not_dissatisfied": self.complaints_not_dissatisfied.to_json(),
            "dossiers_satisfied": self.dossiers_satisfied.to_json(),
            "points": self.points,
            "max_points": self.max_points,
        }


@dataclass(frozen=True)
class Report(CoreMeasures):
    """The monthly report of a unit's subtree (docs/ANALYSIS.md §5, docs/REPORT.md).

    previous_month is set by the app, which knows which month the comparison used; it is
    serialised last, and only when set. So are the period fields the app sets (docs/REPORT.md):
    `period` and `previous_period` (the text of the period and of the one compared with) and
    `year_on_year`; for a period that is not a month, `month` is None. So is dossier_facts,
    set by the app only when some of the responses came from a dossier's link."""

    unit: UnitRef
    month: str | None
    criteria: Mapping[str, Rate]  # TC01..TC22
    channels: Mapping[str, Rate]  # submission channel shares: online, postal
    expectations: Mapping[str, ExpectationShare]
    response_rate: ResponseRate | None
    targets: Mapping[str, float | None]
    change: Changes
    children: tuple[ChildReport, ...]
    funnel: FunnelSummary | None
    method: MethodNotes
    previous_month: str | None = None
    period: str | None = None
    previous_period: str | None = None
    dossier_facts: DossierFactSources | None = None
    # Issue 12 (the section "directions, weights, forms, trends" below): serialised after the
    # older keys, each only when set.
    directions: Mapping[str, Direction] | None = None
    weighting: Weighting | None = None
    service_index_by_form: Mapping[str, PooledRate] | None = None
    notes: tuple[Note, ...] | None = None
    year_on_year: YearOnYear | None = None
    trend_control: tuple[ControlPoint, ...] | None = None
    # Issue 16: set by the app when the subtree has complaints or returned dossiers in the period.
    qd766: Qd766 | None = None
    # Issue 16: set by the app when responses of the period answered questions added from an XLSForm.
    added_questions: tuple[AddedQuestion, ...] | None = None

    def to_json(self) -> JsonDict:
        out: JsonDict = {
            "unit": self.unit.to_json(),
            "month": self.month,
            **self._core_json(),
            "criteria": _json_map(self.criteria),
            "channels": _json_map(self.channels),
            "expectations": _json_map(self.expectations),
            "response_rate": _json_or_none(self.response_rate),
            "targets": dict(self.targets),
            "change": self.change.to_json(),
            "children": [child.to_json() for child in self.children],
            "funnel": _json_or_none(self.funnel),
            "method": self.method.to_json(),
        }
        if self.previous_month is not None:
            out["previous_month"] = self.previous_month
        if self.period is not None:
            out["period"] = self.period
            out["previous_period"] = self.previous_period
        if self.year_on_year is not None:
            out["year_on_year"] = self.year_on_year.to_json()
        if self.dossier_facts is not None:
            out["dossier_facts"] = self.dossier_facts.to_json()
        if self.directions is not None:
            out["directions"] = dict(self.directions)
        if self.weighting is not None:
            out["weighting"] = self.weighting.to_json()
        if self.service_index_by_form is not None:
            out["service_index_by_form"] = _json_map(self.service_index_by_form)
        if self.notes is not None:
            out["notes"] = [note.to_json() for note in self.notes]
        if self.trend_control is not None:
            out["trend_control"] = [point.to_json() for point in self.trend_control]
        if self.qd766 is not None:
            out["qd766"] = self.qd766.to_json()
        if self.added_questions is not None:
            out["added_questions"] = [question.to_json() for question in self.added_questions]
        return _plain(out)


@dataclass(frozen=True)
class TrendPoint:
    """One month of the 12-month chart."""

    month: str
    n_responses: int
    overall: OverallRate
    service_index: PooledRate

    def to_json(self) -> JsonDict:
        return _plain({
            "month": self.month,
            "n_responses": self.n_responses,
            "overall": self.overall.to_json(),
            "service_index": self.service_index.to_json(),
        })


@dataclass(frozen=True)
class GroupReport(CoreMeasures):
    """The measures of one group of a unit's responses (a counter, a procedure, a channel):
    key = the group's code, None for responses without one."""

    key: str | None
    name: str | None
    criteria: Mapping[str, Rate]

    def to_json(self) -> JsonDict:
        return _plain({"key": self.key, "name": self.name, **self._core_json(), "criteria": _json_map(self.criteria)})


# ---------------------------------------------------------------- directions, weights, forms, trends
#: Whether a higher or a lower value is better (flags: lower; their target is a limit).
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class PeriodChange(Change):
    """A change between two periods with the respondents behind each side (n of the measure:
    answers, or respondents for a pooled index)."""

    n_then: int
    n_now: int

    def to_json(self) -> JsonDict:
        return {**self._change_json(), "n_then": self.n_then, "n_now": self.n_now}


@dataclass(frozen=True)
class YearOnYear:
    """This period against the same period a year earlier (`period`: its months, joined by ","
    when there are several)."""

    period: str
    overall: PeriodChange
    service_index: PeriodChange
    elements: Mapping[str, PeriodChange]
    flags: Mapping[str, PeriodChange]

    def to_json(self) -> JsonDict:
        return {
            "period": self.period,
            "overall": self.overall.to_json(),
            "service_index": self.service_index.to_json(),
            "elements": {key: change.to_json() for key, change in self.elements.items()},
            "flags": {key: change.to_json() for key, change in self.flags.items()},
        }


@dataclass(frozen=True)
class ControlPoint:
    """One month of the p-chart of overall satisfaction: the month's share and its 3σ limits around
    the 12 months' pooled share; `signal`: the share falls outside its limits. Everything but the
    month is null for a month below the minimum n."""

    month: str
    value: float | None
    center: float | None
    lcl: float | None
    ucl: float | None
    signal: bool | None
    n: int

    def to_json(self) -> JsonDict:
        return {
            "month": self.month,
            "value": self.value,
            "center": self.center,
            "lcl": self.lcl,
            "ucl": self.ucl,
            "signal": self.signal,
            "n": self.n,
        }


@dataclass(frozen=True)
class Weighting:
    """Headline rates post-stratified by child unit on the month's dossier volumes.

    applied: whether the weights could be used (volumes known for every stratum that holds
    responses or dossiers); reason: a code saying why not (or "dossier_volumes" when applied).
    The weighted rates are null when not applied; the unweighted ones stay in the report's
    usual fields."""

    applied: bool
    reason: str
    overall: Rate | None
    service_index: Rate | None
    elements: Mapping[str, Rate | None] | None
    strata: int

    def to_json(self) -> JsonDict:
        return {
            "applied": self.applied,
            "reason": self.reason,
            "overall": None if self.overall is None else self.overall.to_json(),
            "service_index": None if self.service_index is None else self.service_index.to_json(),
            "elements": None if self.elements is None else {k: _json_or_none(r) for k, r in self.elements.items()},
            "strata": self.strata,
        }


@dataclass(frozen=True)
class Note:
    """A note the report carries for its readers: a stable code and its details (labels come
    from surveyapp/labels.py)."""

    code: str
    details: Mapping[str, Any]

    def to_json(self) -> JsonDict:
        return {"code": self.code, **dict(self.details)}


# ---------------------------------------------------------------- serialisation helpers
def _json_map(items: Mapping[str, Any]) -> JsonDict:
    return {key: item.to_json() for key, item in items.items()}


def _json_or_none(item: Any) -> JsonDict | None:
    return None if item is None else item.to_json()


def _plain(out: JsonDict) -> JsonDict:
    """The outermost serialisation step: nothing but JSON types, never NaN."""
    return cast(JsonDict, to_jsonable(out))


def to_jsonable(obj: Any) -> Any:
    """Recursively convert numpy scalars/arrays and tuples to plain Python, and NaN/inf to None
    (duck-typed, so this module needs no numpy)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        obj = obj.tolist()
        if isinstance(obj, list):
            return [to_jsonable(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
