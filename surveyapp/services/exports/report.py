"""The monthly report as files officials open in Excel: CSV (UTF-8 with BOM) and XLSX.

Both are flat serialisations of the typed report (analysis.model.Report; docs/REPORT.md): one
row per measure with its value, interval, n, count, status and target. Fractions stay
fractions (0.8524) so the numbers are exact; the XLSX shows them with a percent format.
Labels come from surveyapp.labels, like the dashboard's.

The CSV serves programs and people: its column ids (row 2) and the ids in its cells are the
contract; the words for people (a header row in the official's language, the statuses and
funnel positions in words) come as an extra row and two extra columns at the end. Every cell
of both files goes through surveyapp/services/exports/cells.py.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from analysis.model import Change, Rate, Report
from analysis.sipas import CRITERIA, ELEMENTS, EXPECT_CODES, FLAG_IDS
from surveyapp.labels import channel_label, flag_label, position_label, question_labels, status_label
from surveyapp.services.exports.cells import append_safe, safe_row

COLUMNS: tuple[str, ...] = (
    "section", "id", "label", "value", "ci_low", "ci_high", "n", "count", "status", "target", "position",
)
#: The CSV's columns for people, after COLUMNS: `status` and `position` in words.
LABEL_COLUMNS: tuple[str, ...] = ("status_label", "position_label")
FRACTION_COLUMNS = ("value", "ci_low", "ci_high", "target")


@dataclass(frozen=True)
class Row:
    section: str
    id: str | None
    label: str | None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    count: int | None = None
    status: str | None = None
    target: float | None = None
    position: str | None = None

    def cells(self) -> list[Any]:
        return [getattr(self, c) for c in COLUMNS]


def _rate_row(section: str, key: str | None, label: str | None, rate: Rate, position: str | None = None) -> Row:
    return Row(
        section, key, label,
        value=rate.value, ci_low=rate.ci_low, ci_high=rate.ci_high,
        n=rate.n, count=rate.count, status=rate.status, target=rate.target, position=position,
    )


def report_rows(session: Session, report: Report) -> Iterator[Row]:
    """Every measure of the report as a row, in reading order (section ids are stable)."""
    labels = question_labels(session)
    yield Row("summary", "n_responses", _("Responses"), n=report.n_responses, count=report.n_responses)
    yield _rate_row("summary", "service_index", _("Service index (SIPAS)"), report.service_index)
    yield _rate_row("summary", "overall", _("Overall satisfaction"), report.overall)
    yield Row("summary", "overall_mean", _("Mean overall score (1–5)"), value=report.overall.mean, n=report.overall.n)
    # A suppressed distribution keeps its five rows, with the counts hidden like the rate's.
    hidden: dict[str, int | None] = {str(score): None for score in range(1, 6)}
    distribution = report.overall.distribution or hidden
    for score, count in distribution.items():
        label = _("Overall score %(score)s", score=score)
        yield Row("overall_distribution", score, label, n=report.overall.n, count=count)
    if report.response_rate is not None:
        yield _rate_row("summary", "response_rate", _("Response rate"), report.response_rate)
    for element in ELEMENTS:
        yield _rate_row("element", element, labels.get(element, element), report.elements[element])
    for criterion in CRITERIA:
        yield _rate_row("criterion", criterion, labels.get(criterion, criterion), report.criteria[criterion])
    for flag in FLAG_IDS:
        yield _rate_row("flag", flag, flag_label(flag), report.flags[flag])
    for channel, rate in report.channels.items():
        yield _rate_row("channel", channel, channel_label(channel), rate)
    for code in EXPECT_CODES:
        share = report.expectations[code]
        label = labels.get(f"expect.{code}", code)
        yield Row("expectation", code, label, value=share.share, n=share.n, count=share.count)
    change = report.change
    yield _change_row("overall", _("Overall satisfaction"), change.overall)
    yield _change_row("service_index", _("Service index (SIPAS)"), change.service_index)
    for element in ELEMENTS:
        yield _change_row(element, labels.get(element, element), change.elements[element])
    for flag in FLAG_IDS:
        yield _change_row(flag, flag_label(flag), change.flags[flag])
    for child in report.children:
        yield _rate_row("child", child.code, child.name, child.overall, position=child.funnel.position)


def _change_row(key: str, label: str, diff: Change) -> Row:
    status = None if diff.significant is None else ("significant" if diff.significant else "not_significant")
    return Row("change", key, label, value=diff.diff, ci_low=diff.ci_low, ci_high=diff.ci_high, status=status)


def _headers() -> list[str]:
    """COLUMNS in the official's language (the XLSX's header row, the CSV's row 3)."""
    return [_("Section"), _("Id"), _("Label"), _("Value"), _("Lower bound (95%)"), _("Upper bound (95%)"),
            "n", _("Count"), _("Status"), _("Target"), _("Funnel position")]


