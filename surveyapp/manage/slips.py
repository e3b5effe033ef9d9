"""Appointment slips from the web (docs/DASHBOARD.md "Slips"): a manager or administrator makes
a batch of one-time tokens for a counter of their scope and gets the A4 sheet of cut-out slips,
with the batch's CSV. The tokens exist in clear only in this reply (only their hashes are
stored), so the sheet and its CSV are one response."""
from __future__ import annotations

import base64

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from analysis.sipas import FULL_FORM_ID
from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.definitions.duration import duration_minutes
from surveyapp.manage.forms import SlipBatchForm
from surveyapp.manage.routes import bp
from surveyapp.services.accounts import audit
from surveyapp.services.organisation import manage
from surveyapp.services.organisation.lookups import all_procedures, counter_by_code
from surveyapp.services.survey.definitions import current_definition
from surveyapp.services.survey.qr import qr_svg
from surveyapp.services.survey.slips import SLIPS_PER_SHEET, make_slips
from surveyapp.web.forms import show_refusal, status_of


@bp.route("/slips", methods=["GET", "POST"])
@require_role("admin", "manager")
def slips() -> ResponseReturnValue:
    session = get_session()
    me = signed_in_user()
    assert me is not None  # guarded by require_role
    form = SlipBatchForm()
    counters = [c for c in manage.counters_in_scope(session, me) if c.takes_surveys]
    if form.validate_on_submit():
        counter = counter_by_code(session, form.counter.data)
        if counter is None:
            show_refusal(form, manage.ManageError(_l("unknown counter %(code)s", code=form.counter.data), "counter"))
        else:
            try:
                batch = make_slips(session, me, counter, form.count.data, form.procedure.data or "",
                                   current_app.config["PUBLIC_BASE_URL"])
            except manage.ManageError as refusal:
                session.rollback()
                show_refusal(form, refusal)
            else:
                procedure = batch.procedure.code if batch.procedure else None
                audit.record(session, "tokens_made", user=me, target=counter.code, address_hash=address_hash(),
                             detail={"count": len(batch.slips), "procedure": procedure})
                found = current_definition(session, FULL_FORM_ID)
                csv_href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(batch.csv_text().encode()).decode()
                sheets = [batch.slips[i:i + SLIPS_PER_SHEET] for i in range(0, len(batch.slips), SLIPS_PER_SHEET)]
                return render_template(
                    "manage/slips_sheet.html", batch=batch, sheets=sheets, qr=qr_svg, csv_href=csv_href,
                    minutes=duration_minutes(found[1]) if found else None,
                )
    return render_template("manage/slips.html", form=form, counters=counters,
                           procedures=[p for p in all_procedures(session) if p.active]), status_of(form)
