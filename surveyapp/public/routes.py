"""`/public/<unit>`, `/public/<unit>/<period>` and the open data `/public/<unit>/<period>.json`
and `.csv` (docs/REPORT.md "Public results").

No sign-in. A unit that is unknown or not published is the same 404. Replies carry an ETag and
`Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS` and answer a matching `If-None-Match`
with 304; only these pages may be framed, by the origins of PUBLIC_FRAME_ANCESTORS.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from surveyapp.db import get_reports_session, get_session
from surveyapp.models import Unit
from surveyapp.periods import Month, Period, this_month
from surveyapp.services.public.publication import published_unit
from surveyapp.services.public.results import PublicResults, public_csv, public_results
from surveyapp.web.hardening import allow_framing_by

bp = Blueprint("public", __name__, url_prefix="/public")


def _published(code: str) -> Unit:
    unit = published_unit(get_session(), code)
    if unit is None:
        abort(404)
    return unit


def _results(unit: Unit, period: str) -> PublicResults:
    return public_results(
        get_reports_session(), unit, period, min_responses=int(current_app.config["MIN_RESPONSES"])
    )


def _cacheable(response: Response, *, framed: bool = False) -> Response:
    """ETag and shared-cache lifetime; 304 when the client already holds this body."""
    response.headers["Cache-Control"] = f"public, max-age={int(current_app.config['PUBLIC_CACHE_SECONDS'])}"
    response.vary.add("Cookie")  # the language may come from the `lang` cookie
    response.vary.add("Accept-Encoding")
    if framed:
        allow_framing_by(current_app.config["PUBLIC_FRAME_ANCESTORS"])
    else:  # open data may be read by any site's script
        response.headers["Access-Control-Allow-Origin"] = "*"
    if "lang" in request.args:  # the reply sets the language cookie: for this visitor only
        response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    response.make_conditional(request)  # turns this same response into a 304 on a match
    return response


def _last_complete_month() -> str:
    return str(Month.parse(this_month()).shift(-1))


@bp.get("/<code>")
def latest(code: str) -> Response:
    """The last complete month's results."""
    unit = _published(code)
    return _page(unit, _last_complete_month())


@bp.get("/<code>/<period:month>")
def period_page(code: str, month: str) -> Response:
    return _page(_published(code), month)


def _page(unit: Unit, period: str) -> Response:
    results = _results(unit, period)
    chosen = Period.parse(period)
    html = render_template(
        "public/results.html", results=results, data=results.to_json(), period=chosen,
        previous=str(chosen.previous()),
        json_url=url_for("public.open_json", code=unit.code, month=period),
        csv_url=url_for("public.open_csv", code=unit.code, month=period),
    )
    return _cacheable(Response(html, mimetype="text/html"), framed=True)


@bp.get("/<code>/<period:month>.json")
def open_json(code: str, month: str) -> Response:
    results = _results(_published(code), month)
    body = json.dumps(results.to_json(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return _cacheable(Response(body, mimetype="application/json"))


@bp.get("/<code>/<period:month>.csv")
def open_csv(code: str, month: str) -> Response:
    unit = _published(code)
    response = Response(public_csv(_results(unit, month)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="ket-qua-{unit.code}-{month}.csv"'
    return _cacheable(response)
