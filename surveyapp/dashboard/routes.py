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
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from analysis.model import Report, TrendPoint
from analysis.sipas import MEASURES
from surveyapp.auth import address_hash, can_see_unit, login_required, signed_in_user
from surveyapp.dashboard import views as v
from surveyapp.dashboard.cached import cached, page_etag, page_key
from surveyapp.dashboard.forms import (
    BREAKDOWNS,
    CommentFilterForm,
    FunnelCenterForm,
    HelpExampleForm,
    MonthSwitchForm,
    RankingForm,
)
from surveyapp.dashboard.help import WorkedExample, worked_example
from surveyapp.db import get_reports_session, get_session
from surveyapp.labels import measure_label, question_labels
from surveyapp.models import Unit, User
from surveyapp.periods import Month, Period, PeriodError, this_month
from surveyapp.services.accounts import audit
from surveyapp.services.accounts.accounts import scope_roots
from surveyapp.services.exports.codebook import codebook_csv
from surveyapp.services.exports.pdf import PdfError, html_to_pdf
from surveyapp.services.exports.report import report_csv, write_report_xlsx
from surveyapp.services.exports.responses import raw_csv, write_raw_xlsx
from surveyapp.services.organisation.lookups import counter_by_code, unit_by_code, unit_chain
from surveyapp.services.reporting import dashboard as data
from surveyapp.timeutil import VIETNAM

# `surveyapp.services.reporting.reports` and the rankings (numpy, scipy) are imported inside the
# views that build a report, so that starting the app and serving the citizen's form never load them.
if TYPE_CHECKING:
    from analysis.ranking import Ranking

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


def _month_picture(
    unit: Unit, month: str, center: str | None = None
) -> tuple[Report, list[TrendPoint], dict[str, str]]:
    """The period's report (funnel centred as the query's `funnel_center` asks), its trend (a
    month: the 12 months ending there; another period: its months) and the question labels: what
    the overview, its printable version and the report's CSV and XLSX (centred on the parent) show.
    Kept in the report cache while the rows it reads are unchanged (surveyapp/dashboard/cached.py)."""
    center = center or FunnelCenterForm().value("funnel_center")
    return cached(unit, month, ("picture", center), lambda: _computed_picture(unit, month, center))


def _computed_picture(
    unit: Unit, month: str, center: str, *, overview: bool = False
) -> tuple[Report, list[TrendPoint], dict[str, str]]:
    """overview=True: the children as summary rows (period_report's child_detail), all that the
    overview shows of them (the print view, exports and drill-downs show the rest)."""
    from surveyapp.services.reporting import reports

    session = get_reports_session()
    detail = "summary" if overview else "full"
    trend_rows = reports.trend_tallies(session, unit, month)  # the trend's and the control chart's months, read once
    result = reports.period_report(
        session, unit, month, center, min_responses=_min_n(), child_detail=detail, trend_tallies=trend_rows
    )
    points = reports.period_trend(session, unit, month, min_responses=_min_n(), tallies=trend_rows)
    return result, points, question_labels(session)


def _overview_body(unit: Unit, month: str, key: tuple[Any, ...]) -> Markup:
    """The overview's content under its heading, rendered once per freshness key (`key`)."""

    def render() -> Markup:
        # Computed here, not taken from or put in the cache as a report: the kept HTML (about
        # 0.4 MB with its key for a province) is what a next view needs, not ~3 MB of typed objects.
        # The page shows of each child n, overall satisfaction and its small-area estimate, the
        # service index, funnel and change: computed without the rest (the same HTML, byte for
        # byte: tests/dashboard/test_overview_cost.py).
        result, points, labels = _computed_picture(unit, month, _overview_view()[1], overview=True)
        return Markup(render_template(
            "dashboard/_overview_body.html", report=result, trend=points, labels=labels,
            priorities=v.priorities(result, labels), charts=v.overview_charts(result, points, labels),
            unit=unit, month=month, period=Period.parse(month),
        ))

    return cached(unit, month, _overview_view(), render, key=key)


