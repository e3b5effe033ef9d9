"""`flask --app surveyapp ranking --unit U --period P --format json|csv|xlsx [--measure M]
[--all-communes] [--against parent|target] [--output FILE]` on a seeded province."""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from surveyapp.db import get_session
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.reports import period_report
from tests.imports.helpers import full_row, write_csv

# commune: (responses in November 2026, chance of a 4-5 answer)
SEEDED = {
    "DEMO-P-ANPHU": (150, 0.95),
    "DEMO-X-BINHMINH": (150, 0.55),
    "DEMO-X-TANLAP": (60, 0.8),
    "DEMO-P-HOABINH": (45, 0.85),
    "DEMO-X-DONGSON": (12, 1.0),  # the best raw rate, on too few answers
}


@pytest.fixture
def seeded(runner: FlaskCliRunner, tmp_path: Path) -> None:
    rng = random.Random(14)
    rows = [
        full_row(rng, f"{unit}-{i}", unit, f"2026-11-{1 + i % 25:02d}T09:00:00", good=good)
        for unit, (count, good) in SEEDED.items() for i in range(count)
    ]
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output


def ranking_json(runner: FlaskCliRunner, *extra: str) -> dict:
    result = runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-11", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_ranks_the_children_with_the_reports_small_area_estimates(
    runner: FlaskCliRunner, seeded: None, app: Flask
) -> None:
    data = ranking_json(runner)
    assert list(data) == ["unit", "period", "measure", "children"]
    assert (data["unit"], data["period"], data["measure"]) == ("DEMO", "2026-11", "service_index")
    by_code = {c["code"]: c for c in data["children"]}
    with app.app_context():
        session = get_session()
        report = period_report(session, unit_by_code(session, "DEMO"), "2026-11", min_responses=30)
    assert set(by_code) == {c.code for c in report.children}
    for child in report.children:  # the ranking's estimates are the report's, computed another way
        entry = by_code[child.code]
        assert entry["small_area"] == child.service_index.small_area.to_json()
        assert entry["n"] == child.service_index.n and entry["value"] == child.service_index.value
    ranked = [c for c in data["children"] if c["rank"] is not None]
    estimates = [c["small_area"]["value"] for c in ranked]
    assert estimates == sorted(estimates, reverse=True) and ranked[0]["rank"] == 1
    assert ranked[0]["code"] == "DEMO-P-ANPHU" and ranked[0]["tier"] == "above"
    assert by_code["DEMO-X-BINHMINH"]["tier"] == "below"
    for entry in ranked:
        low, high = entry["rank_ci"]
        assert 1 <= low <= entry["rank"] <= high <= len(ranked)
    for code in ("DEMO-X-DONGSON", "DEMO-TTHCC"):  # 12 and 0 answers: listed, never ranked
        assert by_code[code]["rank"] is None and by_code[code]["rank_ci"] is None
        assert by_code[code]["tier"] == "insufficient" and by_code[code]["value"] is None
    assert data["children"][-1]["tier"] == "insufficient"


def test_the_same_command_gives_the_same_ranking(runner: FlaskCliRunner, seeded: None) -> None:
    assert ranking_json(runner) == ranking_json(runner)


def test_other_measure_target_and_all_communes(runner: FlaskCliRunner, seeded: None) -> None:
    overall = ranking_json(runner, "--measure", "overall", "--against", "target")
    assert overall["measure"] == "overall"
    assert {c["code"] for c in ranking_json(runner, "--all-communes")["children"]} >= set(SEEDED)


def test_csv_has_one_safe_row_per_unit(runner: FlaskCliRunner, seeded: None) -> None:
    result = runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-11", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0][:5] == ["unit", "DEMO", "Tỉnh An Phú (dữ liệu mẫu)", "period", "2026-11"]
    assert rows[1][:4] == ["rank", "rank_ci_low", "rank_ci_high", "code"]
    assert rows[2][0] == "Hạng"
    assert len(rows) == 3 + 6 and rows[3][0] == "1" and rows[3][3] == "DEMO-P-ANPHU"


def test_xlsx_is_what_a_council_reads(runner: FlaskCliRunner, seeded: None, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "ranking.xlsx"
    result = runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-Q4", "--format", "xlsx",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "Xếp hạng" in values[0][0] and "Tỉnh An Phú" in values[0][0]
    assert values[2][1] == "Quý 4/2026"
    assert "bootstrap" in values[4][1] or "lần rút" in values[4][1]
    header = values[6]
    assert header[0] == "Hạng" and len(values) == 7 + 6
    assert values[7][3] == "DEMO-P-ANPHU" and sheet.cell(row=8, column=7).number_format == "0.0%"


def test_bad_input_is_a_clear_message_and_exit_1(runner: FlaskCliRunner) -> None:
    for args, reason in (
        (["--unit", "NOPE", "--period", "2026-11"], "NOPE"),
        (["--unit", "DEMO", "--period", "2026-13"], "2026-13"),
        (["--unit", "DEMO", "--period", "2026-11", "--format", "xlsx"], "--output"),
    ):
        result = runner.invoke(args=["ranking", *args])
        assert result.exit_code == 1 and reason in result.output, result.output
    result = runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-11", "--measure", "TC99"])
    assert result.exit_code == 2 and "TC99" in result.output


def test_a_target_the_unit_lacks_is_a_clear_refusal(runner: FlaskCliRunner, seeded: None) -> None:
    assert runner.invoke(args=["set-targets", "--unit", "DEMO", "service_index=none"]).exit_code == 0
    result = runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-11", "--against", "target"])
    assert result.exit_code == 1 and "DEMO" in result.output and "service_index" in result.output


def test_all_communes_ranks_the_units_without_sub_units_at_any_depth(runner: FlaskCliRunner, seeded: None,
                                                                       tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("code,name,parent_code\nDEMO-X-TANLAP-1,Điểm một cửa Tân Lập,DEMO-X-TANLAP\n", encoding="utf-8")
    assert runner.invoke(args=["import-units", str(units)]).exit_code == 0
    codes = {c["code"] for c in ranking_json(runner, "--all-communes")["children"]}
    assert "DEMO-X-TANLAP-1" in codes and "DEMO-X-TANLAP" not in codes and "DEMO-P-ANPHU" in codes
    direct = {c["code"] for c in ranking_json(runner)["children"]}
    assert "DEMO-X-TANLAP" in direct and "DEMO-X-TANLAP-1" not in direct


def test_hostile_unit_names_stay_text_in_csv_and_xlsx(runner: FlaskCliRunner, seeded: None, app: Flask,
                                                      tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with app.app_context():
        session = get_session()
        unit = unit_by_code(session, "DEMO-X-TANLAP")
        assert unit is not None
        unit.name = '=HYPERLINK("http://evil.example","x")\x07'
        session.commit()
    result = runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-11", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    names = [row[4] for row in rows[3:] if row[3] == "DEMO-X-TANLAP"]
    assert names == ["'=HYPERLINK(\"http://evil.example\",\"x\")\ufffd"]
    out = tmp_path / "r.xlsx"
    assert runner.invoke(args=["ranking", "--unit", "DEMO", "--period", "2026-11", "--format", "xlsx",
                               "--output", str(out)]).exit_code == 0
    sheet = load_workbook(out).active
    cells = [row[4] for row in sheet.iter_rows(min_row=8) if row[3].value == "DEMO-X-TANLAP"]
    assert cells[0].data_type == "s" and str(cells[0].value).startswith("'=HYPERLINK")
