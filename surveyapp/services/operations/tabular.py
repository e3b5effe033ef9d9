"""Reading tabular files (CSV, XLSX) into rows, and the row-error report every import shares."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from surveyapp.textinput import clean_text


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line in the file, the header being row 1
    column: str | None
    reason: str | LazyString

    def __str__(self) -> str:
        if self.column:
            return str(
                _l("row %(row)s, column %(column)s: %(reason)s", row=self.row, column=self.column, reason=self.reason)
            )
        return str(_l("row %(row)s: %(reason)s", row=self.row, reason=self.reason))


class ImportRejected(Exception):
    """Raised when any row is bad; nothing has been written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number, values by column)


def read_table(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (), *, open_columns: bool = False
) -> Table:
    """Read a CSV (UTF-8, optional BOM) or XLSX file whose first row names the columns.

    Raises ImportRejected when required columns are missing or unknown ones are present
    (unless `open_columns`: the caller validates extra columns itself).
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, raw_rows = _read_xlsx(path)
    else:
        header, raw_rows = _read_csv(path)
    # Control characters are removed from every cell (surveyapp/textinput.py): a NUL byte would
    # fail on PostgreSQL, and none of them is ever meant in a name, a code or a comment.
    header = [clean_text(h).strip() for h in header]
    errors: list[RowError] = []
    missing = [c for c in required if c not in header]
    for column in missing:
        errors.append(RowError(1, column, _l("required column is missing")))
    if not open_columns:
        for column in header:
            if column not in required and column not in optional:
                errors.append(RowError(1, column, _l("unknown column")))
    duplicates = {c for c in header if header.count(c) > 1}
    for column in sorted(duplicates):
        errors.append(RowError(1, column, _l("column appears more than once")))
    if errors:
        raise ImportRejected(errors)
    rows = []
    for number, values in raw_rows:
        if not any(v.strip() for v in values):
            continue  # blank lines are not rows
        padded = values + [""] * (len(header) - len(values))
        if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
            errors.append(RowError(number, None, _l("more values than columns")))
            continue
        rows.append((number, {column: clean_text(padded[i]).strip() for i, column in enumerate(header)}))
    if errors:
        raise ImportRejected(errors)
    return Table(header=header, rows=rows)


def _read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(1, None, _l("the file is not UTF-8 text"))]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([RowError(1, None, _l("the file is empty"))]) from None
    except csv.Error as exc:
        raise ImportRejected([RowError(1, None, _l("not a valid CSV file"))]) from exc
    rows = []
    try:
        for values in reader:
            rows.append((reader.line_num, values))
    except csv.Error:
        raise ImportRejected([RowError(reader.line_num, None, _l("not a valid CSV file"))]) from None
    return header, iter(rows)


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected([RowError(1, None, _l("not a readable XLSX file"))]) from exc
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(cells)]
    except StopIteration:
        raise ImportRejected([RowError(1, None, _l("the file is empty"))]) from None
    while header and header[-1] == "":
        header.pop()
    rows = [(number, [_cell_text(v) for v in values]) for number, values in enumerate(cells, start=2)]
    workbook.close()
    return header, iter(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
