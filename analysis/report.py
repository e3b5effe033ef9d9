"""Assemble the monthly report of a unit as a JSON-ready dict.

Only plain str/int/float/bool/None/list/dict come out (no numpy types, no NaN),
so `json.dumps(report, allow_nan=False)` always works.  The schema is
documented in docs/ANALYSIS.md.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .changes import change, difference, overall_counts
from .flags import channel_shares, flag_rates
from .funnel import DEFAULT_LEVELS, funnel_curve, funnel_limits, funnel_position, level_label
from .indices import criterion_rates, element_indices, expectations, overall, response_rate, service_index
from .intervals import benjamini_hochberg
from .rates import check_tally, count_of
from .sipas import CONFIDENCE, MIN_RESPONSES
from .tally import TALLY_VERSION, empty_tally
from .targets import resolve_targets

#: False discovery rate for the children's change tests.
FDR_Q: float = 0.05

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

METHOD_NOTES: dict[str, Any] = {
    "confidence": CONFIDENCE,
    "min_responses": MIN_RESPONSES,
    "satisfied": "answers 4 (Hài lòng) and 5 (Rất hài lòng); 'not applicable' is excluded from every denominator",
    "single_rate_interval": "Wilson score interval (Brown, Cai & DasGupta 2001)",
    "pooled_index_interval": (
        "ratio estimator with respondents as clusters: linearised (Taylor) variance turned into a design "
        "effect (floor 1); Wilson interval on the effective sample size Σm/deff with Student's t "
        "(respondents − 1 degrees of freedom)"
    ),
    "change_interval": "Newcombe hybrid score interval for a difference of proportions (method 10, 1998)",
    "change_test": "pooled two-proportion z test; children's changes adjusted by Benjamini–Hochberg (FDR 5%)",
    "funnel": (
        "Spiegelhalter (2005) exact binomial limits with interpolation (upper limit through the failures, "
        "so that outside a limit = one-sided exact tail below (1−level)/2) around the parent's pooled "
        "overall satisfaction, 95% and 99.8%"
    ),
    "status": (
        "below: interval entirely on the wrong side of the target; possibly_below: only the point estimate is; "
        "flags are judged against a maximum"
    ),
    "tally_version": TALLY_VERSION,
}


def core_measures(t: np.ndarray, targets: Mapping[str, float | None], interval: str = "wilson") -> dict[str, Any]:
    """The measures shown for every unit, parent or child."""
    return {
        "n_responses": count_of(t, "n"),
        "service_index": service_index(t, targets),
        "overall": overall(t, targets, interval),
        "elements": element_indices(t, targets),
        "flags": flag_rates(t, targets, interval),
    }


def build_report(
    unit: Mapping[str, Any],
    month: str,
    tally_now: np.ndarray,
    tally_prev: np.ndarray | None = None,
    children: Sequence[Mapping[str, Any]] = (),
    targets: Mapping[str, float | None] | None = None,
    dossiers: int | None = None,
    interval: str = "wilson",
) -> dict[str, Any]:
    """Monthly report of `unit` ({"code", "name"}) for `month` ("YYYY-MM").

    tally_prev: previous month's tally (None: no comparison possible).
    children: [{"code", "name", "tally", "tally_prev"?, "dossiers"?,
    "targets"?}] — the unit's direct sub-units.  targets: the unit's overrides
    of DEFAULT_TARGETS.  dossiers: dossiers returned this month, if known.
    interval: single-rate interval method (wilson, clopper_pearson, jeffreys).
    """
    if not _MONTH.match(month):
        raise ValueError(f"month must look like 'YYYY-MM', got {month!r}")
    t_now = check_tally(tally_now)
    t_prev = empty_tally() if tally_prev is None else check_tally(tally_prev)
    goals = resolve_targets(targets)

    report: dict[str, Any] = {
        "unit": {"code": unit.get("code"), "name": unit.get("name")},
        "month": month,
        **core_measures(t_now, goals, interval),
        "criteria": criterion_rates(t_now, goals, interval),
        "channels": channel_shares(t_now, interval),
        "expectations": expectations(t_now),
        "response_rate": response_rate(count_of(t_now, "n"), dossiers),
        "targets": dict(goals),
        "change": change(t_now, t_prev),
    }
    center = _pooled_overall(t_now)
    report["children"] = _children(children, goals, center, interval)
    report["funnel"] = _funnel_summary(report["children"], center)
    report["method"] = dict(METHOD_NOTES, single_rate_interval=_interval_note(interval))
    return to_jsonable(report)


def _pooled_overall(t: np.ndarray) -> float | None:
    """The parent's pooled overall satisfaction: the funnel's centre line."""
    k, n, _ = overall_counts(t)
    return k / n if n > 0 else None


def _children(
    children: Iterable[Mapping[str, Any]],
    goals: Mapping[str, float | None],
    center: float | None,
    interval: str,
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    overall_k: list[int] = []
    overall_n: list[int] = []
    for child in children:
        t = check_tally(child["tally"])
        prev = child.get("tally_prev")
        t_prev = empty_tally() if prev is None else check_tally(prev)
        child_goals = resolve_targets(child["targets"]) if child.get("targets") else goals
        entry: dict[str, Any] = {"code": child.get("code"), "name": child.get("name")}
        entry.update(core_measures(t, child_goals, interval))
        k, n, _ = overall_counts(t)
        overall_k.append(int(k))
        overall_n.append(int(n))
        entry["change"] = {"overall": difference(overall_counts(t), overall_counts(t_prev))}
        if "dossiers" in child:
            entry["response_rate"] = response_rate(entry["n_responses"], child["dossiers"])
        entries.append(entry)

    # One vectorised call for all children (scipy's per-call overhead would
    # dominate a province with hundreds of communes).
    for entry, funnel in zip(entries, _child_funnels(np.array(overall_k), np.array(overall_n), center)):
        entry["funnel"] = funnel

    # Many children are tested at once: control the false discovery rate.
    pvalues = np.array([_nan_if_none(e["change"]["overall"]["p_value"]) for e in entries], dtype=float)
    rejected, adjusted = benjamini_hochberg(pvalues, FDR_Q)
    for entry, rej, q in zip(entries, rejected, adjusted):
        tested = not math.isnan(q)
        entry["change"]["overall"]["q_value"] = float(q) if tested else None
        entry["change"]["overall"]["significant_bh"] = bool(rej) if tested else None
    return entries


def _child_funnels(k: np.ndarray, n: np.ndarray, center: float | None) -> list[dict[str, Any]]:
    """Each child's overall satisfaction against the parent's funnel."""
    if center is None:
        return [{"position": None, "limits": None} for _ in k]
    if k.size == 0:
        return []
    positions = funnel_position(k, n, center)
    limits = funnel_limits(center, n, DEFAULT_LEVELS)
    out: list[dict[str, Any]] = []
    for i, position in enumerate(positions):
        out.append(
            {
                "position": position,
                "limits": None
                if n[i] == 0
                else {label: [float(lo[i]), float(hi[i])] for label, (lo, hi) in limits.items()},
            }
        )
    return out


def _funnel_summary(children: list[dict[str, Any]], center: float | None) -> dict[str, Any] | None:
    """Centre line and curve for drawing the children's funnel plot."""
    if center is None or not children:
        return None
    n_max = max(max(c["overall"]["n"] for c in children), MIN_RESPONSES)
    return {
        "measure": "overall",
        "center": center,
        "levels": [level_label(level) for level in DEFAULT_LEVELS],
        "curve": funnel_curve(center, n_max),
    }


def trend(
    tallies_by_month: Mapping[str, np.ndarray], targets: Mapping[str, float | None] | None = None
) -> list[dict[str, Any]]:
    """One point per month, in month order, for the 12-month chart."""
    goals = resolve_targets(targets)
    points = []
    for month in sorted(tallies_by_month):
        t = check_tally(tallies_by_month[month])
        points.append(
            {
                "month": month,
                "n_responses": count_of(t, "n"),
                "overall": overall(t, goals),
                "service_index": service_index(t, goals),
            }
        )
    return to_jsonable(points)


def to_jsonable(obj: Any) -> Any:
    """Recursively convert numpy scalars/arrays and tuples to plain Python,
    and NaN/inf to None."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _nan_if_none(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def _interval_note(interval: str) -> str:
    return {
        "wilson": "Wilson score interval (Brown, Cai & DasGupta 2001)",
        "clopper_pearson": "Clopper–Pearson exact interval",
        "jeffreys": "Jeffreys interval (Brown, Cai & DasGupta 2001)",
    }.get(interval, interval)
