"""Route handlers of the dashboard: check scope, call the report services, render or export.

Contracts (docs/DASHBOARD.md): `/reports/<unit code>/<period>` (a month `YYYY-MM` as ever, or a
quarter, half-year, year, year to date or range of months: surveyapp/periods.py) and the same
path plus `.csv`, `.xlsx`, `/print` and every drill-down. The URL variable keeps its name
`month` (every `url_for` of today); it holds the period's text. Every view that shows or exports
a unit's data goes through `_visible_unit`, which refuses units outside the official's scope (403) whatever the URL.
"""
from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from analysis.model import Report, TrendPoint
from surveyapp.auth import address_hash, can_see_unit, login_required, signed_in_user
from surveyapp.dashboard import views as v
from surveyapp.dashboard.forms import BREAKDOWNS, CommentFilterForm, FunnelCenterForm, MonthSwitchForm
from surveyapp.db import get_reports_session, get_session
from surveyapp.labels import question_labels
from surveyapp.models import Unit, User
from surveyapp.periods import Month, Period, this_month
from surveyapp.services.accounts import audit
from surveyapp.services.accounts.accounts import scope_roots
from surveyapp.services.exports.codebook import codebook_csv
from surveyapp.services.exports.report import report_csv, write_report_xlsx
from surveyapp.services.exports.responses import raw_csv, write_raw_xlsx
from surveyapp.services.organisation.lookups import counter_by_code, unit_by_code, unit_chain
from surveyapp.services.reporting import dashboard as data
from surveyapp.services.reporting import reports
from surveyapp.timeutil import VIETNAM

