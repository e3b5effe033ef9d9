"""Babel's number patterns, applied with the locale's symbols looked up once.

`babel.numbers.NumberPattern.apply` looks the locale's group and decimal symbols up through its
locale data on every call and runs a regular expression over the result: a province's overview
formats about 700 numbers with the same two or three patterns, and that look-up was most of
their cost. `fixed_format(pattern, locale)` gives a function that does what `apply` does for a
plain fixed-point pattern ("#,##0.0%", "#,##0.00", "#,##0": no exponent, no significant digits,
no currency, no quoted text), with the same decimal arithmetic (the value's `str`, scaled,
normalised and quantised in the default decimal context), so the text is the same, character for
character (tests/setup/test_number_format.py compares them); any other pattern, and any value
that is not a finite number, is left to Babel.
"""
from __future__ import annotations

import decimal
from collections.abc import Callable
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, get_decimal_quantum, get_decimal_symbol, get_group_symbol, parse_pattern

Number = float | int | decimal.Decimal


@lru_cache(maxsize=32)
def pattern_of(number_format: str) -> NumberPattern:
    """Babel's parsed pattern, kept (Babel parses the text again for each number otherwise)."""
    return parse_pattern(number_format)


@lru_cache(maxsize=64)
def fixed_format(number_format: str, locale: Locale) -> Callable[[Number], str]:
    """`pattern_of(number_format).apply(value, locale)` as a function of the value."""
    pattern = pattern_of(number_format)
    apply = pattern.apply
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    texts = (*pattern.prefix, *pattern.suffix, group, point)
    if pattern.exp_prec or "@" in pattern.pattern or "¤" in pattern.pattern or pattern.number_pattern == "" or any(
        "'" in text for text in texts
    ):
        return lambda value: apply(value, locale)
    scale = pattern.scale
    int_min = pattern.int_prec[0]
    first_group, next_group = pattern.grouping
    frac_min, frac_max = pattern.frac_prec
    quantum = get_decimal_quantum(frac_max)
    prefix, suffix = pattern.prefix, pattern.suffix

    def grouped(digits: str) -> str:  # NumberPattern._format_int
        if len(digits) < int_min:
            digits = "0" * (int_min - len(digits)) + digits
        size, out = first_group, ""
        while len(digits) > size:
            out = group + digits[-size:] + out
            digits = digits[:-size]
            size = next_group
        return digits + out

    def fraction(digits: str) -> str:  # NumberPattern._format_frac
        if len(digits) < frac_min:
            digits += "0" * (frac_min - len(digits))
        if frac_max == 0 or (frac_min == 0 and int(digits) == 0):
            return ""
        while len(digits) > frac_min and digits[-1] == "0":
            digits = digits[:-1]
        return point + digits

    def format_number(value: Number) -> str:
        number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
        if not number.is_finite():
            return apply(value, locale)
        number = number.scaleb(scale)
        negative = int(number.is_signed())
        rounded = abs(number).normalize().quantize(quantum)
        whole, _, part = f"{rounded:f}".partition(".")
        return prefix[negative] + grouped(whole) + fraction(part or "0") + suffix[negative]

    return format_number
