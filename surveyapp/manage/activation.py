"""Deactivate or reactivate a unit, counter or procedure from its page: a POST of the
`ActiveForm` (`active` = 1 or 0) to `/manage/<kind>/<code>/active`; then back to the page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from surveyapp.auth import address_hash, login_required, signed_in_user
from surveyapp.db import get_session
from surveyapp.manage.forms import ActiveForm
from surveyapp.manage.routes import bp
from surveyapp.services.accounts import audit
from surveyapp.services.organisation import lookups
from surveyapp.services.organisation.activation import Record, audit_action, set_active
from surveyapp.services.organisation.manage import ManageError

FINDERS = {"units": lookups.unit_by_code, "counters": lookups.counter_by_code, "procedures": lookups.procedure_by_code}
PAGES = {"units": "manage.unit_form", "counters": "manage.counter_form", "procedures": "manage.procedure_form"}


@bp.post("/<any(units, counters, procedures):kind>/<code>/active")
@login_required
def set_activity(kind: str, code: str) -> ResponseReturnValue:
    session = get_session()
    record: Record | None = FINDERS[kind](session, code)
    if record is None:
        abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    me = signed_in_user()
    assert me is not None  # guarded by login_required
    active = form.active.data == "1"
    try:
        set_active(session, me, record, active)
    except ManageError:
        session.rollback()
        abort(403)
    audit.record(session, audit_action(record, active), user=me, target=record.code, address_hash=address_hash())
    if active:
        flash(_("%(code)s is active again.", code=record.code), "success")
    else:
        flash(_("%(code)s is deactivated: kept with its history, it takes no new survey.", code=record.code), "success")
    return redirect(url_for(PAGES[kind], code=record.code))
