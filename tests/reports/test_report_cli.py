"""`flask --app surveyapp report --unit CODE --month YYYY-MM --format json|csv|xlsx [--output FILE]`."""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from tests.imports.helpers import full_row, write_csv


@pytest.fixture
def imported(runner: FlaskCliRunner, tmp_path: Path) -> None:
    rng = random.Random(3)
    rows = [full_row(rng, f"a{i}", "DEMO-P-ANPHU", f"2026-11-{1 + i % 20:02d}T10:00:00", counter="AP-Q02") for i in range(40)]
    rows += [full_row(rng, f"b{i}", "DEMO-X-DONGSON", "2026-11-05T10:00:00") for i in range(35)]
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output


def test_json_goes_to_stdout(runner: FlaskCliRunner, imported: None) -> None:
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n_responses"] == 75 and report["unit"]["code"] == "DEMO"


def test_json_to_a_file(runner: FlaskCliRunner, imported: None, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(args=["report", "--unit", "DEMO-P-ANPHU", "--month", "2026-11", "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["n_responses"] == 40


def test_csv_opens_in_excel_with_one_row_per_measure(runner: FlaskCliRunner, imported: None) -> None:
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11", "--format", "csv"])
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:2] == ["unit", "DEMO"]
    header = lines[1]
    assert header == ["section", "id", "label", "value", "ci_low", "ci_high", "n", "count", "status", "target", "position",
                      "status_label", "position_label"]  # the documented columns, then the two in words
    assert lines[2][:3] == ["Phần", "Mã", "Nội dung"]  # the same header in the operator's language
    rows = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in lines[3:]}
    report = json.loads(runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11"]).stdout)
    assert float(rows[("summary", "overall")]["value"]) == report["overall"]["value"]
    assert rows[("criterion", "TC01")]["label"] == "Nơi ngồi chờ có đủ chỗ ngồi"
    assert int(rows[("flag", "harassment")]["count"]) == report["flags"]["harassment"]["count"]
    assert rows[("child", "DEMO-P-ANPHU")]["position"] == next(c for c in report["children"] if c["code"] == "DEMO-P-ANPHU")["funnel"]["position"]
    assert rows[("child", "DEMO-TTHCC")]["value"] == ""  # no responses: insufficient, empty cell


def test_xlsx_has_the_four_sheets_with_numbers_formatted_as_percent(runner: FlaskCliRunner, imported: None, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11", "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Tổng hợp", "Tiêu chí", "Cờ cảnh báo", "Đơn vị trực thuộc"]
    criteria = workbook["Tiêu chí"]
    first = [cell.value for cell in criteria[3]]
    assert first[:2] == ["criterion", "TC01"]
    assert isinstance(first[3], float) and 0 <= first[3] <= 1
    assert criteria.cell(row=3, column=4).number_format == "0.00%"
    assert isinstance(first[6], int)
    children = {row[1]: row for row in workbook["Đơn vị trực thuộc"].iter_rows(min_row=3, values_only=True)}
    assert children["DEMO-P-ANPHU"][6] == 40


def test_xlsx_needs_an_output_file(runner: FlaskCliRunner, imported: None) -> None:
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11", "--format", "xlsx"])
    assert result.exit_code == 1
    assert "--output" in result.output


@pytest.mark.parametrize("unit, month", [("NO-SUCH-UNIT", "2026-11"), ("DEMO", "2026-13"), ("DEMO", "11/2026")])
def test_an_unknown_unit_or_a_bad_month_is_a_clear_error(runner: FlaskCliRunner, unit: str, month: str) -> None:
    result = runner.invoke(args=["report", "--unit", unit, "--month", month], env={"SURVEYAPP_LANG": "en"})
    assert result.exit_code == 1
    assert "No report:" in result.output
    assert ("NO-SUCH-UNIT" in result.output) if unit != "DEMO" else ("YYYY-MM" in result.output)


def test_funnel_center_option_chooses_the_centre_line(runner, imported) -> None:
    base = ["report", "--unit", "DEMO", "--month", "2026-11"]
    default = json.loads(runner.invoke(args=base).stdout)
    by_target = runner.invoke(args=[*base, "--funnel-center", "target"])
    assert by_target.exit_code == 0, by_target.output
    report = json.loads(by_target.stdout)
    assert default["funnel"]["center_kind"] == "parent"
    assert report["funnel"]["center_kind"] == "target"
    assert report["funnel"]["center"] == report["targets"]["overall"]
    assert {"method", "phi", "tau2", "units", "p_value", "applied"} <= set(report["funnel"]["overdispersion"])
    bad = runner.invoke(args=[*base, "--funnel-center", "median"])
    assert bad.exit_code != 0
