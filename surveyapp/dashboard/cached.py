"""The report pages' use of the report cache (surveyapp/services/reporting/report_cache.py): one
cache per application, sized by REPORT_CACHE_ENTRIES, and the freshness key read on the reports'
session with the request's own arguments (language, funnel centre, MIN_RESPONSES)."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, request

from surveyapp.db import get_reports_session
from surveyapp.i18n import current_lang
from surveyapp.models import Unit
from surveyapp.periods import Period
from surveyapp.services.reporting.report_cache import ReportCache, freshness_key

T = TypeVar("T")
_EXTENSION = "report_cache"


def report_cache() -> ReportCache:
    cache: ReportCache | None = current_app.extensions.get(_EXTENSION)
    if cache is None:
        entries = int(current_app.config["REPORT_CACHE_ENTRIES"])
        cache = current_app.extensions.setdefault(_EXTENSION, ReportCache(entries))
    return cache


def page_key(unit: Unit, period_text: str, view: Hashable) -> tuple[Any, ...]:
    """The freshness key of a unit's period as a view of this request shows it."""
    arguments = (view, period_text, current_lang(), int(current_app.config["MIN_RESPONSES"]), request.script_root)
    return freshness_key(get_reports_session(), unit, Period.parse(period_text), arguments)


def cached(unit: Unit, period_text: str, view: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` for this view of the unit's period, or the value kept from an earlier request
    with the same freshness key."""
    key = page_key(unit, period_text, view)
    return report_cache().fetch(key, compute, lambda: page_key(unit, period_text, view) == key)