bp = Blueprint("dashboard", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _me() -> User:
    user = signed_in_user()
    assert user is not None  # every view is behind login_required
    return user


def _visible_unit(code: str) -> Unit:
    """The unit of the URL, if it exists (404) and the official may see it (403)."""
    unit = unit_by_code(get_session(), code)
    if unit is None:
        abort(404)
    if not can_see_unit(_me(), unit):
        abort(403)
    return unit


def _page_context(unit: Unit, month: str, tab: str) -> dict[str, Any]:
    """What every report page shows around its content: trail, period switch, tabs. `month` is
    the period's text (the URL converter has checked it); the arrows move by the period's length."""
    me = _me()
    chain = unit_chain(unit)
    period = Period.parse(month)
    following = period.next()
    now = Month.parse(this_month())
    return {
        "unit": unit, "month": month, "tab": tab, "period": period,
        "trail": [(u, can_see_unit(me, u)) for u in chain],
        "prev_month": str(period.previous()),
        "next_month": str(following) if following.first <= now and period.kind != "ytd" else None,
        "period_choices": v.period_choices(now),
        "month_choices": v.month_choices(now, period.first, period.last),
        "months": data.months_with_responses(get_reports_session(), unit),
        "children": [c for c in unit.children if can_see_unit(me, c)],
    }


def _audit_export(unit: Unit, month: str, kind: str) -> None:
    session = get_session()
    audit.record(session, "export", user=_me(), target=f"{unit.code}/{month}", detail={"format": kind},
                 address_hash=address_hash())


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # officials' data must not sit in shared caches
    return response


# ---------------------------------------------------------------- entry points
@bp.get("/reports")
@bp.get("/reports/")
@login_required
def index() -> ResponseReturnValue:
    roots = scope_roots(get_session(), _me())
    if len(roots) == 1:
        return redirect(url_for("dashboard.report", code=roots[0].code, month=this_month()))
    return render_template("dashboard/choose_unit.html", roots=roots, month=this_month())


@bp.get("/reports/go")
@login_required
def go() -> ResponseReturnValue:
    """The month and period switch is a plain GET form (works without JavaScript)."""
    form = MonthSwitchForm()
    unit = _visible_unit(form.value("unit"))
    month, target = form.chosen_period(), form.value("tab")
    if target in BREAKDOWNS:
        return redirect(url_for("dashboard.breakdown", code=unit.code, month=month, by=target))
    return redirect(url_for(f"dashboard.{target}", code=unit.code, month=month))


@bp.get("/reports/<code>")
@login_required
def unit_latest(code: str) -> ResponseReturnValue:
    unit = _visible_unit(code)
    return redirect(url_for("dashboard.report", code=unit.code, month=this_month()))


# ---------------------------------------------------------------- the monthly report
def _min_n() -> int:
    """The MIN_RESPONSES setting: below it every measure is suppressed alike."""
    return int(current_app.config["MIN_RESPONSES"])


def _month_picture(unit: Unit, month: str) -> tuple[Report, list[TrendPoint], dict[str, str]]:
    """The period's report (funnel centred as the query's `funnel_center` asks), its trend (a
    month: the 12 months ending there; another period: its months) and the question labels: what
    the overview and its printable version both show."""
    session = get_reports_session()
    result = reports.period_report(
        session, unit, month, FunnelCenterForm().value("funnel_center"), min_responses=_min_n()
    )
    points = reports.period_trend(session, unit, month, min_responses=_min_n())
    return result, points, question_labels(session)


@bp.get("/reports/<code>/<period:month>")
@login_required
def report(code: str, month: str) -> str:
    unit = _visible_unit(code)
    result, points, labels = _month_picture(unit, month)
    return render_template(
        "dashboard/overview.html", report=result, trend=points, labels=labels,
        priorities=v.priorities(result, labels), charts=v.overview_charts(result, points, labels),
        **_page_context(unit, month, "report"),
    )


@bp.get("/reports/<code>/<period:month>/print")
@login_required
def print_report(code: str, month: str) -> str:
    unit = _visible_unit(code)
    result, points, labels = _month_picture(unit, month)
    counters = reports.breakdown(get_reports_session(), unit, month, by="counter", min_responses=_min_n())
    _audit_export(unit, month, "print")
    return render_template(
        "dashboard/print.html", report=result, trend=points, labels=labels, counters=counters,
        criteria=v.ranked_criteria(result.criteria, labels), priorities=v.priorities(result, labels),
        charts=v.overview_charts(result, points, labels), chain=unit_chain(unit), unit=unit, month=month,
        period=Period.parse(month),
        issued=datetime.now(VIETNAM).date(), place=current_app.config["REPORT_PLACE_NAME"],
    )


@bp.get("/reports/<code>/<period:month>.csv")
@login_required
def report_csv_export(code: str, month: str) -> Response:
    unit = _visible_unit(code)
    session = get_reports_session()
    body = report_csv(session, reports.period_report(session, unit, month, min_responses=_min_n()))
    _audit_export(unit, month, "csv")
    return _download(body, f"bao-cao-{unit.code}-{month}.csv", "text/csv; charset=utf-8")


@bp.get("/reports/<code>/<period:month>.xlsx")
@login_required
def report_xlsx_export(code: str, month: str) -> Response:
    unit = _visible_unit(code)
    session = get_reports_session()
    result = reports.period_report(session, unit, month, min_responses=_min_n())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        write_report_xlsx(session, result, path)
        body = path.read_bytes()
    _audit_export(unit, month, "xlsx")
    return _download(body, f"bao-cao-{unit.code}-{month}.xlsx", XLSX)


@bp.get("/reports/<code>/<period:month>/responses.csv")
@login_required
def raw_csv_export(code: str, month: str) -> Response:
    unit = _visible_unit(code)
    body = raw_csv(get_reports_session(), unit, month)
    _audit_export(unit, month, "responses.csv")
    return _download(body, f"phieu-khao-sat-{unit.code}-{month}.csv", "text/csv; charset=utf-8")


@bp.get("/reports/<code>/<period:month>/codebook.csv")
@login_required
def codebook_csv_export(code: str, month: str) -> Response:
    """What each column and code of responses.csv means, in the official's language."""
    unit = _visible_unit(code)
    body = codebook_csv(get_session())
    _audit_export(unit, month, "codebook.csv")
    return _download(body, f"bang-ma-phieu-khao-sat-{unit.code}-{month}.csv", "text/csv; charset=utf-8")


@bp.get("/reports/<code>/<period:month>/responses.xlsx")
@login_required
def raw_xlsx_export(code: str, month: str) -> Response:
    unit = _visible_unit(code)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.xlsx"
        write_raw_xlsx(get_reports_session(), unit, month, path, sheet_title=_("Responses"))
        body = path.read_bytes()
    _audit_export(unit, month, "responses.xlsx")
    return _download(body, f"phieu-khao-sat-{unit.code}-{month}.xlsx", XLSX)


# ---------------------------------------------------------------- drill-downs
@bp.get("/reports/<code>/<period:month>/by/<by>")
@login_required
def breakdown(code: str, month: str, by: str) -> str:
    if by not in BREAKDOWNS:
        abort(404)
    unit = _visible_unit(code)
    session = get_reports_session()
    rows = reports.breakdown(session, unit, month, by=by, min_responses=_min_n())
    return render_template(
        "dashboard/breakdown.html", rows=v.worst_first(rows), by=by, charts=v.breakdown_chart(rows, by),
        **_page_context(unit, month, by),
    )


@bp.get("/reports/<code>/<period:month>/counters/<counter_code>")
@login_required
def counter(code: str, month: str, counter_code: str) -> str:
    unit = _visible_unit(code)
    session = get_reports_session()
    found = counter_by_code(session, counter_code)
    # A counter outside the unit's subtree is "not found" here, whatever its own scope.
    if found is None or not found.unit.path.startswith(unit.path):
        abort(404)
    rows = reports.breakdown(session, unit, month, by="counter", min_responses=_min_n())
    row = next((r for r in rows if r.key == found.code), None)
    labels = question_labels(session)
    page = data.comments_page(session, unit, month, data.CommentFilter(counter_code=found.code), per_page=20)
    return render_template(
        "dashboard/counter.html", counter=found, row=row, labels=labels,
        criteria=v.ranked_criteria(row.criteria, labels) if row else [], comments=page,
        **_page_context(unit, month, "counter"),
    )


@bp.get("/reports/<code>/<period:month>/criteria")
@login_required
def criteria(code: str, month: str) -> str:
    unit = _visible_unit(code)
    session = get_reports_session()
    result = reports.period_report(session, unit, month, min_responses=_min_n())
    labels = question_labels(session)
    ranked = v.ranked_criteria(result.criteria, labels)
    return render_template(
        "dashboard/criteria.html", report=result, criteria=ranked, labels=labels,
        expectations=v.ranked_expectations(result.expectations, labels), charts=v.criteria_chart(ranked),
        **_page_context(unit, month, "criteria"),
    )


@bp.get("/reports/<code>/<period:month>/comments")
@login_required
def comments(code: str, month: str) -> ResponseReturnValue:
    unit = _visible_unit(code)
    session = get_reports_session()
    form = CommentFilterForm()
    chosen, page_number = form.chosen(), form.page_number()
    if chosen.unit_code:
        _visible_unit(chosen.unit_code)  # `?unit=` goes through the same check: 404 unknown, 403 outside the scope
    page = data.comments_page(session, unit, month, chosen, page=page_number)
    return render_template(
        "dashboard/comments.html", page=page, chosen=chosen, page_number=page_number,
        counters=data.counters_under(session, unit), units=data.units_under(session, unit),
        per_page=data.COMMENTS_PER_PAGE, **_page_context(unit, month, "comments"),
    )