def _overview_view() -> tuple[str, str]:
    return ("overview", FunnelCenterForm().value("funnel_center"))


@bp.get("/reports/<code>/<period:month>")
@login_required
def report(code: str, month: str) -> ResponseReturnValue:
    """The overview. Its ETag follows the report cache's freshness key and what the heading shows,
    so a browser's revalidation of an unchanged page is a 304 (`Cache-Control: private, no-cache`)."""
    unit = _visible_unit(code)
    context = _page_context(unit, month, "report")
    key = page_key(unit, month, _overview_view())
    etag = page_etag(key, _me(), context["months"])
    if etag is not None and request.if_none_match.contains(etag):
        not_modified = Response(status=304)
        not_modified.set_etag(etag)
        not_modified.headers["Cache-Control"] = "private, no-cache"
        return not_modified
    response = make_response(render_template(
        "dashboard/overview.html", body=_overview_body(unit, month, key), **context))
    if etag is not None:
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def render_print_view(unit: Unit, month: str) -> str:
    """The printable report of a unit and period (the print page, and what the PDF prints).
    Needs a request context (the CLI's `send-reports` makes one)."""
    from surveyapp.services.reporting import reports

    result, points, labels = _month_picture(unit, month)
    counters = reports.breakdown(get_reports_session(), unit, month, by="counter", min_responses=_min_n())
    return render_template(
        "dashboard/print.html", report=result, trend=points, labels=labels, counters=counters,
        criteria=v.ranked_criteria(result.criteria, labels), priorities=v.priorities(result, labels),
        charts=v.overview_charts(result, points, labels), chain=unit_chain(unit), unit=unit, month=month,
        period=Period.parse(month),
        issued=datetime.now(VIETNAM).date(), place=current_app.config["REPORT_PLACE_NAME"],
    )


def render_report_pdf(unit: Unit, month: str) -> bytes:
    """The print view as an A4 PDF (surveyapp/services/exports/pdf.py); PdfError when Chromium fails."""
    static_folder = Path(current_app.static_folder or "static")
    return html_to_pdf(render_print_view(unit, month), static_folder, current_app.config["CHROMIUM_PATH"])


@bp.get("/reports/<code>/<period:month>/print")
@login_required
def print_report(code: str, month: str) -> str:
    unit = _visible_unit(code)
    page = render_print_view(unit, month)
    _audit_export(unit, month, "print")
    return page


@bp.get("/reports/<code>/<period:month>.pdf")
@login_required
def report_pdf_export(code: str, month: str) -> ResponseReturnValue:
    unit = _visible_unit(code)
    try:
        body = render_report_pdf(unit, month)
    except PdfError:
        current_app.logger.exception("report PDF failed")
        return render_template(
            "error.html", title=_("The PDF could not be made"), code=503,
            reason=_("The server's PDF printer is not available. Open the printable page and use your browser's "
                     "Print, Save as PDF instead."),
        ), 503
    _audit_export(unit, month, "pdf")
    return _download(body, f"bao-cao-{unit.code}-{month}.pdf", "application/pdf")


@bp.get("/reports/<code>/<period:month>.csv")
@login_required
def report_csv_export(code: str, month: str) -> Response:
    unit = _visible_unit(code)
    body = report_csv(get_reports_session(), _month_picture(unit, month, "parent")[0])
    _audit_export(unit, month, "csv")
    return _download(body, f"bao-cao-{unit.code}-{month}.csv", "text/csv; charset=utf-8")


