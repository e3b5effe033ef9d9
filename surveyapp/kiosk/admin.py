"""Administrators' pages for counter tablets: pairing codes, the device list, revocation.

The pairing code is rendered once in the answer to the POST (never flashed: flashed
messages travel in the signed, but readable, session cookie).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.services.accounts import audit
from surveyapp.services.kiosk.devices import all_counters, create_pairing_code, list_devices, revoke_device
from surveyapp.services.organisation.imports import counter_by_code

bp = Blueprint("kiosk_admin", __name__)


def _page(code=None, counter=None, error=None, status=200):  # type: ignore[no-untyped-def]
    session = get_session()
    return (
        render_template(
            "kiosk/devices.html",
            devices=list_devices(session),
            counters=all_counters(session),
            new_code=code,
            code_counter=counter,
            error=error,
            kiosk_url=current_app.config["PUBLIC_BASE_URL"] + "/kiosk/",
        ),
        status,
    )


@bp.get("/admin/kiosks")
@require_role("admin")
def devices():  # type: ignore[no-untyped-def]
    return _page()


@bp.post("/admin/kiosks/pairing-codes")
@require_role("admin")
def new_pairing_code():  # type: ignore[no-untyped-def]
    session = get_session()
    counter = counter_by_code(session, request.form.get("counter", ""))
    if counter is None:
        return _page(error=_("Choose a counter."), status=400)
    pairing = create_pairing_code(session, counter)
    audit.record(session, "kiosk_pairing_code_created", user=signed_in_user(), target=counter.code, address_hash=address_hash())
    return _page(code=pairing, counter=counter)


@bp.post("/admin/kiosks/<int:device_id>/revoke")
@require_role("admin")
def revoke(device_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    device = revoke_device(session, device_id)
    if device is None:
        abort(404)
    audit.record(session, "kiosk_device_revoked", user=signed_in_user(), target=f"{device.id} {device.counter.code}", address_hash=address_hash())
    flash(_("Device %(id)s (counter %(code)s) is revoked.", id=device.id, code=device.counter.code), "success")
    return redirect(url_for("kiosk_admin.devices"))
