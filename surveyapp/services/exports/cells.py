"""The one guard every CSV and XLSX writer of the product passes its cells through.

Text in an export may come from anyone: a citizen's comment, a manager's unit or counter name,
a label. Two things must never follow it into an official's spreadsheet:

* **Formulas** (CSV/formula injection, OWASP "CSV Injection"): a text cell starting with `=`,
  `+`, `-`, `@`, a tab or a carriage return is read by Excel and LibreOffice as a formula (or
  as one after the leading blank), so it gets a leading single quote, which both show as text.
  The check also looks past leading spaces and line breaks, and at the full-width forms of
  those signs, which some spreadsheet versions accept as well.
* **Characters XML 1.0 forbids** (control characters other than tab, line feed and carriage
  return; lone surrogates; U+FFFE and U+FFFF): openpyxl refuses them with
  IllegalCharacterError, so one stored comment would break every workbook containing it. They
  are replaced by U+FFFD (the replacement character) in CSV and XLSX alike, so both files show
  the same text.

Only text is touched: numbers, dates and empty cells go through as they are, so a negative
number stays a number (`-0.05`, never `'-0.05`).
"""
from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
QUOTE = "'"

#: Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
#: [#xE000-#xFFFD] | [#x10000-#x10FFFF] (surrogates, lone in a Python str, fall outside too).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Signs that make a spreadsheet read a cell as a formula, ASCII and full-width.
FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: Characters a cell may start with that spreadsheets skip or treat as the start of a formula.
_LEADING_BLANKS = " \t\r\n\u00a0\u3000"

def safe_text(text: str) -> str:
    """`text` as a spreadsheet will show it, never run it: XML-forbidden characters replaced,
    a leading quote when it could start a formula."""
    text = _NOT_XML.sub(REPLACEMENT, text)
    if not text:
        return text
    if text[0] in "\t\r" or text.lstrip(_LEADING_BLANKS)[:1] in FORMULA_SIGNS:
        return QUOTE + text
    return text


def safe_cell(value: Any) -> Any:
    """One cell of any export: text neutralised (safe_text), anything else unchanged."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_row(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """A row of cells, each through safe_cell (what every writer appends)."""
    return [safe_cell(value) for value in values]


def append_safe(sheet: Any, values: list[Any] | tuple[Any, ...]) -> int:
    """Append a row to an openpyxl worksheet with every cell through safe_cell, text cells
    typed as strings: openpyxl would otherwise store a text starting with `=` as a formula.
    Returns the row's number.

    The cells are made here and handed to `append`, which places them: reading the sheet's
    `max_row` instead would scan every cell written so far on each row, and a month of a
    province's responses took minutes instead of seconds."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in safe_row(values):
        cell = Cell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
    return int(cells[0].row) if cells else int(sheet.max_row)
