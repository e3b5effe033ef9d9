"""Importing units, counters and procedures from CSV: all rows or none, every bad row named."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from surveyapp.models import Counter, Procedure, Unit


def write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_units_form_a_tree_of_any_depth_with_parents_later_in_the_file(runner, db, tmp_path):
    csv_file = write(
        tmp_path,
        "units.csv",
        "code,name,parent_code\nX-POINT,Điểm một cửa thôn 1,X-COMMUNE\nX-COMMUNE,Xã Mới,DEMO\nX-COUNTER-ROOM,Phòng quầy,X-POINT\n",
        bom=True,
    )
    result = runner.invoke(args=["import-units", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "3 mới" in result.output
    room = db.scalar(select(Unit).where(Unit.code == "X-COUNTER-ROOM"))
    assert [u.code for u in _chain(room)] == ["DEMO", "X-COMMUNE", "X-POINT", "X-COUNTER-ROOM"]
    assert room.path.count("/") == 5 and room.path.startswith(db.scalar(select(Unit).where(Unit.code == "DEMO")).path)


def _chain(unit):  # type: ignore[no-untyped-def]
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = unit.parent
    return list(reversed(chain))


def test_a_bad_unit_file_imports_nothing_and_names_every_bad_row(runner, db, tmp_path):
    before = count(db, Unit)
    csv_file = write(
        tmp_path,
        "units.csv",
        "code,name,parent_code\nGOOD-1,Xã Tốt,DEMO\nBAD 2,Xã Xấu,DEMO\nGOOD-3,,DEMO\nGOOD-4,Xã Bốn,NOWHERE\nGOOD-1,Trùng,DEMO\n",
    )
    result = runner.invoke(args=["import-units", str(csv_file)])
    assert result.exit_code == 1
    assert count(db, Unit) == before
    assert "Không nhập dữ liệu nào" in result.output
    assert "dòng 3, cột code" in result.output
    assert "dòng 4, cột name" in result.output
    assert "dòng 5, cột parent_code: không có đơn vị mã NOWHERE" in result.output
    assert "dòng 6, cột code: mã GOOD-1 đã có ở dòng 2" in result.output


def test_a_cycle_in_the_tree_is_refused(runner, db, tmp_path):
    csv_file = write(tmp_path, "units.csv", "code,name,parent_code\nA1,A,B1\nB1,B,A1\n")
    result = runner.invoke(args=["import-units", str(csv_file)])
    assert result.exit_code == 1 and "vòng lặp" in result.output
    assert db.scalar(select(Unit).where(Unit.code == "A1")) is None


def test_moving_a_unit_under_its_own_descendant_is_refused(runner, db, tmp_path):
    csv_file = write(tmp_path, "units.csv", "code,name,parent_code\nDEMO,Tỉnh,DEMO-X-TANLAP\n")
    result = runner.invoke(args=["import-units", str(csv_file)])
    assert result.exit_code == 1
    assert db.scalar(select(Unit).where(Unit.code == "DEMO")).parent_id is None


def test_wrong_columns_are_reported_in_english_when_asked(runner, db, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    csv_file = write(tmp_path, "units.csv", "code,title,parent\nA,B,\n")
    result = runner.invoke(args=["import-units", str(csv_file)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert "row 1, column name: required column is missing" in result.output
    assert "row 1, column title: unknown column" in result.output


def test_counters_belong_to_existing_units_and_are_updated_by_code(runner, db, tmp_path):
    csv_file = write(tmp_path, "counters.csv", "code,name,unit_code\nTT-Q01,Quầy 1 — Đất đai (mới),DEMO-TTHCC\nNEW-Q,Quầy mới,DEMO-X-DONGSON\n")
    result = runner.invoke(args=["import-counters", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(Counter).where(Counter.code == "TT-Q01")).name == "Quầy 1 — Đất đai (mới)"
    assert db.scalar(select(Counter).where(Counter.code == "NEW-Q")).unit.code == "DEMO-X-DONGSON"


def test_a_counter_of_an_unknown_unit_imports_nothing(runner, db, tmp_path):
    before = count(db, Counter)
    csv_file = write(tmp_path, "counters.csv", "code,name,unit_code\nOK-Q,Quầy,DEMO-TTHCC\nBAD-Q,Quầy,GHOST\n")
    result = runner.invoke(args=["import-counters", str(csv_file)])
    assert result.exit_code == 1 and "dòng 3, cột unit_code" in result.output
    assert count(db, Counter) == before


def test_procedure_codes_follow_the_national_catalogue_shape(runner, db, tmp_path):
    before = count(db, Procedure)
    bad = write(tmp_path, "p.csv", "code,name,field\n1.009999,Thủ tục mới,Hộ tịch\n1-000,Sai mã,Hộ tịch\n2.000001,,Hộ tịch\n")
    result = runner.invoke(args=["import-procedures", str(bad)])
    assert result.exit_code == 1
    assert "dòng 3, cột code: mã thủ tục có dạng 1.001612" in result.output
    assert "dòng 4, cột name" in result.output
    assert count(db, Procedure) == before
    good = write(tmp_path, "p2.csv", "code,name,field\n1.009999,Thủ tục mới,Hộ tịch\n")
    assert runner.invoke(args=["import-procedures", str(good)]).exit_code == 0
    assert count(db, Procedure) == before + 1


def test_a_file_that_is_not_utf8_is_refused(runner, db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,name,field\n1.009999,Th\xf4ng tin,H\xf4\n".encode("latin-1"))
    result = runner.invoke(args=["import-procedures", str(path)])
    assert result.exit_code == 1 and "UTF-8" in result.output
