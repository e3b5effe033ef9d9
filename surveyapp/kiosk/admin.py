"""Administrators' pages for counter tablets: pairing codes, the device list, revocation.

The pairing code is rendered once in the answer to the POST (never flashed: flashed
messages travel in the signed, but readable, session cookie).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.kiosk.forms import CHOOSE_COUNTER, PairingCodeForm
from surveyapp.models import Counter
from surveyapp.services.accounts import audit
from surveyapp.services.kiosk.devices import PairingCode, all_counters, create_pairing_code, list_devices, revoke_device
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.web.forms import status_of

bp = Blueprint("kiosk_admin", __name__)


def _page(
    form: PairingCodeForm, code: PairingCode | None = None, counter: Counter | None = None
) -> ResponseReturnValue:
    session = get_session()
    return (
        render_template(
            "kiosk/devices.html",
            devices=list_devices(session),
            counters=[c for c in all_counters(session) if c.takes_surveys],
            form=form,
            new_code=code,
            code_counter=counter,
            kiosk_url=current_app.config["PUBLIC_BASE_URL"] + "/kiosk/",
        ),
        status_of(form),
    )


@bp.get("/admin/kiosks")
@require_role("admin")
def devices() -> ResponseReturnValue:
    return _page(PairingCodeForm())


@bp.post("/admin/kiosks/pairing-codes")
@require_role("admin")
def new_pairing_code() -> ResponseReturnValue:
    session = get_session()
    form = PairingCodeForm()
    if not form.validate():
        return _page(form)
    counter = counter_by_code(session, form.counter.data)
    if counter is None:
        form.counter.errors = [str(CHOOSE_COUNTER)]
        return _page(form)
    pairing = create_pairing_code(session, counter)
    audit.record(
        session, "kiosk_pairing_code_created", user=signed_in_user(), target=counter.code, address_hash=address_hash()
    )
    return _page(form, code=pairing, counter=counter)


@bp.post("/admin/kiosks/<int:device_id>/revoke")
@require_role("admin")
def revoke(device_id: int) -> ResponseReturnValue:
    session = get_session()
    device = revoke_device(session, device_id)
    if device is None:
        abort(404)
    audit.record(
        session,
        "kiosk_device_revoked",
        user=signed_in_user(),
        target=f"{device.id} {device.counter.code}",
        address_hash=address_hash(),
    )
    flash(_("Device %(id)s (counter %(code)s) is revoked.", id=device.id, code=device.counter.code), "success")
    return redirect(url_for("kiosk_admin.devices"))