@bp.get("/reports/<code>/<period:month>.xlsx")
@login_required
def report_xlsx_export(code: str, month: str) -> Response:
    unit = _visible_unit(code)
    result = _month_picture(unit, month, "parent")[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        write_report_xlsx(get_reports_session(), result, path)
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
    from surveyapp.services.reporting import reports

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
    from surveyapp.services.reporting import reports

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
    from surveyapp.services.reporting import reports

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


# ---------------------------------------------------------------- ranking (issue 14)
class RankingNotFound(NotFound):
    """A ranking that cannot be made (a target the unit lacks): a 404 whose page says why."""

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def reason(self) -> str:
        return self.why


def _ranking(unit: Unit, month: str) -> tuple[Ranking, RankingForm]:
    """The ranking the query asks for; a target asked for that the unit lacks is a 404 saying why."""
    from surveyapp.services.reporting.ranking import unit_ranking
    from surveyapp.services.reporting.reports import ReportError

    form = RankingForm()
    try:
        found = unit_ranking(
            get_reports_session(), unit, month, measure=form.value("measure"),
            all_communes=form.wants_all_communes(), against=form.value("against"), min_responses=_min_n(),
        )
    except ReportError as error:
        raise RankingNotFound(str(error)) from None
    return found, form


@bp.get("/reports/<code>/<period:month>/ranking")
@login_required
def ranking(code: str, month: str) -> str:
    from surveyapp.services.exports.ranking import method_note

    unit = _visible_unit(code)
    found, form = _ranking(unit, month)
    labels = question_labels(get_reports_session())
    return render_template(
        "dashboard/ranking.html", ranking=found, options=form.query(), labels=labels,
        measures=[(m, measure_label(m, labels)) for m in MEASURES],
        note=method_note(found, _min_n()), **_page_context(unit, month, "ranking"),
    )


@bp.get("/reports/<code>/<period:month>/ranking/print")
@login_required
def print_ranking(code: str, month: str) -> str:
    from surveyapp.services.exports.ranking import method_note, ranking_title

    unit = _visible_unit(code)
    found, form = _ranking(unit, month)
    labels = question_labels(get_reports_session())
    _audit_export(unit, month, "ranking.print")
    return render_template(
        "dashboard/ranking_print.html", ranking=found, options=form.query(), labels=labels, unit=unit, month=month,
        chain=unit_chain(unit), title=ranking_title(found, labels), note=method_note(found, _min_n()),
        issued=datetime.now(VIETNAM).date(),
    )


@bp.get("/reports/<code>/<period:month>/ranking.csv")
@login_required
def ranking_csv_export(code: str, month: str) -> Response:
    from surveyapp.services.exports.ranking import ranking_csv

    unit = _visible_unit(code)
    found, _form = _ranking(unit, month)
    body = ranking_csv(found, question_labels(get_reports_session()))
    _audit_export(unit, month, "ranking.csv")
    return _download(body, f"xep-hang-{unit.code}-{month}.csv", "text/csv; charset=utf-8")


@bp.get("/reports/<code>/<period:month>/ranking.xlsx")
@login_required
def ranking_xlsx_export(code: str, month: str) -> Response:
    from surveyapp.services.exports.ranking import write_ranking_xlsx

    unit = _visible_unit(code)
    found, _form = _ranking(unit, month)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ranking.xlsx"
        write_ranking_xlsx(found, question_labels(get_reports_session()), path, min_responses=_min_n())
        body = path.read_bytes()
    _audit_export(unit, month, "ranking.xlsx")
    return _download(body, f"xep-hang-{unit.code}-{month}.xlsx", XLSX)
# ---------------------------------------------------------------- help
@bp.get("/help/reports")
@login_required
def help_reports() -> str:
    """"How to read the report": intervals, suppression, targets, the funnel, small-area estimates.
    Opened from a report (`?unit=…&period=…`), it quotes that report's numbers as its examples;
    a unit that is unknown or outside the official's scope, or a period that is not one, only
    leaves the examples out (a help page refuses nobody)."""
    form = HelpExampleForm()
    example = _help_example(form.value("unit"), form.value("period"))
    return render_template("dashboard/help_reports.html", example=example, min_responses=_min_n())


def _help_example(code: str, period: str) -> WorkedExample | None:
    if not code or not period:
        return None
    unit = unit_by_code(get_session(), code)
    if unit is None or not can_see_unit(_me(), unit):
        return None
    try:
        Period.parse(period)
    except PeriodError:
        return None
    from surveyapp.services.reporting import reports

    result = reports.period_report(get_reports_session(), unit, period, min_responses=_min_n())
    return worked_example(unit.code, unit.name, period, result)
