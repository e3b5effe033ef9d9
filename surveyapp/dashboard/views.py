"""Shaping the typed report for pages and charts: order, labels, chart payloads.

Nothing here computes a statistic: values, intervals, statuses and funnel limits are taken from
the report service's typed objects (analysis/model.py) as they are; this module only selects,
orders and labels them. Labels come from surveyapp.labels.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from flask_babel import gettext as _

from analysis.model import ExpectationShare, GroupReport, Rate, Report, TrendPoint, to_jsonable
from analysis.sipas import CRITERIA, ELEMENTS, EXPECT_CODES, FLAG_IDS
from surveyapp.labels import flag_label, group_label, period_label, short_label
from surveyapp.periods import Month, Period

PICKER_YEARS = 3  # the period picker offers this year's and the two years before
SHORT_NAME_LIMIT = 18  # characters of a unit's name beside its point on the funnel
AXIS_NAME_LIMIT = 40  # characters of a counter's or procedure's name on a chart axis (wrapped in two lines)


def period_choices(now: Month) -> list[tuple[str, str]]:
    """The quarters, half-years, years and years to date the period picker offers, newest
    first, as (URL text, label); periods that have not started are left out."""
    choices: list[tuple[str, str]] = []
    for year in range(now.year, now.year - PICKER_YEARS, -1):
        texts = [f"{year}-YTD"] if year == now.year else [str(year)]
        texts += [f"{year}-Q{q}" for q in (4, 3, 2, 1)] + [f"{year}-H{h}" for h in (2, 1)]
        for text in texts:
            period = Period.parse(text, today=now)
            if period.first <= now:
                choices.append((text, period_label(period)))
    return choices


def month_choices(now: Month, *shown: Month) -> list[tuple[str, str]]:
    """The months the month and range pickers offer, newest first, as (URL text, label): the
    picker's years, and any month the page shows that is older. A select of labels we write
    ourselves, not `<input type=month>`, whose month names follow the browser's locale instead
    of the page's language."""
    months = set(now.last_months(PICKER_YEARS * 12)) | {m for m in shown if m <= now}
    return [(str(m), period_label(str(m))) for m in sorted(months, reverse=True)]


STATUS_ORDER = {
    "below": 0, "above": 0, "incidents": 0, "possibly_below": 1, "possibly_above": 1, "meets": 2, "within": 2, None: 3,
}
FUNNEL_BELOW = ("below_998", "below_95")


def _pct(text: str) -> str:
    """Un-double the `%%` of a translated msgid. Templates need the doubled form (Jinja's newstyle
    gettext always %-formats), so Python uses the same msgids: `_pct(_("95%% interval"))`."""
    return text % {}


@dataclass(frozen=True)
class RankedCriterion:
    id: str
    label: str
    rate: Rate


@dataclass(frozen=True)
class RankedExpectation:
    id: str
    label: str
    count: int | None
    n: int
    share: float | None


@dataclass(frozen=True)
class Priority:
    """One line of "Fix first"; code and position only for a sub-unit."""

    kind: Literal["flag", "element", "child", "criterion"]
    label: str
    rate: Rate
    order: tuple[float, ...]
    code: str | None = None
    position: str | None = None


def _value_key(rate: Rate) -> tuple[int, float]:
    """Insufficient data last, then lowest value first."""
    return (1, 0.0) if rate.value is None else (0, float(rate.value))


def ranked_criteria(criteria: Mapping[str, Rate], labels: Mapping[str, str]) -> list[RankedCriterion]:
    """The 22 criteria from worst to best (those with too few answers at the end)."""
    rows = [RankedCriterion(id=c, label=labels.get(c, c), rate=criteria[c]) for c in CRITERIA]
    return sorted(rows, key=lambda r: _value_key(r.rate))


def ranked_expectations(
    expectations: Mapping[str, ExpectationShare], labels: Mapping[str, str]
) -> list[RankedExpectation]:
    rows = [
        RankedExpectation(
            id=code, label=labels.get(f"expect.{code}", code), count=share.count, n=share.n, share=share.share
        )
        for code, share in ((code, expectations[code]) for code in EXPECT_CODES)
    ]
    return sorted(rows, key=lambda r: -(r.share or 0.0))


def _compared_key(rate: Rate) -> tuple[int, float]:
    """Units compared with one another (counters, sub-units) are ordered by their small-area
    estimate where they have one (issue 12: a small unit's raw rate is mostly noise), else by
    their raw value; no estimate at all last."""
    if rate.small_area is not None and rate.small_area.value is not None:
        return (0, float(rate.small_area.value))
    return _value_key(rate)


def worst_first(rows: Sequence[GroupReport]) -> list[GroupReport]:
    return sorted(rows, key=lambda r: _compared_key(r.overall))


def _control_limits(report: Report, months: list[str]) -> dict[str, Any]:
    """The p-chart's centre and 3σ limits per month of the trend chart (analysis.trends), and the
    months whose share falls outside them."""
    by_month = {point.month: point for point in report.trend_control or ()}
    points = [by_month.get(month) for month in months]
    return {
        "center": [None if p is None else p.center for p in points],
        "lcl": [None if p is None else p.lcl for p in points],
        "ucl": [None if p is None else p.ucl for p in points],
        "signal": [bool(p and p.signal) for p in points],
        "control_text": {"limits": _("Control limits (3σ)"), "signal": _("Outside the control limits")},
    }


