"""Administrators' campaign pages: list and create, a campaign's progress by stratum and its
draw, and the campaign report (page, print view, JSON, CSV, XLSX)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.campaigns.forms import CampaignForm, DrawForm
from surveyapp.db import discard_changes, get_session
from surveyapp.models import Campaign, Unit
from surveyapp.services.accounts import audit
from surveyapp.services.campaigns.campaigns import (
    CampaignError,
    CampaignSpec,
    InvitationKeys,
    campaign_by_id,
    create_campaign,
    draw_campaign,
    list_campaigns,
    progress,
)
from surveyapp.web.forms import show_refusal, status_of

if TYPE_CHECKING:
    from surveyapp.services.campaigns.report import CampaignReport

# The campaign report (numpy) is imported by the views that make it, so that starting the app
# never loads numpy (tests/setup/test_startup_imports.py).
bp = Blueprint("campaign_admin", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_page(form: CampaignForm) -> ResponseReturnValue:
    session = get_session()
    return (
        render_template("campaigns/list.html", campaigns=list_campaigns(session), form=form,
                        units=list(session.scalars(select(Unit).order_by(Unit.path)))),
        status_of(form),
    )


@bp.get("/admin/campaigns")
@require_role("admin")
def campaigns() -> ResponseReturnValue:
    return _list_page(CampaignForm(formdata=None))


@bp.post("/admin/campaigns")
@require_role("admin")
def create() -> ResponseReturnValue:
    session = get_session()
    form = CampaignForm()
    if not form.validate():
        return _list_page(form)
    spec = CampaignSpec(name=form.name.data or "", unit_code=form.unit.data or "", period=form.period.data or "",
                        sample_size=int(form.sample.data or 0), allocation=form.allocation.data or "",
                        target=float(form.target.data or 0), definition_id=form.definition.data or None,
                        channels=form.channels.data or "")
    try:
        created = create_campaign(session, spec)
    except CampaignError as error:
        discard_changes()
        show_refusal(form, error)
        return _list_page(form)
    audit.record(session, "campaign_created", user=signed_in_user(), target=str(created.id),
                 address_hash=address_hash())
    flash(_("Campaign %(id)d was created: draw its sample now.", id=created.id), "success")
    return redirect(url_for("campaign_admin.campaign", campaign_id=created.id), 303)


def _found(campaign_id: int) -> Campaign:
    found = campaign_by_id(get_session(), campaign_id)
    if found is None:
        abort(404)
    return found


def _campaign_page(campaign: Campaign, form: DrawForm) -> ResponseReturnValue:
    return (
        render_template("campaigns/campaign.html", campaign=campaign, strata=progress(get_session(), campaign),
                        form=form),
        status_of(form),
    )


@bp.get("/admin/campaigns/<int:campaign_id>")
@require_role("admin")
def campaign(campaign_id: int) -> ResponseReturnValue:
    return _campaign_page(_found(campaign_id), DrawForm(formdata=None))


@bp.post("/admin/campaigns/<int:campaign_id>/draw")
@require_role("admin")
def draw(campaign_id: int) -> ResponseReturnValue:
    session = get_session()
    chosen = _found(campaign_id)
    form = DrawForm()
    if not form.validate():
        return _campaign_page(chosen, form)
    keys = InvitationKeys(current_app.config["DOSSIER_KEY"], current_app.config["CONTACT_KEY"])
    try:
        draw_campaign(session, chosen, int(form.seed.data or 0), keys)
    except CampaignError as error:
        discard_changes()
        show_refusal(form, error)
        return _campaign_page(chosen, form)
    audit.record(session, "campaign_drawn", user=signed_in_user(), target=str(chosen.id), address_hash=address_hash())
    flash(_("The sample was drawn; its invitations go out with the next run of send-invitations."), "success")
    return redirect(url_for("campaign_admin.campaign", campaign_id=chosen.id), 303)


def _report(campaign_id: int) -> CampaignReport:
    from surveyapp.services.campaigns.report import campaign_report

    return campaign_report(get_session(), _found(campaign_id), min_responses=current_app.config["MIN_RESPONSES"])


@bp.get("/admin/campaigns/<int:campaign_id>/report")
@require_role("admin")
def report(campaign_id: int) -> ResponseReturnValue:
    return render_template("campaigns/report.html", report=_report(campaign_id))


@bp.get("/admin/campaigns/<int:campaign_id>/report/print")
@require_role("admin")
def report_print(campaign_id: int) -> ResponseReturnValue:
    return render_template("campaigns/print.html", report=_report(campaign_id))


def _download(body: bytes, name: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/admin/campaigns/<int:campaign_id>/report.json")
@require_role("admin")
def report_json(campaign_id: int) -> Response:
    body = json.dumps(_report(campaign_id).to_json(), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json")


@bp.get("/admin/campaigns/<int:campaign_id>/report.csv")
@require_role("admin")
def report_csv(campaign_id: int) -> Response:
    # A BOM so Excel reads the Vietnamese names, like the monthly report's CSV.
    from surveyapp.services.campaigns.report import campaign_report_csv

    body = ("\ufeff" + campaign_report_csv(_report(campaign_id))).encode("utf-8")
    return _download(body, f"khao-sat-dot-xuat-{campaign_id}.csv", "text/csv; charset=utf-8")


@bp.get("/admin/campaigns/<int:campaign_id>/report.xlsx")
@require_role("admin")
def report_xlsx(campaign_id: int) -> Response:
    from surveyapp.services.campaigns.report import campaign_report_xlsx

    return _download(campaign_report_xlsx(_report(campaign_id)), f"khao-sat-dot-xuat-{campaign_id}.xlsx", XLSX)
