"""The pages' number filters format with the locale's symbols looked up once
(surveyapp/web/number_format.py) and give Babel's text, character for character."""
from __future__ import annotations

import decimal
import random

import numpy as np
import pytest
from babel import Locale
from babel.numbers import format_decimal, format_percent

from surveyapp.web.number_format import fixed_format

PATTERNS = ("#,##0.0%", "#,##0.00%", "#,##0%", "#,##0.0", "#,##0.00", "#,##0", "0.000", "#,##0.###", "#,##,##0.0")
EDGES: list[float | int | decimal.Decimal] = [
    0, 0.0, -0.0, 1, -1, 0.5, 0.05, 0.005, 0.0005, 0.00049999, 0.12345, 0.12355, 0.99995, 0.99949, 1.0, 12.345,
    1234.5, 999999.95, 1234567.891, -0.0004, -0.12345, -1234.5, 1e-12, 123456789012.0, 2.5, 3.5, 0.025, 0.035,
    10**7, -(10**7), decimal.Decimal("0.125"), decimal.Decimal("-12.5"), decimal.Decimal("1E+3"), np.float64(0.8524),
    np.float64(0.1) + np.float64(0.2), float("nan"), float("inf"), float("-inf"),
]


def _values() -> list[float | int | decimal.Decimal]:
    rng = random.Random(13)
    found: list[float | int | decimal.Decimal] = list(EDGES)
    found += [rng.random() for _ in range(3000)]
    found += [rng.uniform(-100, 100) for _ in range(500)]
    found += [rng.uniform(-1e9, 1e9) for _ in range(300)]
    found += [round(rng.random(), 4) for _ in range(500)]  # many ties at the rounding digit
    found += [rng.randrange(-10**9, 10**9) for _ in range(200)]
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("number_format", PATTERNS)
def test_the_pages_number_format_is_babels(language: str, number_format: str) -> None:
    locale = Locale.parse(language)
    formatted = fixed_format(number_format, locale)
    babel = format_percent if number_format.endswith("%") else format_decimal
    for value in _values():
        assert formatted(value) == babel(value, format=number_format, locale=locale), (value, number_format)


def test_vietnamese_percentages_read_the_vietnamese_way() -> None:
    assert fixed_format("#,##0.00%", Locale.parse("vi"))(0.8524) == "85,24%"
    assert fixed_format("#,##0", Locale.parse("vi"))(1234567) == "1.234.567"
