"""Months: parsed, shifted, ranged and labelled in one place (surveyapp/periods.py)."""
from __future__ import annotations

from datetime import datetime

import pytest

from surveyapp.periods import (
    Month,
    is_month,
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
