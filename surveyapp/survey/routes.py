"""Route handlers: parse the request, call the collect service, render."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh

from analysis.sipas import FULL_FORM_ID
from surveyapp.db import discard_changes, get_session
from surveyapp.definitions.duration import duration_minutes
from surveyapp.definitions.model import Definition
from surveyapp.extensions import csrf
from surveyapp.i18n import current_lang
from surveyapp.services.campaigns.answers import sample_for_link
from surveyapp.services.campaigns.invitations import opt_out_sample
from surveyapp.services.integration.contacts import opt_out
from surveyapp.services.integration.dossiers import dossier_for_link
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.services.organisation.procedure_search import search_procedures
from surveyapp.services.organisation.usual_procedures import form_procedures
from surveyapp.services.survey.collect import (
    LinkState,
    SurveyTarget,
    campaign_target,
    collect,
    counter_target,
    dossier_target,
    token_target,
)
from surveyapp.services.survey.definitions import current_definition
from surveyapp.services.survey.qr import qr_png, qr_svg
from surveyapp.survey.forms import SurveyForm, posted_csrf_token_is_valid
from surveyapp.survey.messages import error_message
from surveyapp.survey.picker import SEARCH_BUTTON, SEARCH_FIELD, ProcedureSearchForm, picker_search
from surveyapp.timeutil import vietnam_today

bp = Blueprint("survey", __name__)
# CSRF is checked inside the views (`posted_csrf_token_is_valid`), so that an expired token
# re-shows the answers instead of failing the whole page.
csrf.exempt(bp)

NOT_ITEM_FIELDS = {"csrf_token", "switch_lang", SEARCH_FIELD, SEARCH_BUTTON}


@bp.route("/s/<counter_code>", methods=["GET", "POST"])
def counter_survey(counter_code: str) -> ResponseReturnValue:
    target = counter_target(get_session(), counter_code, request.args.get("p"))
    return _survey_page(target)


@bp.route("/t/<token>", methods=["GET", "POST"])
def token_survey(token: str) -> ResponseReturnValue:
    target = token_target(get_session(), token)
    return _survey_page(target)


@bp.route("/d/<token>", methods=["GET", "POST"])
def dossier_survey(token: str):  # type: ignore[no-untyped-def]
    """A dossier's link (docs/INTEGRATION.md): what the dossier knows is not asked again."""
    target = dossier_target(get_session(), token, vietnam_today())
    return _survey_page(target)


@bp.route("/c/<token>", methods=["GET", "POST"])
def campaign_survey(token: str):  # type: ignore[no-untyped-def]
    """A campaign's link for one sampled dossier (docs/CAMPAIGNS.md): answers kept apart."""
    return _survey_page(campaign_target(get_session(), token))


@bp.route("/c/<token>/opt-out", methods=["GET", "POST"])
def campaign_opt_out(token: str):  # type: ignore[no-untyped-def]
    """The opt-out link of a campaign invitation: the same page and effect as a dossier's."""
    session = get_session()
    sample = sample_for_link(session, token)
    if sample is None:
        return render_template("survey/unknown_link.html"), 404
    form = SurveyForm()
    if request.method == "POST" and form.validate():
        opt_out_sample(session, sample)
        return render_template("survey/opted_out.html", done=True, form=form)
    return render_template("survey/opted_out.html", done=False, form=form)


