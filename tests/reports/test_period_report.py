"""Reports of a quarter, a half-year, a year, a year to date or a range of months (docs/REPORT.md):
a period's counts are the sums of its months' counts, it is compared with the previous period of
the same length and with the same period a year earlier, and a malformed period is refused."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.reports import breakdown, monthly_report, period_report
from tests.imports.helpers import full_row, write_csv
from tests.reports import reference as ref

# unit -> responses per month (fewer than 30 a month: only the quarter has enough), satisfied chance
PLAN = {"DEMO-P-ANPHU": (14, 0.85, "AP-Q01"), "DEMO-X-BINHMINH": (12, 0.5, "BM-Q01"), "DEMO-X-TANLAP": (5, 0.6, "TL-Q01")}
QUARTER = ["2026-07", "2026-08", "2026-09"]
YEAR_EARLIER = ["2025-07", "2025-08", "2025-09"]


def make_rows(seed: int = 13) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for unit, (per_month, good, counter) in PLAN.items():
        for month in [*QUARTER, *YEAR_EARLIER, "2026-06"]:
            worse = 0.15 if month.startswith("2025") else 0.0  # a better year now
            for i in range(per_month + rng.randint(0, 3)):
                rows.append(full_row(rng, f"{unit}-{month}-{i}", unit, f"{month}-{1 + i % 27:02d}T09:30:00",
                                     counter=counter if i % 3 else "", good=good - worse))
    return rows


@pytest.fixture
def rows(runner, tmp_path: Path) -> list[dict[str, Any]]:
    data = make_rows()
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "responses.csv", data))])
    assert result.exit_code == 0, result.output
    return data


def of(rows: list[dict[str, Any]], months: list[str]) -> list[dict[str, Any]]:
    return [r for r in rows if r["submitted_at"][:7] in months]


def counts(measure: dict[str, Any]) -> tuple[int, int]:
    return measure["count"], measure["n"]


def test_a_quarters_counts_are_the_sums_of_its_months_counts_to_the_unit(db, rows) -> None:
    province = unit_by_code(db, "DEMO")
    # Every count is shown (min_responses=1): suppression would hide the small months' counts.
    quarter = period_report(db, province, "2026-Q3", min_responses=1).to_json()
    months = [monthly_report(db, province, month, min_responses=1).to_json() for month in QUARTER]

    def summed(pick) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        pairs = [pick(m) for m in months]
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    assert quarter["n_responses"] == sum(m["n_responses"] for m in months) == len(of(rows, QUARTER))
    assert counts(quarter["overall"]) == summed(lambda m: counts(m["overall"]))
    for name in quarter["criteria"]:
        assert counts(quarter["criteria"][name]) == summed(lambda m, name=name: counts(m["criteria"][name]))
    for name in quarter["flags"]:
        assert counts(quarter["flags"][name]) == summed(lambda m, name=name: counts(m["flags"][name]))
    for name in quarter["channels"]:
        assert counts(quarter["channels"][name]) == summed(lambda m, name=name: counts(m["channels"][name]))
    for name in quarter["elements"]:
        assert counts(quarter["elements"][name]) == summed(lambda m, name=name: counts(m["elements"][name]))
        assert quarter["elements"][name]["items"] == sum(m["elements"][name]["items"] for m in months)
    for name in quarter["expectations"]:
        assert quarter["expectations"][name]["count"] == sum(m["expectations"][name]["count"] for m in months)
    for child in quarter["children"]:
        same = [next(c for c in m["children"] if c["code"] == child["code"]) for m in months]
        assert child["n_responses"] == sum(c["n_responses"] for c in same)
        # a month in which the child had no answer at all shows no count (n = 0): it adds nothing
        assert all(c["overall"]["count"] is not None or c["overall"]["n"] == 0 for c in same)
        quarter_count, quarter_n = counts(child["overall"])
        assert (quarter_count or 0, quarter_n) == (
            sum(c["overall"]["count"] or 0 for c in same), sum(c["overall"]["n"] for c in same)
        )
        assert quarter_count is not None or quarter_n == 0
    # Pooled, a commune's quarter has enough answers where no single month had.
    commune = unit_by_code(db, "DEMO-P-ANPHU")
    assert all(monthly_report(db, commune, month).overall.insufficient for month in QUARTER)
    assert not period_report(db, commune, "2026-Q3").overall.insufficient
    assert_close(quarter["overall"], ref.overall(of(rows, QUARTER)))


def assert_close(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert actual[key] == (pytest.approx(value, abs=1e-12) if isinstance(value, float) else value), key


def test_a_quarters_breakdown_pools_its_months(db, rows) -> None:
    province = unit_by_code(db, "DEMO")
    quarter = {row.key: row for row in breakdown(db, province, "2026-Q3", by="counter", min_responses=1)}
    for key, row in quarter.items():
        monthly = [next((r for r in breakdown(db, province, m, by="counter", min_responses=1) if r.key == key), None) for m in QUARTER]
        assert row.n_responses == sum(r.n_responses for r in monthly if r is not None)
        assert row.overall.count == sum(r.overall.count for r in monthly if r is not None)
    assert None in quarter  # responses without a counter keep their own row


def test_a_period_is_labelled_and_compared_with_the_previous_period_of_its_length(db, rows) -> None:
    province = unit_by_code(db, "DEMO")
    quarter = period_report(db, province, "2026-Q3").to_json()
    assert quarter["period"] == "2026-Q3" and quarter["previous_period"] == "2026-Q2"
    assert quarter["month"] is None and "previous_month" not in quarter
    # The change compares with April to June: only June has responses.
    k_now, n_now = counts(quarter["overall"])
    june = ref.overall(of(rows, ["2026-06"]))
    diff, _low, _high = ref.newcombe(k_now, n_now, june["count"], june["n"])
    assert quarter["change"]["overall"]["diff"] == pytest.approx(diff, abs=1e-12)

    month = monthly_report(db, province, "2026-08").to_json()
    assert (month["month"], month["previous_month"]) == ("2026-08", "2026-07")
    assert (month["period"], month["previous_period"]) == ("2026-08", "2026-07")


def test_year_on_year_compares_the_same_months_a_year_earlier(db, rows) -> None:
    province = unit_by_code(db, "DEMO")
    block = period_report(db, province, "2026-Q3").to_json()["year_on_year"]
    assert block["period"] == "2025-Q3"
    now, then = ref.overall(of(rows, QUARTER)), ref.overall(of(rows, YEAR_EARLIER))
    diff, low, high = ref.newcombe(now["count"], now["n"], then["count"], then["n"])
    overall = block["overall"]
    assert (overall["n_now"], overall["n_then"]) == (now["n"], then["n"])
    assert overall["diff"] == pytest.approx(diff, abs=1e-12)
    assert (overall["ci_low"], overall["ci_high"]) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
    assert overall["significant"] == (low > 0 or high < 0)
    assert set(block) == {"period", "overall", "service_index", "elements", "flags"}
    assert set(block["elements"]) == {"E1", "E2", "E3", "E4", "E5"}
    for change in [block["service_index"], *block["elements"].values(), *block["flags"].values()]:
        assert {"diff", "ci_low", "ci_high", "p_value", "significant", "n_then", "n_now"} <= set(change)
    # A single month has fewer than 30 on each side: every number null, the counts kept.
    small = monthly_report(db, unit_by_code(db, "DEMO-P-ANPHU"), "2026-08").to_json()["year_on_year"]
    assert small["period"] == "2025-08"
    assert small["overall"]["diff"] is None and small["overall"]["p_value"] is None
    assert small["overall"]["n_now"] == len([r for r in of(rows, ["2026-08"]) if r["unit"] == "DEMO-P-ANPHU" and r["overall"]])


# ---------------------------------------------------------------- the command line
def test_the_cli_reports_a_period_as_json_csv_and_xlsx(runner, rows, tmp_path: Path) -> None:
    result = runner.invoke(args=["report", "--unit", "DEMO", "--period", "2026-Q3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["period"] == "2026-Q3" and report["n_responses"] == len(of(rows, QUARTER))
    csv_result = runner.invoke(args=["report", "--unit", "DEMO", "--period", "2026-07..2026-09", "--format", "csv"])
    assert csv_result.exit_code == 0, csv_result.output
    assert "month,2026-07..2026-09" in csv_result.stdout
    out = tmp_path / "year.xlsx"
    xlsx = runner.invoke(args=["report", "--unit", "DEMO", "--period", "2026", "--format", "xlsx", "--output", str(out)])
    assert xlsx.exit_code == 0, xlsx.output
    from openpyxl import load_workbook

    assert load_workbook(out).worksheets[0]["E1"].value == "2026"


def test_month_and_period_give_the_same_report_for_a_month(runner, rows) -> None:
    by_month = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-08"])
    by_period = runner.invoke(args=["report", "--unit", "DEMO", "--period", "2026-08"])
    assert by_month.exit_code == by_period.exit_code == 0
    assert by_month.stdout == by_period.stdout


@pytest.mark.parametrize("period, english, vietnamese", [
    ("2026-Q5", "there is no quarter 5", "không có quý 5"),
    ("2026-13", "there is no month 13", "không có tháng 13"),
    ("2026-05..2026-01", "the range ends (2026-01) before it starts (2026-05)", "khoảng thời gian kết thúc (2026-01) trước khi bắt đầu (2026-05)"),
    ("2020-01..2026-01", "covers 73 months; a report covers at most 36", "gồm 73 tháng; một báo cáo chỉ gồm tối đa 36 tháng"),
    ("Q3-2026", "is not a period", "không phải là một kỳ báo cáo"),
])
def test_a_malformed_period_is_a_clear_error_in_both_languages(runner, period: str, english: str, vietnamese: str) -> None:
    for lang, expected in (("en", english), ("vi", vietnamese)):
        result = runner.invoke(args=["report", "--unit", "DEMO", "--period", period], env={"SURVEYAPP_LANG": lang})
        assert result.exit_code == 1
        assert expected in result.output
        assert "Traceback" not in result.output


def test_month_or_period_is_needed_not_both(runner) -> None:
    assert runner.invoke(args=["report", "--unit", "DEMO"]).exit_code == 1
    assert runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-08", "--period", "2026-Q3"]).exit_code == 1
