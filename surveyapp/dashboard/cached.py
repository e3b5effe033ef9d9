"""The report pages' use of the report cache (surveyapp/services/reporting/report_cache.py): one
cache per application, sized by REPORT_CACHE_ENTRIES, and the freshness key read on the reports'
session with the request's own arguments (language, funnel centre, MIN_RESPONSES).

`page_etag` makes the overview's ETag from the same key plus what its heading shows per request
(the official, the months with responses, this month, the session's CSRF token), so a browser
that sends it back gets a 304 without anything being computed or rendered."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf

from surveyapp.db import get_reports_session
from surveyapp.i18n import current_lang
from surveyapp.models import Unit, User
from surveyapp.periods import Period, this_month
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


def cached(
    unit: Unit, period_text: str, view: Hashable, compute: Callable[[], T], key: tuple[Any, ...] | None = None
) -> T:
    """`compute()` for this view of the unit's period, or the value kept from an earlier request
    with the same freshness key (`key`: already read by the caller in this transaction)."""
    key = key or page_key(unit, period_text, view)
    return report_cache().fetch(key, compute, lambda: page_key(unit, period_text, view) == key)


def page_etag(key: tuple[Any, ...], official: User, months: Sequence[str]) -> str | None:
    """The overview's entity tag, or None when the page must be rendered (a flashed message
    waits). Its CSRF token (the sign-out form) is signed with a time: the tag changes every half
    of WTF_CSRF_TIME_LIMIT, so a copy the browser reuses never holds an expired token."""
    if session.get("_flashes"):
        return None
    generate_csrf()  # the page's sign-out form makes the session's token on the first view: make it now
    limit = int(current_app.config.get("WTF_CSRF_TIME_LIMIT") or 3600)
    parts = (
        key, official.id, official.username, official.role, official.full_name, official.unit_id,
        this_month(), tuple(months), session.get("csrf_token"), int(time.time() // max(limit // 2, 1)),
        _deployment(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _deployment() -> float:
    """The newest template's modification time: a new release's pages never match an old tag."""
    found: float | None = current_app.extensions.get("report_templates_mtime")
    if found is None:
        folder = Path(current_app.root_path) / (current_app.template_folder or "templates")
        found = max((path.stat().st_mtime for path in folder.rglob("*.html")), default=0.0)
        current_app.extensions["report_templates_mtime"] = found
    return found
