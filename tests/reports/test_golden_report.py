"""The report's serialisations are byte-for-byte those of a fixed dataset's recorded outputs.

The files under tests/reports/golden/ were produced by the code before the report became
typed (commit f75edb7): the CLI's JSON and CSV, the XLSX's cells, the service's breakdown and
trend, and `analysis.build_report` / `analysis.trend` on fixed tallies. Any change of a key, of
the order of keys, of a number or of a label shows up here as a differing byte. The CSV and
XLSX files were re-recorded once, for the readable exports of issue 11 (docs/REPORT.md: the
CSV's header row and two columns in words, the XLSX's statuses, positions and scores); their
numbers and the eleven documented CSV columns did not change, and no JSON file did.

The dataset: the demo province generated for a fixed day and seed (deterministic), dossier
volumes for some units (one above its responses, the province itself without one), target
overrides on three levels, and both questionnaires (the kiosk form at the province centre).

To re-record after a deliberate change of the contract (docs/REPORT.md), run this module with
SURVEYAPP_WRITE_GOLDEN=1 and review the diff of the golden files.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from analysis import build_report, tally, trend
from surveyapp.db import get_session
from surveyapp.services.operations.demo import load_demo
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting import reports
from tests.analysis.conftest import random_arrays

GOLDEN = Path(__file__).parent / "golden"
WRITE = os.environ.get("SURVEYAPP_WRITE_GOLDEN") == "1"
TODAY = datetime(2026, 11, 20, 5, 0)  # naive UTC, as load_demo expects
VOLUMES = [
    "DEMO-P-ANPHU,2026-10,420",
    "DEMO-X-BINHMINH,2026-10,390",
    "DEMO-X-TANLAP,2026-10,20",  # fewer dossiers than responses: a ratio above 1, no interval
    "DEMO-TTHCC,2026-09,900",
]
TARGETS = [
    ["--unit", "DEMO", "overall=0.9", "flags=0.02"],
    ["--unit", "DEMO-X-TANLAP", "criteria=0.85", "harassment=none"],
    ["--unit", "DEMO-P-ANPHU", "E5=0.8"],
]
CLI_REPORTS = {
    "report-DEMO-2026-10.json": ["--unit", "DEMO", "--month", "2026-10"],
    "report-DEMO-2026-10.csv": ["--unit", "DEMO", "--month", "2026-10", "--format", "csv"],
    "report-DEMO-X-TANLAP-2026-10.json": ["--unit", "DEMO-X-TANLAP", "--month", "2026-10", "--format", "json"],
    "report-DEMO-X-TANLAP-2026-10.csv": ["--unit", "DEMO-X-TANLAP", "--month", "2026-10", "--format", "csv"],
    "report-DEMO-2026-06.json": ["--unit", "DEMO", "--month", "2026-06"],  # no previous month
    "report-DEMO-2025-01.json": ["--unit", "DEMO", "--month", "2025-01"],  # no responses at all
}


def dumped(data: Any) -> bytes:
    """The CLI's JSON layout."""
    return (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def check(outputs: dict[str, bytes]) -> None:
    if WRITE:
        GOLDEN.mkdir(exist_ok=True)
        for name, data in outputs.items():
            (GOLDEN / name).write_bytes(data)
    for name, data in outputs.items():
        assert data == (GOLDEN / name).read_bytes(), f"{name} differs from the recorded output"


# ---------------------------------------------------------------- analysis on fixed tallies
def fixed_tallies() -> tuple[np.ndarray, np.ndarray, int]:
    """Seven communes of very different sizes (one empty), this month and last month."""
    rng = np.random.default_rng(20260101)
    sizes = [900, 400, 150, 60, 31, 12, 0]
    group = np.repeat(np.arange(len(sizes)), sizes)
    now = random_arrays(rng, sum(sizes))
    prev = random_arrays(rng, sum(sizes))
    worse = (group == 2) & (rng.random(len(now)) < 0.5) & (now.overall >= 4)
    now.overall[worse] = 2  # one commune has a bad month
    return tally(now, group, len(sizes)), tally(prev, group, len(sizes)), len(sizes)


def analysis_outputs() -> dict[str, bytes]:
    t_now, t_prev, count = fixed_tallies()
    children: list[dict[str, Any]] = []
    for i in range(count):
        child: dict[str, Any] = {"code": f"X{i:02d}", "name": f"Xã số {i}", "tally": t_now[i]}
        if i != 1:
            child["tally_prev"] = t_prev[i]  # commune 1 is new: no previous month
        if i in (0, 3):
            child["dossiers"] = [1200, 40][i // 3]  # commune 3 has fewer dossiers than responses
        if i == 2:
            child["targets"] = {"overall": 0.8, "flags": 0.05}
        children.append(child)
    unit = {"code": "T01", "name": "Tỉnh Thử"}
    full = build_report(unit, "2026-03", t_now.sum(0), t_prev.sum(0), children, {"overall": 0.9, "TC05": None}, 5000)
    exact = build_report(unit, "2026-03", t_now.sum(0), None, children[2:5], None, None, interval="clopper_pearson")
    lonely = build_report({"code": "T02", "name": "Xã"}, "2026-01", t_now[4], t_prev[4], (), None, 0, interval="jeffreys")
    months = {f"2026-{m:02d}": t_now[m % count] for m in range(1, 7)}
    return {
        "analysis-build_report.json": dumped(full),
        "analysis-build_report-clopper_pearson.json": dumped(exact),
        "analysis-build_report-no-children.json": dumped(lonely),
        "analysis-trend.json": dumped(trend(months, {"overall": 0.85})),
    }


def test_analysis_build_report_and_trend_are_byte_for_byte_as_recorded() -> None:
    check(analysis_outputs())


# ---------------------------------------------------------------- the app on the demo province
@pytest.fixture
def demo_province(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    with app.app_context():
        load_demo(get_session(), today=TODAY, seed=2026)
        get_session().commit()  # as the load-demo command does at its end
    volumes = tmp_path / "volumes.csv"
    volumes.write_text("unit,month,dossiers\n" + "\n".join(VOLUMES) + "\n", encoding="utf-8")
    assert runner.invoke(args=["import-volumes", str(volumes)]).exit_code == 0
    for pairs in TARGETS:
        result = runner.invoke(args=["set-targets", *pairs])
        assert result.exit_code == 0, result.output


def xlsx_cells(path: Path) -> bytes:
    """What an official sees in the workbook: sheet names, values, number formats, bold rows."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        sheets.append({
            "title": sheet.title,
            "width_C": sheet.column_dimensions["C"].width,
            "rows": [[cell.value for cell in row] for row in sheet.iter_rows()],
            "formats": [[cell.number_format for cell in row] for row in sheet.iter_rows()],
            "bold": [[bool(cell.font.bold) for cell in row] for row in sheet.iter_rows()],
        })
    return dumped(sheets)


def app_outputs(app, runner, tmp_path: Path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    outputs: dict[str, bytes] = {}
    for name, args in CLI_REPORTS.items():
        result = runner.invoke(args=["report", *args])
        assert result.exit_code == 0, result.output
        outputs[name] = result.stdout_bytes
    workbook = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-10", "--format", "xlsx", "--output", str(workbook)])
    assert result.exit_code == 0, result.output
    outputs["report-DEMO-2026-10.xlsx.json"] = xlsx_cells(workbook)
    with app.app_context():
        session = get_session()
        province = unit_by_code(session, "DEMO")
        assert province is not None
        for by in ("counter", "procedure", "channel"):
            rows = reports.breakdown(session, province, "2026-10", by=by)
            outputs[f"breakdown-DEMO-2026-10-{by}.json"] = dumped([row.to_json() for row in rows])
        points = reports.trend(session, province, "2026-10", months=12)
        outputs["trend-DEMO-2026-10.json"] = dumped([point.to_json() for point in points])
    return outputs


def test_the_demo_provinces_report_files_are_byte_for_byte_as_recorded(
    app: Flask, runner: FlaskCliRunner, demo_province: None, tmp_path: Path,
) -> None:
    check(app_outputs(app, runner, tmp_path))

