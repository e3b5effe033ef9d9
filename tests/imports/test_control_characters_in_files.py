"""A NUL byte or another control character in an imported file is removed, never a traceback,
and the import stores the same text on both databases (issue 11; docs/IMPORT.md)."""
from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from surveyapp.models import Counter, DossierVolume, Procedure, Response, Unit
from tests.imports.helpers import full_row, write_csv

HOSTILE = "\x00Ý kiến\x01 có\x0bký tự\x7f lạ\tvà tab"
CLEAN = "Ý kiến cóký tự lạ\tvà tab"


def _row_with_comment(comment: str) -> dict:
    row = full_row(random.Random(3), "paper-nul-1", "DEMO-P-ANPHU", "2026-10-02T09:00:00", counter="AP-Q01")
    row["comment"] = comment
    row["TC01"] = f"\x00{row['TC01']}"
    return row


def test_import_responses_stores_a_comment_with_a_nul_byte_without_it(db, runner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "paper.csv", [_row_with_comment(HOSTILE)])
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    db.expire_all()
    [stored] = db.scalars(select(Response)).all()
    assert stored.comment == CLEAN and stored.uid == "paper-nul-1"


def test_import_responses_from_xlsx_with_control_characters(db, runner, tmp_path: Path) -> None:
    row = _row_with_comment(HOSTILE)
    workbook = Workbook()
    sheet = workbook.active
    columns = list(row)
    sheet.append(columns)
    # openpyxl itself refuses to write most control characters; a NUL-free hostile cell it takes.
    sheet.append([str(row[c]).replace("\x00", "").replace("\x01", "").replace("\x0b", "") for c in columns])
    path = tmp_path / "paper.xlsx"
    workbook.save(path)
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.scalars(select(Response.comment)).one() == "Ý kiến cóký tự lạ\tvà tab"


def test_organisation_imports_remove_control_characters(db, runner, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("code,name,parent_code\nNUL-UNIT\x00,Xã\x00 Mới\x1b,DEMO\n", encoding="utf-8")
    counters = tmp_path / "counters.csv"
    counters.write_text("code,name,unit_code\nNUL-Q01,Quầy\x00 1\x07,NUL-UNIT\n", encoding="utf-8")
    procedures = tmp_path / "procedures.csv"
    procedures.write_text("code,name,field\n9.999999\x00,Thủ tục\x00 thử,Lĩnh\x01 vực\n", encoding="utf-8")
    for command, path in (("import-units", units), ("import-counters", counters), ("import-procedures", procedures)):
        result = runner.invoke(args=[command, str(path)])
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
    db.expire_all()
    assert db.scalar(select(Unit.name).where(Unit.code == "NUL-UNIT")) == "Xã Mới"
    assert db.scalar(select(Counter.name).where(Counter.code == "NUL-Q01")) == "Quầy 1"
    assert db.scalar(select(Procedure.name).where(Procedure.code == "9.999999")) == "Thủ tục thử"


def test_import_volumes_removes_control_characters(db, runner, tmp_path: Path) -> None:
    path = tmp_path / "volumes.csv"
    path.write_text("unit,month,dossiers\nDEMO-P-ANPHU\x00,2026-10\x01,12\x00\n", encoding="utf-8")
    result = runner.invoke(args=["import-volumes", str(path)])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.scalar(select(DossierVolume.dossiers)) == 12
