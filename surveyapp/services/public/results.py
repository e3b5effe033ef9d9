"""What a published unit's public page and open data show (docs/REPORT.md "Public results").

Built from the report of the period and its trend (the same reporting services as the
dashboard; nothing raw is read), then cut down to what may be public: the headline indices with
their intervals, the five elements, the incident counts (harassment, extra payment), the trend,
and the children's small-area estimates only. Never a comment, a counter, a procedure or channel
breakdown, a criterion, or a value under the minimum n (the report has already suppressed
those: value, interval and count are null, `insufficient` true).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from analysis.model import Rate, Report, SmallArea, TrendPoint
from analysis.sipas import ELEMENTS
from surveyapp.labels import flag_label, measure_label, question_labels
from surveyapp.models import Unit
from surveyapp.periods import Period
from surveyapp.services.exports.cells import safe_row

INCIDENTS: tuple[str, ...] = ("harassment", "extra_payment")


def _rate(rate: Rate) -> dict[str, Any]:
    return {
        "value": rate.value, "ci_low": rate.ci_low, "ci_high": rate.ci_high, "n": rate.n,
        "insufficient": rate.insufficient,
    }


def _estimate(estimate: SmallArea | None) -> dict[str, Any]:
    if estimate is None:
        return {"value": None, "ci_low": None, "ci_high": None}
    return estimate.to_json()


@dataclass(frozen=True)
class PublicResults:
    unit: Unit
    period: str
    min_responses: int
    report: Report
    trend: Sequence[TrendPoint]
    labels: Mapping[str, str]

    def to_json(self) -> dict[str, Any]:
        report = self.report
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "period": self.period,
            "min_responses": self.min_responses,
            "n_responses": report.n_responses,
            "service_index": _rate(report.service_index),
            "overall": _rate(report.overall),
            "elements": {
                e: {"name": self.labels.get(e, e), **_rate(report.elements[e])} for e in ELEMENTS
            },
            "incidents": {
                flag: {
                    "count": report.flags[flag].count, "n": report.flags[flag].n,
                    "insufficient": report.flags[flag].insufficient,
                }
                for flag in INCIDENTS
            },
            "trend": [
                {
                    "month": point.month, "n_responses": point.n_responses,
                    "service_index": _rate(point.service_index), "overall": _rate(point.overall),
                }
                for point in self.trend
            ],
            "children": [
                {
                    "code": child.code, "name": child.name,
                    "service_index": _estimate(child.service_index.small_area),
                    "overall": _estimate(child.overall.small_area),
                }
                for child in report.children
            ],
        }


def public_results(session: Session, unit: Unit, period: str, *, min_responses: int) -> PublicResults:
    # The report (numpy, scipy) is imported here: starting the app must not load them.
    from surveyapp.services.reporting.reports import period_report, trend

    return PublicResults(
        unit=unit,
        period=period,
        min_responses=min_responses,
        report=period_report(session, unit, period, min_responses=min_responses),
        # Whatever the period, the 12 months ending with its last month.
        trend=trend(session, unit, str(Period.parse(period).last), 12, min_responses=min_responses),
        labels=question_labels(session),
    )


#: The open data CSV's columns (row 2), a contract.
CSV_COLUMNS: tuple[str, ...] = ("section", "key", "label", "value", "ci_low", "ci_high", "n", "count")


def _rows(results: PublicResults) -> Iterator[list[Any]]:
    data = results.to_json()
    for key in ("service_index", "overall"):
        r = data[key]
        yield ["headline", key, measure_label(key, results.labels), r["value"], r["ci_low"], r["ci_high"], r["n"], None]
    for key, r in data["elements"].items():
        yield ["element", key, r["name"], r["value"], r["ci_low"], r["ci_high"], r["n"], None]
    for key, r in data["incidents"].items():
        yield ["incident", key, flag_label(key), None, None, None, r["n"], r["count"]]
    for point in data["trend"]:
        for key in ("service_index", "overall"):
            r = point[key]
            yield ["trend", f"{point['month']}/{key}", measure_label(key, results.labels),
                   r["value"], r["ci_low"], r["ci_high"], r["n"], None]
    for child in data["children"]:
        for key in ("service_index", "overall"):
            r = child[key]
            yield ["child_small_area", f"{child['code']}/{key}", child["name"], r["value"], r["ci_low"], r["ci_high"],
                   None, None]


def public_csv(results: PublicResults) -> bytes:
    """UTF-8 with a BOM. Row 1: unit and period; row 2: CSV_COLUMNS; then one row per published number."""

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(["unit", results.unit.code, results.unit.name, "period", results.period]))
    writer.writerow(list(CSV_COLUMNS))
    for row in _rows(results):
        writer.writerow(safe_row(["" if v is None else v for v in row]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
