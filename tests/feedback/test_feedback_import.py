"""`import-feedback`: every bad row reported with its row and reason and nothing stored; the same
code imported again updates its complaint; codes are stored only as keyed hashes; XLSX too."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from surveyapp.models import Feedback
from tests.dossiers.helpers import api_client, bearer, dossier

HEADER = "unit,code,received_on,due_on,handled_on,dissatisfied,dossier_code\n"


def write(tmp_path: Path, body: str, name: str = "pakn.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def count(db) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count(Feedback.id)))


def test_every_bad_row_is_reported_and_nothing_is_stored(runner, db, tmp_path):
    path = write(tmp_path,
                 "DEMO,OK-1,2026-10-01,2026-10-10,,no,\n"
                 "NOPE,X-2,2026-10-01,2026-10-10,,no,\n"
                 "DEMO,X-3,2026-10-01,2026-09-30,,no,\n"
                 "DEMO,X-4,2026-13-01,2026-10-10,2026-10-02,maybe,\n"
                 "DEMO,,2026-10-01,2026-10-10,2026-09-01,yes,\n"
                 "DEMO,OK-1,2026-10-01,2026-10-10,,no,\n")
    result = runner.invoke(args=["import-feedback", str(path)])
    assert result.exit_code == 1
    for expected in ("dòng 3, cột unit", "dòng 4, cột due_on", "dòng 5, cột received_on", "dòng 5, cột dissatisfied",
                     "dòng 6, cột code", "dòng 6, cột handled_on", "dòng 7, cột code"):
        assert expected in result.output, (expected, result.output)
    assert count(db) == 0


def test_the_messages_follow_the_cli_language(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    result = runner.invoke(args=["import-feedback", str(write(tmp_path, "NOPE,X,2026-10-01,2026-10-10,,no,\n"))])
    assert result.exit_code == 1 and "row 2, column unit: unknown unit code" in result.output


def test_a_missing_column_is_reported(runner, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("unit,code,received_on\nDEMO,A,2026-10-01\n", encoding="utf-8")
    result = runner.invoke(args=["import-feedback", str(path)])
    assert result.exit_code == 1 and "due_on" in result.output and "dissatisfied" in result.output


def test_importing_the_same_code_again_updates_it_and_codes_are_hashed(runner, db, tmp_path):
    first = write(tmp_path, "DEMO-TTHCC,PAKN-2026-001,2026-10-01,2026-10-10,,no,\n")
    assert runner.invoke(args=["import-feedback", str(first)]).exit_code == 0
    again = write(tmp_path, "DEMO-TTHCC,PAKN-2026-001,2026-10-01,2026-10-10,2026-10-09,yes,\n", "again.csv")
    result = runner.invoke(args=["import-feedback", str(again)])
    assert result.exit_code == 0 and "0" in result.output
    [stored] = db.scalars(select(Feedback)).all()
    assert stored.handled_on.isoformat() == "2026-10-09" and stored.dissatisfied is True
    assert "PAKN-2026-001" not in stored.code_hash and len(stored.code_hash) == 64


def test_a_dossier_code_links_the_posted_dossier(app, client, runner, db, tmp_path):
    secret = api_client(app)
    client.post("/api/v1/dossiers", json=dossier(code="HS-1"), headers=bearer(secret))
    path = write(tmp_path, "DEMO-TTHCC,P-1,2026-10-01,2026-10-10,,no,HS-1\nDEMO-TTHCC,P-2,2026-10-01,2026-10-10,,no,HS-9\n")
    result = runner.invoke(args=["import-feedback", str(path)])
    assert result.exit_code == 0, result.output
    linked = {f.dossier_id is not None for f in db.scalars(select(Feedback))}
    assert linked == {True, False}
    assert all(f.dossier_hash and "HS-" not in f.dossier_hash for f in db.scalars(select(Feedback)))


def test_an_xlsx_file_with_date_cells_is_read(runner, db, tmp_path):
    from datetime import date

    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "code", "received_on", "due_on", "handled_on", "dissatisfied", "dossier_code"])
    sheet.append(["DEMO", "X-1", date(2026, 10, 1), date(2026, 10, 10), None, "yes", None])
    path = tmp_path / "pakn.xlsx"
    book.save(path)
    result = runner.invoke(args=["import-feedback", str(path)])
    assert result.exit_code == 0, result.output
    stored = db.scalar(select(Feedback))
    assert stored.due_on == date(2026, 10, 10) and stored.dissatisfied is True and stored.handled_on is None