def _status_words(row: Row) -> str:
    return "" if row.status is None else status_label(row.status, row.count)


def _position_words(row: Row) -> str:
    return position_label(row.position) if row.section == "child" else ""


def report_csv(session: Session, report: Report) -> bytes:
    """UTF-8 with a BOM so Excel reads the Vietnamese labels; plain decimal points, full precision.

    Row 1: unit and month. Row 2: the column ids (COLUMNS, then LABEL_COLUMNS). Row 3: the same
    columns named in the official's language. Then one row per measure."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The layout stays that of a month; for another period the cell holds the period's text.
    writer.writerow(safe_row(["unit", report.unit.code, report.unit.name, "month", report.month or report.period]))
    writer.writerow([*COLUMNS, *LABEL_COLUMNS])
    writer.writerow(safe_row([*_headers(), _("Status (in words)"), _("Funnel position (in words)")]))
    for row in report_rows(session, report):
        cells = ["" if v is None else v for v in row.cells()]
        writer.writerow(safe_row([*cells, _status_words(row), _position_words(row)]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SHEETS = {
    "summary": _l("Summary"),
    "criteria": _l("Criteria"),
    "flags": _l("Red flags"),
    "children": _l("Sub-units"),
}
SHEET_OF_SECTION = {
    "summary": "summary", "overall_distribution": "summary", "element": "summary", "channel": "summary",
    "expectation": "summary", "change": "summary", "criterion": "criteria", "flag": "flags", "child": "children",
}


#: Column widths of every report sheet, in characters (C holds the long labels).
WIDTHS = {"A": 20, "B": 16, "C": 60, "D": 11, "E": 11, "F": 11, "G": 8, "H": 9, "I": 24, "J": 10, "K": 26}


def write_report_xlsx(session: Session, report: Report, path: Path) -> None:
    """Sheets Summary, Criteria, Red flags, Sub-units (names translated; Vietnamese by
    default), each with the unit row, a bold frozen header row and the measures. Fractions are
    numbers with a percent format, the 1-5 mean has two decimals, n and count are integers;
    statuses and funnel positions are written in words."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheets = {}
    headers = _headers()
    for index, (key, title) in enumerate(SHEETS.items()):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = str(title)[:31]
        when = [_("Month"), report.month] if report.month is not None else [_("Period"), report.period]
        append_safe(sheet, [_("Unit"), report.unit.code, report.unit.name, *when])
        append_safe(sheet, headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A3"
        for letter, width in WIDTHS.items():
            sheet.column_dimensions[letter].width = width
        sheets[key] = sheet
    status_column = COLUMNS.index("status")
    position_column = COLUMNS.index("position")
    for row in report_rows(session, report):
        sheet = sheets[SHEET_OF_SECTION[row.section]]
        cells = row.cells()
        if row.status is not None:
            cells[status_column] = _status_words(row)
        if row.section == "child":
            cells[position_column] = _position_words(row)
        if row.section == "overall_distribution" and row.id is not None and row.id.isdigit():
            cells[COLUMNS.index("id")] = int(row.id)  # the score 1-5: a number, not text that looks like one
        written = append_safe(sheet, cells)
        for column in FRACTION_COLUMNS:
            cell = sheet.cell(row=written, column=COLUMNS.index(column) + 1)
            if isinstance(cell.value, float):
                cell.number_format = "0.00" if row.id == "overall_mean" else "0.00%"
    workbook.save(path)
