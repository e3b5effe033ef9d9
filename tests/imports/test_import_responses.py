"""An official imports responses collected on paper or by other systems (docs/IMPORT.md)."""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveyapp.models import Response
from surveyapp.services.operations.response_import import import_responses
from surveyapp.services.operations.tabular import ImportRejected
from tests.imports.helpers import ALL_COLUMNS, fingerprint, full_row, kiosk_row, write_csv


def good_rows(count: int = 5, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        maker = kiosk_row if i % 4 == 3 else full_row
        rows.append(maker(rng, f"paper-{i:04d}", "DEMO-P-ANPHU", f"2026-10-{1 + i % 28:02d}T09:{i % 60:02d}:00", counter="AP-Q01"))
    return rows


def stored(db) -> list[Response]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(Response).order_by(Response.uid)))


def test_an_official_imports_a_csv_of_paper_forms(db, runner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "paper.csv", good_rows(8))
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 0, result.output
    responses = stored(db)
    assert [r.uid for r in responses] == [f"paper-{i:04d}" for i in range(8)]
    first = responses[0]
    assert first.unit.code == "DEMO-P-ANPHU" and first.counter.code == "AP-Q01"
    assert first.month == "2026-10" and first.definition_id == "sipas-full"
    assert first.submitted_at == datetime(2026, 10, 1, 2, 0)  # 09:00 in Vietnam is 02:00 UTC
    assert responses[3].definition_id == "sipas-kiosk" and responses[3].channel == "kiosk"
    assert all(isinstance(v, int) or v == "na" for k, v in first.answers.items() if k.startswith("TC"))


def test_cells_are_stored_as_the_web_form_would_store_them(db, tmp_path: Path) -> None:
    row = good_rows(1)[0] | {"TC01": "NA", "TC02": "", "TC03": "4", "TC04": "5.0", "trips": "2.0", "expect": "time; info", "ontime": "late", "apology": "no",
                             "procedure": "1.001193", "comment": "Phòng chờ nóng."}
    import_responses(db, write_csv(tmp_path / "one.csv", [row]))
    response = stored(db)[0]
    assert response.answers["TC01"] == "na" and "TC02" not in response.answers and response.answers["TC03"] == 4
    assert response.answers["TC04"] == 5 and response.answers["trips"] == "2"  # a spreadsheet's 5.0 is 5
    assert response.answers["expect"] == ["info", "time"]  # questionnaire order, as the form stores it
    assert response.answers["apology"] == "no"
    assert response.procedure.code == "1.001193" and response.comment == "Phòng chờ nóng."
    assert "comment" not in response.answers


