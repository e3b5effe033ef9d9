"""Shaping the report service's JSON for pages and charts: order, labels, chart payloads.

Nothing here computes a statistic: values, intervals, statuses and funnel limits are taken as
the report service returns them; this module only selects, orders and labels them.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _

from analysis.sipas import CRITERIA, ELEMENTS, EXPECT_CODES, FLAG_IDS
from surveyapp.labels import channel_label, flag_label
from surveyapp.services.reporting.dashboard import CommentFilter

TAB_ENDPOINTS = ("report", "criteria", "comments")
STATUS_ORDER = {"below": 0, "possibly_below": 1, "meets": 2, None: 3}
FUNNEL_BELOW = ("below_998", "below_95")


def _pct(text: str) -> str:
    """Un-double the `%%` of a translated msgid. Templates need the doubled form (Jinja's newstyle
    gettext always %-formats), so Python uses the same msgids: `_pct(_("95%% interval"))`."""
    return text % {}


def _value_key(rate: Mapping[str, Any] | None) -> tuple[int, float]:
    """Insufficient data last, then lowest value first."""
    value = (rate or {}).get("value")
    return (1, 0.0) if value is None else (0, float(value))


def ranked_criteria(report: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The 22 criteria from worst to best (those with too few answers at the end)."""
    rows = [{"id": c, "label": labels.get(c, c), "rate": report["criteria"].get(c) or {}} for c in CRITERIA]
    return sorted(rows, key=lambda r: _value_key(r["rate"]))


def ranked_expectations(report: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = [{"id": code, "label": labels.get(f"expect.{code}", code), **report["expectations"][code]} for code in EXPECT_CODES]
    return sorted(rows, key=lambda r: -(r.get("share") or 0.0))


def worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: _value_key(r.get("overall")))


def priorities(report: Mapping[str, Any], labels: Mapping[str, str], limit: int = 6) -> list[dict[str, Any]]:
    """What to fix first: red flags, then elements and criteria below target, then sub-units
    under the funnel's lower limit. Ordered by status, then by how far the value is."""
    items: list[dict[str, Any]] = []
    for flag in FLAG_IDS:
        rate = report["flags"][flag]
        if rate.get("status") in ("below", "possibly_below"):
            items.append({"kind": "flag", "label": flag_label(flag), "rate": rate, "order": (STATUS_ORDER[rate["status"]], 0)})
    for element in ELEMENTS:
        rate = report["elements"][element]
        if rate.get("status") in ("below", "possibly_below"):
            items.append({"kind": "element", "label": labels.get(element, element), "rate": rate,
                          "order": (STATUS_ORDER[rate["status"]], 1, rate.get("value") or 0)})
    for child in report.get("children", []):
        position = (child.get("funnel") or {}).get("position")
        if position in FUNNEL_BELOW:
            items.append({"kind": "child", "label": child["name"], "code": child["code"], "rate": child["overall"],
                          "position": position, "order": (0 if position == "below_998" else 1, 2)})
    worst = [c for c in ranked_criteria(report, labels) if c["rate"].get("status") == "below"][:3]
    for criterion in worst:
        items.append({"kind": "criterion", "label": f"{criterion['id']}. {criterion['label']}", "rate": criterion["rate"],
                      "order": (0, 3, criterion["rate"].get("value") or 0)})
    items.sort(key=lambda i: i["order"])
    return items[:limit]


def comment_filter(args: Mapping[str, str]) -> CommentFilter:
    score = args.get("max_overall", "")
    return CommentFilter(
        unit_code=args.get("unit") or None,
        counter_code=args.get("counter") or None,
        max_overall=int(score) if score in ("1", "2", "3", "4", "5") else None,
        text=(args.get("q") or "").strip()[:100] or None,
    )


# ---------------------------------------------------------------- chart payloads
def _interval_series(labels: list[str], rates: list[Mapping[str, Any]], target: float | None, title: str) -> dict[str, Any]:
    return {
        "kind": "intervals", "title": title, "labels": labels,
        "value": [r.get("value") for r in rates], "low": [r.get("ci_low") for r in rates],
        "high": [r.get("ci_high") for r in rates], "n": [r.get("n") for r in rates],
        "target": target, "text": {"value": _("Estimate"), "interval": _pct(_("95%% interval")), "target": _("Target")},
    }


def overview_charts(report: Mapping[str, Any], trend: list[Mapping[str, Any]], labels: Mapping[str, str]) -> dict[str, Any]:
    charts: dict[str, Any] = {
        "elements": _interval_series(
            [labels.get(e, e) for e in ELEMENTS], [report["elements"][e] for e in ELEMENTS],
            report["targets"].get("E1"), _pct(_("Element indices with 95%% intervals")),
        ),
        "trend": {
            "kind": "trend", "months": [p["month"] for p in trend],
            "value": [p["overall"].get("value") for p in trend], "low": [p["overall"].get("ci_low") for p in trend],
            "high": [p["overall"].get("ci_high") for p in trend], "index": [p["service_index"].get("value") for p in trend],
            "n": [p["n_responses"] for p in trend], "target": report["targets"].get("overall"),
            "text": {"value": _("Overall satisfaction"), "interval": _pct(_("95%% interval")), "index": _("Service index"),
                     "target": _("Target")},
        },
    }
    funnel = report.get("funnel")
    if funnel:
        charts["funnel"] = {
            "kind": "funnel", "center": funnel["center"], "curve": funnel["curve"], "levels": funnel["levels"],
            "points": [
                {"code": c["code"], "name": c["name"], "n": c["overall"].get("n"), "rate": c["overall"]["value"],
                 "position": (c.get("funnel") or {}).get("position")}
                for c in report["children"] if c["overall"].get("value") is not None
            ],
            "text": {"center": _("Parent unit's rate"), "limit95": _pct(_("95%% limits")),
                     "limit998": _pct(_("99.8%% limits")), "units": _("Sub-units"), "x": _("Responses (n)"),
                     "y": _("Overall satisfaction")},
        }
    return charts


def breakdown_chart(rows: list[Mapping[str, Any]], by: str) -> dict[str, Any]:
    ordered = [r for r in rows if r["overall"].get("value") is not None]
    names = [str(r.get("key") if by != "channel" else channel_label(str(r.get("key")))) for r in ordered]
    target = ordered[0]["overall"].get("target") if ordered else None
    return {"breakdown": _interval_series(names, [r["overall"] for r in ordered], target, _pct(_("Overall satisfaction with 95%% intervals")))}


def criteria_chart(ranked: list[Mapping[str, Any]]) -> dict[str, Any]:
    shown = [c for c in ranked if c["rate"].get("value") is not None]
    target = shown[0]["rate"].get("target") if shown else None
    return {"criteria": _interval_series([c["id"] for c in shown], [c["rate"] for c in shown], target,
                                         _pct(_("Criteria from worst, with 95%% intervals")))}
