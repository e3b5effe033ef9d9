"""Administrators' page of API clients: create (secret shown once), list, rotate, revoke.

A secret is rendered in the answer to the POST that made it, never flashed (flashed messages
travel in the signed but readable session cookie).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.integration.forms import ApiClientForm, ClientActionForm
from surveyapp.labels import invitation_label
from surveyapp.models import Unit
from surveyapp.services.accounts import audit
from surveyapp.services.integration.clients import (
    ClientError,
    IssuedSecret,
    client_by_id,
    create_client,
    list_clients,
    revoke_client,
    rotate_secret,
)
from surveyapp.services.integration.invitations import recent_invitations
from surveyapp.web.forms import show_refusal, status_of

bp = Blueprint("integration_admin", __name__)


def _page(form: ApiClientForm, issued: IssuedSecret | None = None) -> ResponseReturnValue:
    session = get_session()
    clients = list_clients(session)
    return (
        render_template(
            "integration/clients.html",
            clients=clients,
            units=list(session.scalars(select(Unit).order_by(Unit.path))),
            form=form,
            action_form=ClientActionForm(),
            issued=issued,
        ),
        status_of(form),
    )


@bp.get("/admin/api-clients")
@require_role("admin")
def clients() -> ResponseReturnValue:
    return _page(ApiClientForm())


@bp.post("/admin/api-clients")
@require_role("admin")
def create() -> ResponseReturnValue:
    session = get_session()
    form = ApiClientForm()
    if not form.validate():
        return _page(form)
    try:
        issued = create_client(session, form.name.data or "", form.unit.data or "")
    except ClientError as error:
        show_refusal(form, error)
        return _page(form)
    audit.record(session, "api_client_created", user=signed_in_user(), target=issued.client.name,
                 address_hash=address_hash())
    return _page(ApiClientForm(formdata=None), issued)


@bp.get("/admin/api-clients/invitations")
@require_role("admin")
def invitations() -> ResponseReturnValue:
    """Each dossier's invitation state, newest first: never a contact or a dossier code."""
    return render_template("integration/invitations.html", dossiers=recent_invitations(get_session()),
                           invitation_label=invitation_label)


@bp.post("/admin/api-clients/<int:client_id>/rotate")
@require_role("admin")
def rotate(client_id: int) -> ResponseReturnValue:
    session = get_session()
    client = client_by_id(session, client_id)
    if client is None or not ClientActionForm().validate():
        abort(404 if client is None else 400)
    try:
        issued = rotate_secret(session, client)
    except ClientError as error:
        flash(str(error.message), "error")
        return redirect(url_for("integration_admin.clients"))
    audit.record(session, "api_client_rotated", user=signed_in_user(), target=client.name, address_hash=address_hash())
    return _page(ApiClientForm(formdata=None), issued)


@bp.post("/admin/api-clients/<int:client_id>/revoke")
@require_role("admin")
def revoke(client_id: int) -> ResponseReturnValue:
    session = get_session()
    client = client_by_id(session, client_id)
    if client is None or not ClientActionForm().validate():
        abort(404 if client is None else 400)
    revoke_client(session, client)
    audit.record(session, "api_client_revoked", user=signed_in_user(), target=client.name, address_hash=address_hash())
    flash(_("API client %(name)s is revoked.", name=client.name), "success")
    return redirect(url_for("integration_admin.clients"))