def test_an_xlsx_file_with_number_and_date_cells_imports_like_a_csv(db, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    columns = ["response_id", "submitted_at", "unit", "channel", "survey", "overall", "trips", "slip", "harassment", "TC01", "E1"]
    sheet.append(columns)
    sheet.append(["x-1", datetime(2026, 9, 30, 23, 30), "DEMO-X-BINHMINH", "paper", "sipas-full", 5, 3, "yes", "none", 4, None])
    sheet.append(["x-2", "2026-09-15T08:00:00+07:00", "DEMO-X-BINHMINH", "kiosk", "sipas-kiosk", 2, 1, "no", "some", None, 5])
    workbook.save(tmp_path / "forms.xlsx")
    summary = import_responses(db, tmp_path / "forms.xlsx")
    assert summary.imported == 2
    first, second = stored(db)
    assert first.answers == {"overall": 5, "trips": "3", "slip": "yes", "harassment": "none", "TC01": 4}
    assert first.month == "2026-09"  # 23:30 local time, still September in Vietnam
    assert second.answers["E1"] == 5 and second.definition_id == "sipas-kiosk"


def test_a_time_without_offset_is_vietnam_time_and_an_explicit_offset_can_cross_a_month(db, tmp_path: Path) -> None:
    rows = good_rows(2)
    rows[0]["submitted_at"] = "2026-10-31T23:30:00"  # local: October
    rows[1]["submitted_at"] = "2026-10-31T20:00:00+00:00"  # 03:00 on 1 November in Vietnam
    import_responses(db, write_csv(tmp_path / "edge.csv", rows))
    first, second = stored(db)
    assert (first.submitted_at, first.month) == (datetime(2026, 10, 31, 16, 30), "2026-10")
    assert (second.submitted_at, second.month) == (datetime(2026, 10, 31, 20, 0), "2026-11")


def test_importing_the_same_file_twice_never_duplicates(db, runner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "paper.csv", good_rows(6))
    assert runner.invoke(args=["import-responses", str(path)]).exit_code == 0
    before = fingerprint(db)
    again = runner.invoke(args=["import-responses", str(path)])
    assert again.exit_code == 0, again.output
    assert "0" in again.output and "6" in again.output
    assert fingerprint(db) == before
    summary = import_responses(db, path)
    assert (summary.imported, summary.already_imported) == (0, 6)


def test_a_file_with_old_and_new_rows_adds_only_the_new_ones(db, tmp_path: Path) -> None:
    rows = good_rows(6)
    import_responses(db, write_csv(tmp_path / "first.csv", rows[:4]))
    summary = import_responses(db, write_csv(tmp_path / "second.csv", rows))
    assert (summary.imported, summary.already_imported) == (2, 4)
    assert len(stored(db)) == 6


def test_an_id_already_imported_with_different_answers_is_refused(db, tmp_path: Path) -> None:
    rows = good_rows(3)
    import_responses(db, write_csv(tmp_path / "first.csv", rows))
    db.commit()
    before = fingerprint(db)
    rows[1] = rows[1] | {"overall": 1 if rows[1]["overall"] != 1 else 5}
    with pytest.raises(ImportRejected) as caught:
        import_responses(db, write_csv(tmp_path / "changed.csv", rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "response_id")]
    assert "nội dung khác" in str(caught.value.errors[0])  # Vietnamese by default
    assert fingerprint(db) == before


def test_rows_without_an_id_get_a_fresh_one(db, tmp_path: Path) -> None:
    rows = [r | {"response_id": ""} for r in good_rows(3)]
    assert import_responses(db, write_csv(tmp_path / "anon.csv", rows)).imported == 3
    assert len({r.uid for r in stored(db)}) == 3


def test_a_dry_run_checks_but_stores_nothing(db, runner, tmp_path: Path) -> None:
    before = fingerprint(db)
    result = runner.invoke(args=["import-responses", "--dry-run", str(write_csv(tmp_path / "p.csv", good_rows(4)))])
    assert result.exit_code == 0, result.output
    assert fingerprint(db) == before


# ----------------------------------------------------------------------- malformed files
def _bad(**changes: str) -> list[dict]:
    """Five good rows, the third changed as given (file row 4)."""
    rows = good_rows(5)
    rows[2] = rows[2] | changes
    return rows


MALFORMED = {
    "out-of-range criterion": (_bad(TC05="6"), 4, "TC05"),
    "zero score": (_bad(overall="0"), 4, "overall"),
    "na where not allowed": (_bad(overall="na"), 4, "overall"),
    "missing overall": (_bad(overall=""), 4, "overall"),
    "decimal score": (_bad(TC01="4.5"), 4, "TC01"),
    "forged choice code": (_bad(slip="maybe"), 4, "slip"),
    "trips out of range": (_bad(trips="4"), 4, "trips"),
    "forged expectation code": (_bad(expect="time;bribes"), 4, "expect"),
    "unknown unit": (_bad(unit="NO-SUCH-UNIT"), 4, "unit"),
    "unknown counter": (_bad(counter="ZZ-Q99"), 4, "counter"),
    "counter of another unit": (_bad(counter="TT-Q01"), 4, "counter"),
    "bad date": (_bad(submitted_at="2026-02-30T10:00:00"), 4, "submitted_at"),
    "not a date": (_bad(submitted_at="hôm qua"), 4, "submitted_at"),
    "day-first date": (_bad(submitted_at="21/11/2026"), 4, "submitted_at"),
    "unknown channel": (_bad(channel="fax"), 4, "channel"),
    "unknown survey": (_bad(survey="sipas-2019"), 4, "survey"),
    "unknown survey version": (_bad(survey_version="9"), 4, "survey_version"),
    "unknown procedure": (_bad(procedure="9.999999"), 4, "procedure"),
    "duplicate id in the file": (_bad(response_id="paper-0000"), 4, "response_id"),
    "criterion on the kiosk form": (_bad(survey="sipas-kiosk", TC01="5", expect=""), 4, "TC01"),
}


@pytest.mark.parametrize("rows, row_number, column", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_half_bad_file_leaves_the_database_unchanged(db, runner, tmp_path: Path, rows, row_number, column) -> None:
    import_responses(db, write_csv(tmp_path / "earlier.csv", [r | {"response_id": "old-" + r["response_id"]} for r in good_rows(2, seed=9)]))
    db.commit()
    before = fingerprint(db)
    path = write_csv(tmp_path / "bad.csv", rows)
    result = runner.invoke(args=["import-responses", str(path)])
    assert result.exit_code == 1
    assert fingerprint(db) == before
    with pytest.raises(ImportRejected) as caught:
        import_responses(db, path)
    assert (row_number, column) in [(e.row, e.column) for e in caught.value.errors]
    assert fingerprint(db) == before


def test_every_bad_row_is_reported_with_row_column_and_reason(runner, db, tmp_path: Path) -> None:
    rows = good_rows(6)
    rows[0]["TC03"] = "7"
    rows[2]["unit"] = "NOWHERE"
    rows[2]["slip"] = "perhaps"
    rows[5]["submitted_at"] = "yesterday"
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "bad.csv", rows))], env={"SURVEYAPP_LANG": "en"})
    assert result.exit_code == 1
    assert "4 problem(s)" in result.output
    assert "row 2, column TC03: must be 1 to 5, or na (not applicable)" in result.output
    assert "row 4, column unit: unknown unit NOWHERE" in result.output
    assert "row 4, column slip: must be one of: yes, no" in result.output
    assert "row 7, column submitted_at" in result.output