def priorities(report: Report, labels: Mapping[str, str], limit: int = 6) -> list[Priority]:
    """What to fix first: red flags, then elements and criteria below target, then sub-units
    under the funnel's lower limit. Ordered by status, then by how far the value is."""
    items: list[Priority] = []
    for flag in FLAG_IDS:
        rate = report.flags[flag]
        if rate.status in ("above", "possibly_above", "incidents"):
            items.append(Priority(kind="flag", label=flag_label(flag), rate=rate, order=(STATUS_ORDER[rate.status], 0)))
    for element in ELEMENTS:
        pooled = report.elements[element]
        if pooled.status in ("below", "possibly_below"):
            items.append(Priority(kind="element", label=labels.get(element, element), rate=pooled,
                                  order=(STATUS_ORDER[pooled.status], 1, pooled.value or 0)))
    for child in report.children:
        position = child.funnel.position
        if position in FUNNEL_BELOW:
            items.append(Priority(kind="child", label=child.name or "", code=child.code, rate=child.overall,
                                  position=position,
                                  order=(0 if position == "below_998" else 1, 2, *_compared_key(child.overall))))
    worst = [c for c in ranked_criteria(report.criteria, labels) if c.rate.status == "below"][:3]
    for criterion in worst:
        items.append(Priority(kind="criterion", label=f"{criterion.id}. {criterion.label}", rate=criterion.rate,
                              order=(0, 3, criterion.rate.value or 0)))
    items.sort(key=lambda i: i.order)
    return items[:limit]


# ---------------------------------------------------------------- chart payloads
def _interval_series(
    labels: list[str], rates: Sequence[Rate], target: float | None, title: str, full: list[str] | None = None
) -> dict[str, Any]:
    """`labels` name the rows on the axis (short names where the full ones do not fit); `full` is
    what the tooltip shows (the same as `labels` when not given)."""
    return {
        "kind": "intervals", "title": title, "labels": labels, "full": full if full is not None else labels,
        "value": [r.value for r in rates], "low": [r.ci_low for r in rates],
        "high": [r.ci_high for r in rates], "n": [r.n for r in rates],
        "target": target, "text": {"value": _("Estimate"), "interval": _pct(_("95%% interval")), "target": _("Target")},
    }


def overview_charts(report: Report, trend: Sequence[TrendPoint], labels: Mapping[str, str]) -> dict[str, Any]:
    charts: dict[str, Any] = {
        "elements": _interval_series(
            [short_label(e) for e in ELEMENTS],
            [report.elements[e] for e in ELEMENTS],
            report.targets.get("E1"),
            _pct(_("Element indices with 95%% intervals")),
            full=[labels.get(e, short_label(e)) for e in ELEMENTS],
        ),
        "trend": {
            "kind": "trend", "months": [p.month for p in trend],
            "value": [p.overall.value for p in trend], "low": [p.overall.ci_low for p in trend],
            "high": [p.overall.ci_high for p in trend], "index": [p.service_index.value for p in trend],
            "n": [p.n_responses for p in trend], "target": report.targets.get("overall"),
            **_control_limits(report, [p.month for p in trend]),
            "text": {
                "value": _("Overall satisfaction"), "interval": _pct(_("95%% interval")), "index": _("Service index"),
                "target": _("Target"),
            },
        },
    }
    funnel = report.funnel
    if funnel:
        charts["funnel"] = {
            "kind": "funnel", "center": funnel.center, "curve": to_jsonable(funnel.curve.to_json()),
            "levels": list(funnel.levels),
            "points": [
                {
                    "code": c.code, "name": c.name or c.code or "", "short": abbreviated(c.name or c.code or ""),
                    "n": c.overall.n, "rate": c.overall.value,
                    "position": c.funnel.position,
                }
                for c in report.children if c.overall.value is not None
            ],
            "text": {"center": _("Target") if funnel.center_kind == "target" else _("Parent unit's rate"),
                     "limit95": _pct(_("95%% limits")),
                     "limit998": _pct(_("99.8%% limits")), "units": _("Sub-units"), "x": _("Responses (n)"),
                     "y": _("Overall satisfaction")},
        }
    return charts


def abbreviated(name: str, limit: int = SHORT_NAME_LIMIT) -> str:
    """A name cut to `limit` characters at a word, with an ellipsis: a point's label on a chart,
    whose tooltip and table give the whole name."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0] if " " in name[: limit - 1] else name[: limit - 1]
    return cut.rstrip(" ,.;:-–—") + "…"


def breakdown_chart(rows: Sequence[GroupReport], by: str) -> dict[str, Any]:
    """A counter's or procedure's name (not its code, unless two rows share a name) on the axis,
    shortened where it is long; responses without one are "Unknown procedure"
    (labels.group_label), never "None"."""
    ordered = [r for r in rows if r.overall.value is not None]
    names = [group_label(by, r.key, r.name) for r in ordered]
    # Counters of different units may share a name ("Quầy số 1"): their code tells them apart.
    shared = {name for name in names if names.count(name) > 1}
    axis, full = [], []
    for name, row in zip(names, ordered, strict=True):
        suffix = f" ({row.key})" if name in shared and row.key else ""
        axis.append(abbreviated(name, AXIS_NAME_LIMIT) + suffix)
        full.append(name + suffix)
    target = ordered[0].overall.target if ordered else None
    title = _pct(_("Overall satisfaction with 95%% intervals"))
    return {"breakdown": _interval_series(axis, [r.overall for r in ordered], target, title, full=full)}


def criteria_chart(ranked: Sequence[RankedCriterion]) -> dict[str, Any]:
    """Criteria by their short names on the axis, the questionnaire's wording in the tooltip."""
    shown = [c for c in ranked if c.rate.value is not None]
    target = shown[0].rate.target if shown else None
    return {"criteria": _interval_series([short_label(c.id) for c in shown], [c.rate for c in shown], target,
                                         _pct(_("Criteria from worst, with 95%% intervals")),
                                         full=[c.label for c in shown])}
