"""Anonymised raw responses of a unit's subtree for a month (or any period of months), as CSV
(UTF-8 BOM) and XLSX.

Anonymised: no response id, no time of day (the day only), nothing that links to a token or a
dossier. Answers are spread over one column per question id of docs/DOMAIN (stable names); the
codebook (surveyapp/services/exports/codebook.py) says what each id and code means. The day is
Vietnam's, like the month. Every cell goes through surveyapp/services/exports/cells.py.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from analysis.sipas import CRITERIA, ELEMENTS
from surveyapp.models import Counter, Procedure, Response, Unit
from surveyapp.periods import period_months
from surveyapp.services.exports.cells import append_safe, safe_row
from surveyapp.timeutil import vietnam_date

CONTEXT_COLUMNS = (
    "month", "date", "unit_code", "unit_name", "counter_code", "procedure_code", "channel", "form", "language",
)
ANSWER_COLUMNS = (
    "submit_channel", "receive_channel", "trips", "slip", "ontime", "apology", "harassment", "extra_payment",
    *CRITERIA, *ELEMENTS, "overall", "expect", "respondent_type", "gender", "age_group",
)
COLUMNS = (*CONTEXT_COLUMNS, *ANSWER_COLUMNS, "comment")


def raw_rows(session: Session, unit: Unit, month: str) -> Iterator[list[Any]]:
    """One list of cells per response of the month or period `month`, oldest first, in COLUMNS order."""
    where = aliased(Unit)
    query = (
        select(Response, where.code, where.name, Counter.code, Procedure.code)
        .join(where, where.id == Response.unit_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .outerjoin(Procedure, Procedure.id == Response.procedure_id)
        .where(where.path.startswith(unit.path, autoescape=True), Response.month.in_(period_months(month)))
        .order_by(Response.submitted_at, Response.id)
    )
    for response, unit_code, unit_name, counter_code, procedure_code in session.execute(query):
        answers = response.answers or {}
        cells: list[Any] = [
            response.month, vietnam_date(response.submitted_at), unit_code, unit_name,
            counter_code or "", procedure_code or "", response.channel, response.definition_id, response.language,
        ]
        for column in ANSWER_COLUMNS:
            value = answers.get(column, "")
            cells.append(";".join(str(v) for v in value) if isinstance(value, list) else value)
        cells.append(response.comment or "")
        yield cells


def raw_csv(session: Session, unit: Unit, month: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for cells in raw_rows(session, unit, month):
        writer.writerow(safe_row([c.isoformat() if hasattr(c, "isoformat") else c for c in cells]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


#: Answer columns whose codes are whole numbers (`trips` 1-3, ratings 1-5): numbers in the XLSX.
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,3}$")
_ANSWER_RANGE = range(len(CONTEXT_COLUMNS), len(CONTEXT_COLUMNS) + len(ANSWER_COLUMNS))
_WIDTHS = {"month": 9, "date": 11, "unit_code": 16, "unit_name": 30, "counter_code": 14, "procedure_code": 14,
           "channel": 8, "form": 11, "language": 8, "expect": 18, "comment": 60}


def write_raw_xlsx(session: Session, unit: Unit, month: str, path: Path, sheet_title: str = "responses") -> None:
    """The responses on the first sheet (frozen header row of column ids, dates as dates, whole
    number codes as numbers), then the codebook sheet in the official's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from surveyapp.services.exports.codebook import add_codebook_sheet

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    append_safe(sheet, list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in raw_rows(session, unit, month):
        for index in _ANSWER_RANGE:
            value = cells[index]
            if isinstance(value, str) and _WHOLE_NUMBER.match(value):
                cells[index] = int(value)
        row = append_safe(sheet, cells)
        sheet.cell(row=row, column=2).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    for number, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = _WIDTHS.get(column, max(7, len(column) + 2))
    add_codebook_sheet(workbook, session)
    workbook.save(path)
