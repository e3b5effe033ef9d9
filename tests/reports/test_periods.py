"""Months: parsed, shifted, ranged and labelled in one place (surveyapp/periods.py)."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from surveyapp.periods import (
    MAX_PERIOD_MONTHS,
    PERIOD_SHAPE_REGEX,
    Month,
    Period,
    PeriodError,
    is_month,
    is_period,
    month_from_cell,
    month_label,
    month_of,
    months_ending,
    previous_month,
    shift_month,
)


@pytest.mark.parametrize("text", ["2026-01", "2026-12", "1999-09"])
def test_a_month_is_four_digits_a_dash_and_01_to_12(text: str) -> None:
    assert is_month(text) and str(Month.parse(text)) == text


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", "2026/11", " 2026-11", None])
def test_anything_else_is_not_a_month(text: str | None) -> None:
    assert not is_month(text)
    if text is not None:
        with pytest.raises(ValueError):
            Month.parse(text)


def test_shifting_crosses_years_both_ways() -> None:
    assert previous_month("2026-01") == "2025-12"
    assert shift_month("2026-12", 1) == "2027-01"
    assert shift_month("2026-11", -23) == "2024-12"
    assert shift_month("2026-11", 0) == "2026-11"
    assert Month(2026, 3) < Month(2026, 11) < Month(2027, 1)


def test_the_months_ending_at_a_month_run_oldest_first() -> None:
    assert months_ending("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_ending("2026-02", 1) == ["2026-02"]
    assert [str(m) for m in Month(2026, 2).last_months(3)] == ["2025-12", "2026-01", "2026-02"]


def test_a_moment_belongs_to_its_month_in_vietnam_time() -> None:
    # Stored moments are naive UTC; 17:00 UTC on the last day is already the next month in Vietnam.
    assert month_of(datetime(2026, 10, 31, 16, 59)) == "2026-10"
    assert month_of(datetime(2026, 10, 31, 17, 0)) == "2026-11"
    assert month_of(datetime(2026, 12, 31, 17, 0)) == "2027-01"


def test_documents_write_a_month_as_mm_slash_yyyy() -> None:
    assert month_label("2026-11") == "11/2026"
    assert Month(2027, 1).label() == "01/2027"


@pytest.mark.parametrize(
    "cell, month",
    [("2026-11", "2026-11"), ("2026-11-01", "2026-11"), ("2026-11-01T00:00:00", "2026-11"),
     ("2026-11-01T08:30:00", None), ("2026-13-01", None), ("November", None), ("", None)],
)
def test_a_spreadsheet_date_cell_at_midnight_is_taken_as_its_month(cell: str, month: str | None) -> None:
    assert month_from_cell(cell) == month


# ---------------------------------------------------------------- periods of several months
NOVEMBER_2026 = Month(2026, 11)


@pytest.mark.parametrize("text, months", [
    ("2026-11", ["2026-11"]),
    ("2026-Q3", ["2026-07", "2026-08", "2026-09"]),
    ("2026-H1", ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]),
    ("2026", [f"2026-{m:02d}" for m in range(1, 13)]),
    ("2026-YTD", [f"2026-{m:02d}" for m in range(1, 12)]),  # to the current month (November)
    ("2025-YTD", [f"2025-{m:02d}" for m in range(1, 13)]),  # a past year's YTD: the whole year
    ("2026-01..2026-05", ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]),
    ("2025-11..2026-02", ["2025-11", "2025-12", "2026-01", "2026-02"]),
])
def test_a_period_knows_its_months_and_writes_itself_back(text: str, months: list[str]) -> None:
    period = Period.parse(text, today=NOVEMBER_2026)
    assert period.month_texts() == months
    assert str(period) == text


@pytest.mark.parametrize("text, previous, year_earlier", [
    ("2026-11", "2026-10", "2025-11"),
    ("2026-01", "2025-12", "2025-01"),
    ("2026-Q3", "2026-Q2", "2025-Q3"),
    ("2026-Q1", "2025-Q4", "2025-Q1"),
    ("2026-H1", "2025-H2", "2025-H1"),
    ("2026", "2025", "2025"),
    ("2026-01..2026-05", "2025-08..2025-12", "2025-01..2025-05"),
    ("2026-YTD", "2025-02..2025-12", "2025-01..2025-11"),
])
def test_each_period_has_the_previous_one_of_its_length_and_the_same_a_year_earlier(
    text: str, previous: str, year_earlier: str
) -> None:
    period = Period.parse(text, today=NOVEMBER_2026)
    assert str(period.previous()) == previous
    assert str(period.year_earlier()) == year_earlier
    assert period.previous().length == period.year_earlier().length == period.length


@pytest.mark.parametrize("text, reason", [
    ("2026-Q5", "no_quarter"),
    ("2026-Q0", "no_quarter"),
    ("2026-H3", "no_half"),
    ("2026-13", "no_month"),
    ("2026-00", "no_month"),
    ("2026-01..2026-13", "no_month"),
    ("2026-05..2026-01", "backwards"),
    ("2023-01..2026-01", "too_long"),
    ("2027-YTD", "future_year"),
    ("2026-q3", "shape"),
    ("11/2026", "shape"),
    ("2026-", "shape"),
    ("", "shape"),
])
def test_a_malformed_period_says_why(text: str, reason: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse(text, today=NOVEMBER_2026)
    assert caught.value.reason == reason
    assert not is_period(text) or reason == "future_year"


def test_a_range_of_36_months_is_the_longest() -> None:
    assert Period.parse("2024-01..2026-12").length == MAX_PERIOD_MONTHS == 36
    with pytest.raises(PeriodError):
        Period.parse("2023-12..2026-12")


def test_every_month_url_of_today_matches_the_period_shape() -> None:
    shape = re.compile(rf"^{PERIOD_SHAPE_REGEX}$")
    assert all(shape.match(f"{year}-{m:02d}") for year in (1999, 2026) for m in range(1, 13))
    assert not shape.match("2026-11.csv") and shape.match("2026-01..2026-05")
