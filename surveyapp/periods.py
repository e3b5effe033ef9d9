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
from typing import Literal

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


# ------------------------------------------------------------------ periods of several months
#: The longest period a report may cover (three years): beyond it a report is an archive job.
MAX_PERIOD_MONTHS = 36

_M = r"\d{4}-\d{2}"
#: The *shape* of a period in a URL: a year, optionally followed by a month (or a range of two
#: months), a quarter, a half or YTD. Shape only, so `2026-13` or `2026-Q5` reach the converter,
#: which answers 404 with the reason, while `/reports/X/2026-11.csv` still never matches the
#: HTML route. Every month URL of today matches exactly as before.
PERIOD_SHAPE_REGEX = rf"\d{{4}}(?:-(?:\d{{2}}(?:\.\.{_M})?|[QH]\d|YTD))?"
_PERIOD_SHAPE = re.compile(rf"^{PERIOD_SHAPE_REGEX}$")

PeriodKind = Literal["month", "quarter", "half", "year", "ytd", "range"]


class PeriodError(ValueError):
    """A period text that is not a period. `reason` says why, for a translated message
    (surveyapp.labels.period_error); `text` is what was given."""

    def __init__(self, text: str, reason: str, **detail: object) -> None:
        super().__init__(f"{text!r} is not a period: {reason}")
        self.text, self.reason, self.detail = text, reason, detail


@dataclass(frozen=True)
class Period:
    """Consecutive months a report covers, written as its `text` (the URL and JSON form):
    `2026-11` (month), `2026-Q3` (quarter), `2026-H1` (half-year), `2026` (year), `2026-YTD`
    (January to the current month in Vietnam; a past year's YTD is the whole year) or
    `2026-01..2026-05` (a range of months, at most MAX_PERIOD_MONTHS)."""

    kind: PeriodKind
    first: Month
    last: Month

    @classmethod
    def parse(cls, text: str, today: Month | None = None) -> Period:
        """The period of `text`; PeriodError (a ValueError) otherwise. `today` (the current
        month in Vietnam unless given) ends a year to date."""
        if not isinstance(text, str) or not _PERIOD_SHAPE.match(text):
            raise PeriodError(str(text), "shape")
        year = int(text[:4])
        rest = text[5:]
        if year < 1:
            raise PeriodError(text, "shape")
        if not rest:
            return cls("year", Month(year, 1), Month(year, 12))
        if rest == "YTD":
            now = today or Month.parse(this_month())
            if year > now.year:
                raise PeriodError(text, "future_year", year=year)
            return cls("ytd", Month(year, 1), now if year == now.year else Month(year, 12))
        if rest[0] in "QH":
            number, count = int(rest[1]), (4 if rest[0] == "Q" else 2)
            if not 1 <= number <= count:
                raise PeriodError(text, "no_quarter" if rest[0] == "Q" else "no_half", number=number)
            length = 12 // count
            first = Month(year, (number - 1) * length + 1)
            return cls("quarter" if rest[0] == "Q" else "half", first, first.shift(length - 1))
        start_text, _, end_text = text.partition("..")
        start = _checked_month(text, start_text)
        if not end_text:
            return cls("month", start, start)
        end = _checked_month(text, end_text)
        if end < start:
            raise PeriodError(text, "backwards", start=str(start), end=str(end))
        return cls.range(start, end, text)

    @classmethod
    def range(cls, first: Month, last: Month, text: str | None = None) -> Period:
        length = _length(first, last)
        if length > MAX_PERIOD_MONTHS:
            raise PeriodError(text or f"{first}..{last}", "too_long", months=length, limit=MAX_PERIOD_MONTHS)
        return cls("range", first, last)

    @classmethod
    def of_month(cls, month: Month) -> Period:
        return cls("month", month, month)

    def __str__(self) -> str:
        if self.kind == "month":
            return str(self.first)
        if self.kind == "quarter":
            return f"{self.first.year:04d}-Q{(self.first.number - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{self.first.year:04d}-H{(self.first.number - 1) // 6 + 1}"
        if self.kind == "year":
            return f"{self.first.year:04d}"
        if self.kind == "ytd":
            return f"{self.first.year:04d}-YTD"
        return f"{self.first}..{self.last}"

    @property
    def length(self) -> int:
        return _length(self.first, self.last)

    def months(self) -> list[Month]:
        """The months the period covers, oldest first."""
        return [self.first.shift(delta) for delta in range(self.length)]

    def month_texts(self) -> list[str]:
        return [str(m) for m in self.months()]

    def shift(self, delta: int) -> Period:
        """The same kind of period `delta` months later. A YTD moved is no longer "to date":
        it becomes the range of its months."""
        kind = "range" if self.kind == "ytd" else self.kind
        return Period(kind, self.first.shift(delta), self.last.shift(delta))

    def previous(self) -> Period:
        """The period of the same length just before (2026-Q3 → 2026-Q2, 2026-H1 → 2025-H2,
        2026 → 2025, 2026-01..2026-05 → 2025-08..2025-12, 2026-YTD to November →
        2025-02..2025-12)."""
        return self.shift(-self.length)

    def next(self) -> Period:
        return self.shift(self.length)

    def year_earlier(self) -> Period:
        """The same months a year earlier (2026-Q3 → 2025-Q3; 2026-YTD to November →
        2025-01..2025-11)."""
        return self.shift(-12)


def _length(first: Month, last: Month) -> int:
    return (last.year - first.year) * 12 + last.number - first.number + 1


def _checked_month(text: str, month_text: str) -> Month:
    if not is_month(month_text):
        raise PeriodError(text, "no_month", number=int(month_text[5:7]))
    return Month.parse(month_text)


def parse_period(text: str) -> Period:
    """The period of `text` (the current month in Vietnam ends a year to date)."""
    return Period.parse(text)


def is_period(text: str | None) -> bool:
    try:
        Period.parse(text or "")
    except PeriodError:
        return False
    return True


def period_months(text: str) -> list[str]:
    """The YYYY-MM months of a period text, oldest first (a month gives itself)."""
    return Period.parse(text).month_texts()
