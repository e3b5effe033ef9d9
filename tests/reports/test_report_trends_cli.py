"""`report --format json` carries the trend methods (issue 12, item 8): `year_on_year` against the
same month a year earlier and the 12-month p-chart `trend_control`."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.imports.helpers import full_row, write_csv


@pytest.fixture
def two_years(runner, tmp_path: Path) -> None:
    rng = random.Random(12)
    rows = [full_row(rng, f"now{i}", "DEMO-P-ANPHU", f"2026-11-{1 + i % 20:02d}T10:00:00") for i in range(40)]
    rows += [full_row(rng, f"then{i}", "DEMO-P-ANPHU", f"2025-11-{1 + i % 20:02d}T10:00:00", good=False)
             for i in range(35)]
    rows += [full_row(rng, f"mid{i}", "DEMO-P-ANPHU", f"2026-06-{1 + i % 20:02d}T10:00:00") for i in range(31)]
    rows += [full_row(rng, f"few{i}", "DEMO-P-ANPHU", "2026-07-05T10:00:00") for i in range(5)]
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output


def _report(runner, unit: str = "DEMO-P-ANPHU", month: str = "2026-11") -> dict:
    result = runner.invoke(args=["report", "--unit", unit, "--month", month])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_year_on_year_compares_with_the_same_month_a_year_earlier(runner, two_years) -> None:
    yoy = _report(runner)["year_on_year"]
    assert yoy["period"] == "2025-11"
    assert (yoy["overall"]["n_then"], yoy["overall"]["n_now"]) == (35, 40)
    assert yoy["overall"]["diff"] is not None and yoy["overall"]["ci_low"] <= yoy["overall"]["diff"]
    assert set(yoy) == {"period", "overall", "service_index", "elements", "flags"}
    assert set(yoy["flags"]) == {"trips_3plus", "no_slip", "harassment", "extra_payment", "late",
                                 "late_without_apology"}
    for change in (yoy["service_index"], *yoy["elements"].values(), *yoy["flags"].values()):
        assert {"diff", "ci_low", "ci_high", "p_value", "significant", "n_then", "n_now"} <= set(change)


def test_year_on_year_is_null_when_a_side_is_too_small(runner, two_years) -> None:
    yoy = _report(runner, month="2026-07")["year_on_year"]  # 5 answers now, none a year earlier
    assert yoy["period"] == "2025-07" and yoy["overall"]["diff"] is None
    assert (yoy["overall"]["n_then"], yoy["overall"]["n_now"]) == (0, 5)


def test_trend_control_gives_twelve_months_of_p_chart_limits(runner, two_years) -> None:
    control = _report(runner)["trend_control"]
    assert [p["month"] for p in control][0] == "2025-12" and control[-1]["month"] == "2026-11"
    assert len(control) == 12
    shown = [p for p in control if p["value"] is not None]
    assert {p["month"] for p in shown} == {"2026-06", "2026-11"}  # July has 5 answers: suppressed
    assert len({p["center"] for p in shown}) == 1
    for p in shown:
        assert 0 <= p["lcl"] <= p["center"] <= p["ucl"] <= 1 and isinstance(p["signal"], bool)
    july = next(p for p in control if p["month"] == "2026-07")
    assert july["value"] is None and july["signal"] is None and july["n"] == 5