@bp.get("/d/<token>/qr.<any(svg, png):kind>")
def dossier_qr(token: str, kind: str) -> Response:
    """The link's QR code for the slip or receipt (SVG for print layouts, PNG for slip printers)."""
    if dossier_for_link(get_session(), token) is None:
        abort(404)
    url = f"{current_app.config['PUBLIC_BASE_URL']}/d/{token}"
    if kind == "svg":
        response = Response(qr_svg(url), mimetype="image/svg+xml")
    else:
        response = Response(qr_png(url), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.route("/d/<token>/opt-out", methods=["GET", "POST"])
def dossier_opt_out(token: str):  # type: ignore[no-untyped-def]
    """The link in every invitation: no more messages to this contact. A GET only asks (mail
    scanners open links); the button's POST does it."""
    session = get_session()
    dossier = dossier_for_link(session, token)
    if dossier is None:
        return render_template("survey/unknown_link.html"), 404
    form = SurveyForm()
    if request.method == "POST" and form.validate():
        opt_out(session, dossier)
        return render_template("survey/opted_out.html", done=True, form=form)
    return render_template("survey/opted_out.html", done=False, form=form)


@bp.get("/procedures/search")
def procedure_search() -> Response:
    """The picker's search as JSON (docs/SURVEY.md § The procedure picker)."""
    form = ProcedureSearchForm()
    query = form.value("q") or ""
    matches = search_procedures(get_session(), query, form.value("limit"))
    response = jsonify(query=query, results=[match.to_json() for match in matches])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/thanks")
def thanks() -> str:
    return render_template("survey/thanks.html")


@bp.get("/posters/<counter_code>")
def poster(counter_code: str) -> ResponseReturnValue:
    counter = counter_by_code(get_session(), counter_code)
    if counter is None:
        return render_template("survey/unknown_link.html"), 404
    if not counter.takes_surveys:  # a poster of a deactivated counter would lead nowhere
        return render_template("survey/closed_counter.html", counter=counter), 410
    url = f"{current_app.config['PUBLIC_BASE_URL']}/s/{counter.code}"
    found = current_definition(get_session(), FULL_FORM_ID)
    minutes = duration_minutes(found[1]) if found else None
    return render_template("survey/poster.html", counter=counter, url=url, qr=qr_svg(url), minutes=minutes)


@bp.app_template_global("questionnaire_minutes")
def questionnaire_minutes(definition: Definition) -> int:
    """The minutes the form's introduction promises (surveyapp/definitions/duration.py)."""
    return duration_minutes(definition)


def _survey_page(target: SurveyTarget) -> ResponseReturnValue:
    reply, stored = _survey_reply(target)
    if request.method == "POST" and not stored:
        # Only a stored submission keeps what its request wrote, its rate-limit hit included
        # (web/hardening.py): a POST refused for any reason (unknown or used link, language
        # switch, expired form, invalid answers) spends none of its sender's budget.
        discard_changes()
    return reply


def _survey_reply(target: SurveyTarget) -> tuple[ResponseReturnValue, bool]:
    """The reply to a GET or POST of the questionnaire, and whether answers were stored."""
    if target.state is LinkState.UNKNOWN:
        return (render_template("survey/unknown_link.html"), 404), False
    if target.state is LinkState.USED:
        return (render_template("survey/already_answered.html"), 409), False
    if target.state is LinkState.EXPIRED:
        return (render_template("survey/expired_link.html"), 410), False
    if target.state is LinkState.CLOSED:
        return (render_template("survey/closed_counter.html", counter=target.counter), 410), False
    if target.state is LinkState.NOT_READY:
        return (render_template("error.html", title=_("The survey is not available yet"), code=503), 503), False

    values: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    notice = None
    status = 200
    search = None
    if request.method == "POST":
        values = {key: found for key, found in request.form.lists() if key not in NOT_ITEM_FIELDS}
        if request.form.get("switch_lang") in current_app.config["LANGUAGES"]:
            g.forced_lang = request.form["switch_lang"]
            refresh()
        elif SEARCH_BUTTON in request.form:  # the picker's search without JavaScript: nothing stored
            search = picker_search(get_session(), request.form.get(SEARCH_FIELD) or request.form.get("procedure", ""))
        elif not posted_csrf_token_is_valid():
            notice = _(
                "Your session had expired, so nothing was sent yet. "
                "Your answers are still here: please press Send again."
            )
            status = 400
        else:
            result = collect(
                get_session(),
                target,
                values,
                language=current_lang(),
                channel="qr",
                comment_limit=current_app.config["COMMENT_MAX_LENGTH"],
            )
            if result.stored:
                return redirect(url_for("survey.thanks"), 303), True
            if result.token_used:
                return (render_template("survey/already_answered.html"), 409), False
            errors = {item_id: error_message(error) for item_id, error in result.errors.items()}
            status = 400
    # The counter's usual procedures (at most 50), never a deactivated one.
    procedures = [] if target.procedure is not None or target.counter is None else [
        p for p in form_procedures(get_session(), target.counter, current_app.config["USUAL_PROCEDURES_DAYS"])
        if p.active
    ]
    page = render_template(
        "survey/form.html",
        form=SurveyForm(),  # only for the page: it renders the CSRF token
        target=target,
        definition=target.definition,
        lang=current_lang(),
        values=values,
        errors=errors,
        notice=notice,
        procedures=procedures,
        search=search,
        comment_limit=current_app.config["COMMENT_MAX_LENGTH"],
    )
    return (page, status), False