def test_the_error_report_is_in_vietnamese_by_default(runner, tmp_path: Path) -> None:
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "bad.csv", _bad(unit="NOWHERE")))])
    assert result.exit_code == 1
    assert "dòng 4" in result.output and "NOWHERE" in result.output


@pytest.mark.parametrize(
    "columns, column",
    [
        ([c for c in ALL_COLUMNS if c != "survey"], "survey"),
        ([c for c in ALL_COLUMNS if c != "submitted_at"], "submitted_at"),
        (ALL_COLUMNS + ["favourite_colour"], "favourite_colour"),
        (ALL_COLUMNS + ["TC23"], "TC23"),
    ],
    ids=["missing survey", "missing submitted_at", "unknown column", "not a criterion"],
)
def test_wrong_columns_are_refused_before_any_row(db, tmp_path: Path, columns, column) -> None:
    before = fingerprint(db)
    with pytest.raises(ImportRejected) as caught:
        import_responses(db, write_csv(tmp_path / "cols.csv", good_rows(3), columns))
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, column)]
    assert fingerprint(db) == before


def test_a_large_file_imports_whole(db, tmp_path: Path) -> None:
    rng = random.Random(5)
    rows = [full_row(rng, f"big-{i}", "DEMO-TTHCC", f"2026-08-{1 + i % 28:02d}T10:00:00", counter="TT-Q02") for i in range(3000)]
    path = write_csv(tmp_path / "big.csv", rows)
    assert import_responses(db, path).imported == 3000
    assert db.scalar(select(func.count()).select_from(Response)) == 3000
