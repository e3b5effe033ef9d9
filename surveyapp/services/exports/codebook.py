"""The codebook of the anonymised responses: what each column and each code means.

The responses export keeps the stable ids (`TC01`, `trips`, `yes`, `direct`) so programs can
read it; the codebook turns them into words in the official's language: one row per column
(column id → its meaning or question), then one row per code of that column (code → label).
Questions and options come from the stored questionnaires (the current versions of
`sipas-full`, then `sipas-kiosk` for any item the full form lacks); the response channels from
surveyapp/labels.py. It is the `Codebook` sheet of responses.xlsx and the file codebook.csv.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from analysis.sipas import FULL_FORM_ID, KIOSK_FORM_ID
from surveyapp.definitions.model import Definition, Item
from surveyapp.i18n import current_lang
from surveyapp.labels import RESPONSE_CHANNEL_LABELS
from surveyapp.services.exports.cells import append_safe, safe_row
from surveyapp.services.exports.responses import ANSWER_COLUMNS, COLUMNS
from surveyapp.services.survey.definitions import current_definition

CODEBOOK_COLUMNS = ("column", "code", "label")


@dataclass(frozen=True)
class CodebookRow:
    column: str
    code: str  # empty on the row that describes the column itself
    label: str

    def cells(self) -> list[str]:
        return [self.column, self.code, self.label]


def _context_meanings() -> dict[str, str]:
    return {
        "month": _("Month of the response (YYYY-MM, Vietnam time)"),
        "date": _("Day of the response (Vietnam time)"),
        "unit_code": _("Code of the unit the response belongs to"),
        "unit_name": _("Name of that unit"),
        "counter_code": _("Code of the counter (empty when none)"),
        "procedure_code": _("Code of the administrative procedure (empty when none)"),
        "channel": _("How the response reached us"),
        "form": _("Questionnaire answered"),
        "language": _("Language the respondent used"),
        "comment": _("The respondent's comment (free text)"),
    }


def _item_of(definitions: list[Definition], item_id: str) -> Item | None:
    for definition in definitions:
        if item_id in definition.item_ids:
            return definition.item(item_id)
    return None


def codebook_rows(session: Session, lang: str | None = None) -> Iterator[CodebookRow]:
    """Every column of the responses export in order, each followed by the codes it may hold."""
    lang = lang or current_lang()
    stored = (current_definition(session, FULL_FORM_ID), current_definition(session, KIOSK_FORM_ID))
    definitions = [found[1] for found in stored if found is not None]
    context = _context_meanings()
    for column in COLUMNS:
        if column in ANSWER_COLUMNS:
            item = _item_of(definitions, column)
            yield CodebookRow(column, "", item.label(lang) if item is not None else column)
            if item is not None:
                for option in item.all_options:
                    yield CodebookRow(column, option.code, option.label(lang))
            continue
        yield CodebookRow(column, "", context.get(column, column))
        if column == "channel":
            for code, label in RESPONSE_CHANNEL_LABELS.items():
                yield CodebookRow(column, code, str(label))
        elif column == "form":
            for definition in definitions:
                yield CodebookRow(column, definition.id, definition.title(lang))
        elif column == "language":
            yield CodebookRow(column, "vi", "Tiếng Việt")
            yield CodebookRow(column, "en", "English")


def codebook_header() -> list[str]:
    return [_("Column"), _("Code"), _("Meaning")]


def codebook_csv(session: Session) -> bytes:
    """UTF-8 with a BOM (like every CSV of the product); row 1 holds the column ids
    `column,code,label`, then one row per column and per code."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CODEBOOK_COLUMNS)
    for row in codebook_rows(session):
        writer.writerow(safe_row(row.cells()))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def add_codebook_sheet(workbook: Any, session: Session) -> None:
    """The `Codebook` sheet (its name translated) after the responses sheet."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(_("Codebook")[:31])
    append_safe(sheet, codebook_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in codebook_rows(session):
        cells: list[Any] = row.cells()
        if row.code.isdigit():
            cells[1] = int(row.code)  # as the responses sheet writes whole-number codes
        written = append_safe(sheet, cells)
        if not row.code:
            for cell in sheet[written]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in (("A", 18), ("B", 14), ("C", 90)):
        sheet.column_dimensions[letter].width = width
