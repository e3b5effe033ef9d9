"""Jinja filters that format numbers and dates the Vietnamese way through Babel (85,24%; 21/11/2026)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from babel import Locale
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

from surveyapp.web.number_format import Number, fixed_format

#: Per pattern, the locale it was last used with and its formatter: a page formats hundreds of
#: numbers in the request's one Locale object, which an identity test finds faster than the
#: Locale's own hash and equality in fixed_format's cache.
_LAST_USED: dict[str, tuple[Locale, Callable[[Number], str]]] = {}


def _formatter(number_format: str, locale: Locale) -> Callable[[Number], str]:
    last = _LAST_USED.get(number_format)
    if last is not None and last[0] is locale:
        return last[1]
    found = fixed_format(number_format, locale)
    _LAST_USED[number_format] = (locale, found)
    return found


def percent(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    locale = get_locale()
    if not digits or locale is None:
        return format_percent(value, format="#,##0." + "0" * digits + "%" if digits else None)
    return _formatter("#,##0." + "0" * digits + "%", locale)(value)


def decimal(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    number_format = "#,##0." + "0" * digits if digits else "#,##0"
    locale = get_locale()
    if locale is None:
        return format_decimal(value, format=number_format)
    return _formatter(number_format, locale)(value)


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    return format_date(value, "dd/MM/yyyy")


def short_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(percent=percent, decimal=decimal, short_date=short_date, short_datetime=short_datetime)
