"""Reporting periods: every parse, shift, range and label of a month lives here.

A month is written `YYYY-MM` everywhere (URLs, CLI options, the `month` column of responses,
volumes and aggregates) and counted in Vietnam's time (UTC+7): a response belongs to the month
of its submission in Vietnam. `Month` is the value type behind the text; the functions taking
and returning text are what the rest of the app calls.

Other kinds of period (quarters, years, ranges of months) belong here too, next to `Month` and
with the same vocabulary: `parse`, `str()`, `shift`, `months()` (the months they cover).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from surveyapp.timeutil import VIETNAM, utc_now_naive

#: A month as URLs, forms and files write it; the regex without anchors serves URL converters.
MONTH_REGEX = r"\d{4}-(?:0[1-9]|1[0-2])"
_MONTH = re.compile(rf"^{MONTH_REGEX}$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ordered, so ranges and comparisons read naturally."""

    year: int
    number: int  # 1..12

    @classmethod
    def parse(cls, text: str) -> Month:
        """`2026-11` -> Month(2026, 11); anything else raises ValueError."""
        if not is_month(text):
            raise ValueError(f"a month looks like YYYY-MM, got {text!r}")
        return cls(int(text[:4]), int(text[5:7]))

    @classmethod
    def of(cls, moment: datetime) -> Month:
        """The month in Vietnam of a naive UTC timestamp (how every moment is stored)."""
        local = moment.replace(tzinfo=UTC).astimezone(VIETNAM)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    def shift(self, delta: int) -> Month:
        """The month `delta` months later (earlier when negative)."""
        index = self.year * 12 + self.number - 1 + delta
        return Month(index // 12, index % 12 + 1)

    def months(self) -> list[Month]:
        """The months the period covers: itself (the shape other periods share)."""
        return [self]

    def last_months(self, count: int) -> list[Month]:
        """The `count` months up to and including this one, oldest first."""
        return [self.shift(delta) for delta in range(1 - count, 1)]

    def label(self) -> str:
        """`11/2026`, the way Vietnamese documents write a month."""
        return f"{self.number:02d}/{self.year:04d}"


def is_month(text: str | None) -> bool:
    """`YYYY-MM` with a real month (01–12)."""
    return bool(text) and _MONTH.match(text or "") is not None


def shift_month(month: str, delta: int) -> str:
    return str(Month.parse(month).shift(delta))


def previous_month(month: str) -> str:
    return shift_month(month, -1)


def months_ending(month: str, count: int) -> list[str]:
    """The `count` months up to and including `month`, oldest first."""
    return [str(m) for m in Month.parse(month).last_months(count)]


def month_of(utc_naive: datetime) -> str:
    """The YYYY-MM month in Vietnam of a naive UTC timestamp."""
    return str(Month.of(utc_naive))


def this_month() -> str:
    """The current month in Vietnam, the default of every report page."""
    return month_of(utc_now_naive())


def month_label(month: str) -> str:
    """`2026-11` -> `11/2026`; text that is not a month is shown as it is."""
    return Month.parse(month).label() if is_month(month) else month


def month_from_cell(text: str) -> str | None:
    """A month from a spreadsheet cell: `YYYY-MM`, or a date cell at midnight (an XLSX date reads
    as `2026-11-01T00:00:00`) taken as its month; None otherwise."""
    if is_month(text):
        return text
    if len(text) >= 10 and is_month(text[:7]) and text[7] == "-" and text[10:] in ("", "T00:00:00"):
        return text[:7]
    return None
