"""The campaign report (docs/REPORT.md, "Campaign report"): the campaign's own answers weighted
by their design weights (analysis/campaigns.py) against the campaign's target, beside the
regular survey of the same unit subtree and period, and its CSV and XLSX."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.campaigns import (
    Difference,
    Estimate,
    StratumAnswers,
    difference,
    overall_parts,
    service_parts,
    weighted_ratio,
)
from analysis.model import PooledRate, Rate
from analysis.rates import rate
from analysis.responses import ResponseArrays
from analysis.sipas import CONFIDENCE, MIN_RESPONSES
from surveyapp.labels import status_label
from surveyapp.models import Campaign, CampaignResponse
from surveyapp.services.campaigns.campaigns import StratumProgress, progress
from surveyapp.services.exports.cells import append_safe, safe_row
from surveyapp.services.reporting.reports import period_report


@dataclass(frozen=True)
class CampaignRate:
    """A weighted campaign rate: the published Rate (suppressed below MIN_RESPONSES) and its
    design-based variance."""

    rate: Rate
    variance: float | None

    def to_json(self) -> dict[str, Any]:
        return {**self.rate.to_json(), "variance": None if self.rate.insufficient else self.variance}


@dataclass(frozen=True)
class StratumLine:
    progress: StratumProgress
    respondents: int

    @property
    def weight(self) -> float | None:
        """w_h = N_h / r_h, the design weight of each respondent of the stratum."""
        return self.progress.frame / self.respondents if self.respondents else None

    def to_json(self) -> dict[str, Any]:
        return {**self.progress.to_json(), "respondents": self.respondents, "weight": self.weight}


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    strata: list[StratumLine]
    respondents: int
    overall: CampaignRate
    service_index: CampaignRate
    uncovered_frame: int
    regular_overall: Rate
    regular_service_index: Rate
    difference_overall: Difference | None
    difference_service_index: Difference | None
    min_responses: int

    def to_json(self) -> dict[str, Any]:
        campaign = self.campaign
        return {
            "campaign": {
                "id": campaign.id, "name": campaign.name,
                "unit": {"code": campaign.unit.code, "name": campaign.unit.name},
                "period": campaign.period, "allocation": campaign.allocation, "sample_size": campaign.sample_size,
                "seed": campaign.seed, "target": campaign.target, "definition": campaign.definition_id,
                "channels": campaign.channel_list,
            },
            "respondents": self.respondents,
            "strata": [line.to_json() for line in self.strata],
            "overall": self.overall.to_json(),
            "service_index": self.service_index.to_json(),
            "uncovered_frame": self.uncovered_frame,
            "regular": {"overall": self.regular_overall.to_json(),
                        "service_index": self.regular_service_index.to_json()},
            "difference": {
                "overall": self.difference_overall.to_json() if self.difference_overall else None,
                "service_index": self.difference_service_index.to_json() if self.difference_service_index else None,
            },
            "method": {
                "weights": "N_h / r_h",
                "variance": "stratified, with replacement, Taylor linearisation",
                "confidence": CONFIDENCE,
                "min_responses": self.min_responses,
            },
        }


def _published(estimate: Estimate, target: float, min_responses: int) -> CampaignRate:
    shown = None
    if estimate.value is not None and estimate.ci_low is not None and estimate.ci_high is not None:
        shown = (estimate.value, estimate.ci_low, estimate.ci_high)
    published = rate(estimate.satisfied, estimate.respondents if shown else 0, target=target, estimate=shown,
                     min_responses=min_responses)
    return CampaignRate(published, estimate.variance)


def campaign_report(session: Session, campaign: Campaign, *, min_responses: int = MIN_RESPONSES) -> CampaignReport:
    lines_progress = progress(session, campaign)
    answers: dict[int, list[dict[str, Any]]] = {}
    for stratum_unit, given in session.execute(
        select(CampaignResponse.stratum_id, CampaignResponse.answers)
        .where(CampaignResponse.campaign_id == campaign.id).order_by(CampaignResponse.id)
    ):
        answers.setdefault(stratum_unit, []).append(given)
    stratum_ids = [s.id for s in sorted(campaign.strata, key=lambda s: s.position)]
    overall_strata, service_strata, lines = [], [], []
    for stratum_id, line in zip(stratum_ids, lines_progress, strict=True):
        arrays = ResponseArrays.from_records(answers.get(stratum_id, []))
        y, x = overall_parts(arrays)
        overall_strata.append(StratumAnswers(line.frame, y, x))
        sy, sx = service_parts(arrays)
        answered_criteria = sx > 0
        service_strata.append(StratumAnswers(line.frame, sy[answered_criteria], sx[answered_criteria]))
        lines.append(StratumLine(line, len(arrays)))
    overall = weighted_ratio(overall_strata)
    service = weighted_ratio(service_strata)
    published_overall = _published(overall, campaign.target, min_responses)
    published_service = _published(service, campaign.target, min_responses)
    regular = period_report(session, campaign.unit, campaign.period, min_responses=min_responses)
    regular_service: PooledRate = regular.service_index
    # A suppressed campaign rate is not compared either (the difference would reveal it).
    return CampaignReport(
        campaign=campaign,
        strata=lines,
        respondents=sum(line.respondents for line in lines),
        overall=published_overall,
        service_index=published_service,
        uncovered_frame=overall.uncovered_frame,
        regular_overall=regular.overall,
        regular_service_index=regular_service,
        difference_overall=None if published_overall.rate.insufficient
        else difference(overall, regular.overall.value, regular.overall.n),
        difference_service_index=None if published_service.rate.insufficient
        else difference(service, regular_service.value, regular_service.n_eff),
        min_responses=min_responses,
    )


COLUMNS = ("section", "id", "label", "value", "ci_low", "ci_high", "n", "count", "status", "target",
           "frame", "sample", "invited", "answered", "weight")


def _rate_cells(section: str, key: str, label: str, published: Rate) -> list[Any]:
    status = status_label(published.status) if published.status else (
        status_label("insufficient") if published.insufficient else None)
    return [section, key, label, published.value, published.ci_low, published.ci_high, published.n, published.count,
            status, published.target, None, None, None, None, None]


def report_lines(report: CampaignReport) -> Iterator[list[Any]]:
    """Every row of the files, in reading order (section and id are the contract)."""
    yield _rate_cells("campaign", "overall", _("Overall satisfaction"), report.overall.rate)
    yield _rate_cells("campaign", "service_index", _("Service index (SIPAS)"), report.service_index.rate)
    yield _rate_cells("regular", "overall", _("Overall satisfaction"), report.regular_overall)
    yield _rate_cells("regular", "service_index", _("Service index (SIPAS)"), report.regular_service_index)
    for key, label, diff in (("overall", _("Overall satisfaction"), report.difference_overall),
                             ("service_index", _("Service index (SIPAS)"), report.difference_service_index)):
        values = [diff.value, diff.ci_low, diff.ci_high] if diff else [None, None, None]
        yield ["difference", key, label, *values, None, None, None, None, None, None, None, None, None]
    for line in report.strata:
        p = line.progress
        yield ["stratum", p.unit.code, p.unit.name, p.response_rate, None, None, line.respondents, None, None, None,
               p.frame, p.sample, p.invited, p.answered, line.weight]


def _head(report: CampaignReport) -> list[Any]:
    campaign = report.campaign
    return ["campaign", campaign.id, campaign.name, "unit", campaign.unit.code, "period", campaign.period]


def campaign_report_csv(report: CampaignReport) -> str:
    """Row 1: the campaign; row 2: the column ids; then one row per measure and stratum.
    (The CLI writes it as text; the page adds a BOM for Excel.)"""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(_head(report)))
    writer.writerow(COLUMNS)
    for cells in report_lines(report):
        writer.writerow(safe_row(["" if value is None else value for value in cells]))
    return buffer.getvalue()


def campaign_report_xlsx(report: CampaignReport) -> bytes:
    """One sheet: the campaign row, a bold frozen header row, the measures and strata; fractions
    with a percent format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Campaign"))[:31]
    append_safe(sheet, _head(report))
    append_safe(sheet, list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    sheet.column_dimensions["C"].width = 40
    for cells in report_lines(report):
        written = append_safe(sheet, cells)
        for column in ("value", "ci_low", "ci_high", "target"):
            cell = sheet.cell(row=written, column=COLUMNS.index(column) + 1)
            if isinstance(cell.value, float):
                cell.number_format = "0.00%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
