"""Anonymised raw responses of a unit's subtree for a month (or any period of months), as CSV
(UTF-8 BOM) and XLSX.

Anonymised: no response id, no time of day (the day only), nothing that links to a token or a
dossier. Answers are spread over one column per question id of docs/DOMAIN (stable names).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from analysis.sipas import CRITERIA, ELEMENTS
from surveyapp.models import Counter, Procedure, Response, Unit
from surveyapp.periods import period_months

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
            response.month, response.submitted_at.date(), unit_code, unit_name, counter_code or "",
            procedure_code or "", response.channel, response.definition_id, response.language,
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
        writer.writerow([c.isoformat() if hasattr(c, "isoformat") else c for c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def write_raw_xlsx(session: Session, unit: Unit, month: str, path: Path, sheet_title: str = "responses") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in raw_rows(session, unit, month):
        sheet.append(cells)
        sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    workbook.save(path)
