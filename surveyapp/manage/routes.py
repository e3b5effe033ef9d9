"""Route handlers: parse the form, call surveyapp.services.organisation.manage / imports, render.

Viewers read the lists; managers edit inside their subtree; administrators edit everything,
the procedure catalogue. CSV imports: administrators any; managers units and counters of their
subtree (every row is checked against the scope before the all-or-nothing import).

The three edit pages share one shape: the record of the URL (404) that the official may change
(403), the form, the service's save, then audit, a message and back to the list (the request commits). What
differs (fields, scope check, message) stays in each route; `_found` and `_saved` hold the rest.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from surveyapp.auth import address_hash, can_manage_unit, login_required, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.manage.forms import CounterForm, ImportForm, ProcedureForm, PublishForm, UnitForm, UsualProceduresForm
from surveyapp.models import Counter, Procedure, Unit, User
from surveyapp.services.accounts import audit
from surveyapp.services.accounts.accounts import scope_units
from surveyapp.services.operations.tabular import ImportRejected
from surveyapp.services.organisation import lookups, manage
from surveyapp.services.organisation.imports import import_counters, import_procedures, import_units
from surveyapp.services.organisation.usual_procedures import form_procedures, save_set_procedures, set_procedures
from surveyapp.services.public.publication import is_published, set_published
from surveyapp.web.forms import form_for, show_refusal, status_of

bp = Blueprint("manage", __name__, url_prefix="/manage")
IMPORTERS = {"units": import_units, "counters": import_counters, "procedures": import_procedures}
Record = TypeVar("Record", Unit, Counter, Procedure)


def _me() -> User:
    user = signed_in_user()
    assert user is not None  # guarded by login_required
    return user


def _found(record: Record | None) -> Record:
    """The record named by the URL, or 404."""
    if record is None:
        abort(404)
    return record


def _require_manageable(unit: Unit) -> None:
    """403 unless the official may change this unit (or a counter of it)."""
    if not can_manage_unit(_me(), unit):
        abort(403)


def _saved(form: FlaskForm, save: Callable[[], Record], action: str) -> Record | None:
    """Run the service's save for a submitted, valid form. A refusal is rolled back and its
    reason put on the form (None: show the page again); a change is audited (the request commits)."""
    session = get_session()
    try:
        record = save()
    except manage.ManageError as refusal:
        session.rollback()
        show_refusal(form, refusal)
        return None
    audit.record(session, action, user=_me(), target=record.code, address_hash=address_hash())
    return record


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return redirect(url_for("manage.units"))


# ---------------------------------------------------------------- units
@bp.get("/units")
@login_required
def units() -> ResponseReturnValue:
    session = get_session()
    shown = scope_units(session, _me())
    return render_template("manage/units.html", units=shown, responses=manage.unit_response_counts(session, shown))


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<code>", methods=["GET", "POST"])
@require_role("admin", "manager")
def unit_form(code: str | None = None) -> ResponseReturnValue:
    session = get_session()
    me = _me()
    existing = None
    if code is not None:
        existing = _found(lookups.unit_by_code(session, code))
        _require_manageable(existing)
    if existing is None:
        form = form_for(UnitForm, parent_code=request.args.get("parent", ""))  # "New sub-unit" links name the parent
    else:
        form = form_for(UnitForm, name=existing.name, parent_code=existing.parent.code if existing.parent else "")
        form.without_code()
    if form.validate_on_submit():
        unit = _saved(form, lambda: manage.save_unit(
            session, me, code=existing.code if existing else form.code.data, name=form.name.data,
            parent_code=form.parent_code.data or "", existing=existing,
        ), "unit_saved")
        if unit is not None:
            flash(_("Unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("manage.units"))
    parents = [u for u in scope_units(session, me) if existing is None or not u.path.startswith(existing.path)]
    published = existing is not None and is_published(session, existing)
    return render_template("manage/unit_form.html", unit=existing, parents=parents, form=form,
                           published=published), status_of(form)


@bp.post("/units/<code>/public")
@require_role("admin")
def unit_public(code: str) -> ResponseReturnValue:
    """An administrator publishes a unit's results at /public/<code>, or withdraws them (audited)."""
    session = get_session()
    unit = _found(lookups.unit_by_code(session, code))
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    publish = form.publish.data == "1"
    if set_published(session, unit, publish, by=_me().username):
        audit.record(session, "unit_published" if publish else "unit_unpublished", user=_me(), target=unit.code,
                     address_hash=address_hash())
    if publish:
        flash(_("The results of %(code)s are public.", code=unit.code), "success")
    else:
        flash(_("The results of %(code)s are not public.", code=unit.code), "success")
    return redirect(url_for("manage.unit_form", code=unit.code))


# ---------------------------------------------------------------- counters
@bp.get("/counters")
@login_required
def counters() -> ResponseReturnValue:
    return render_template("manage/counters.html", counters=manage.counters_in_scope(get_session(), _me()))


@bp.route("/counters/new", methods=["GET", "POST"])
@bp.route("/counters/<code>", methods=["GET", "POST"])
@require_role("admin", "manager")
def counter_form(code: str | None = None) -> ResponseReturnValue:
    session = get_session()
    me = _me()
    existing = None
    if code is not None:
        existing = _found(lookups.counter_by_code(session, code))
        _require_manageable(existing.unit)
    if existing is None:
        form = form_for(CounterForm)
    else:
        form = form_for(CounterForm, name=existing.name, unit_code=existing.unit.code)
        form.without_code()
    if form.validate_on_submit():
        counter = _saved(form, lambda: manage.save_counter(
            session, me, code=existing.code if existing else form.code.data, name=form.name.data,
            unit_code=form.unit_code.data, existing=existing,
        ), "counter_saved")
        if counter is not None:
            flash(_("Counter %(code)s saved.", code=counter.code), "success")
            return redirect(url_for("manage.counters"))
    return render_template("manage/counter_form.html", counter=existing, units=scope_units(session, me),
                           form=form), status_of(form)


@bp.route("/counters/<code>/procedures", methods=["GET", "POST"])
@require_role("admin", "manager")
def counter_procedures(code: str) -> ResponseReturnValue:
    """The procedures the counter's questionnaire lists (services/organisation/usual_procedures.py)."""
    session = get_session()
    counter = _found(lookups.counter_by_code(session, code))
    _require_manageable(counter.unit)
    form = form_for(UsualProceduresForm, codes="\n".join(p.code for p in set_procedures(session, counter)))
    if form.validate_on_submit():
        try:
            chosen = save_set_procedures(session, _me(), counter, form.codes.data or "")
        except manage.ManageError as refusal:
            session.rollback()
            show_refusal(form, refusal)
        else:
            audit.record(session, "counter_saved", user=_me(), target=counter.code, address_hash=address_hash(),
                         detail={"procedures": [p.code for p in chosen]})
            flash(_("The procedures of counter %(code)s are saved.", code=counter.code), "success")
            return redirect(url_for("manage.counter_procedures", code=counter.code))
    listed = form_procedures(session, counter, current_app.config["USUAL_PROCEDURES_DAYS"])
    return render_template("manage/counter_procedures.html", counter=counter, form=form, listed=listed,
                           chosen=bool(set_procedures(session, counter))), status_of(form)


# ---------------------------------------------------------------- procedures
@bp.get("/procedures")
@login_required
def procedures() -> ResponseReturnValue:
    return render_template("manage/procedures.html", procedures=lookups.all_procedures(get_session()))


@bp.route("/procedures/new", methods=["GET", "POST"])
@bp.route("/procedures/<code>", methods=["GET", "POST"])
@require_role("admin")
def procedure_form(code: str | None = None) -> ResponseReturnValue:
    session = get_session()
    existing = None
    if code is not None:
        existing = _found(lookups.procedure_by_code(session, code))
    if existing is None:
        form = form_for(ProcedureForm)
    else:
        form = form_for(ProcedureForm, name=existing.name, field=existing.field)
        form.without_code()
    if form.validate_on_submit():
        procedure = _saved(form, lambda: manage.save_procedure(
            session, _me(), code=existing.code if existing else form.code.data, name=form.name.data,
            field=form.field.data, existing=existing,
        ), "procedure_saved")
        if procedure is not None:
            flash(_("Procedure %(code)s saved.", code=procedure.code), "success")
            return redirect(url_for("manage.procedures"))
    return render_template("manage/procedure_form.html", procedure=existing, form=form), status_of(form)


# ---------------------------------------------------------------- CSV / XLSX import
@bp.route("/import/<kind>", methods=["GET", "POST"])
@require_role("admin", "manager")
def import_file(kind: str) -> ResponseReturnValue:
    importer = IMPORTERS.get(kind)
    if importer is None:
        abort(404)
    if kind == "procedures" and _me().role != "admin":
        abort(403)  # the catalogue is shared by every unit
    form = ImportForm()
    errors: list[str] = []
    summary = None
    if form.validate_on_submit():
        upload = form.file.data
        session = get_session()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("upload" + Path(upload.filename).suffix.lower())
            upload.save(path)
            try:
                refused = manage.import_scope_errors(session, _me(), kind, path)
                if refused:
                    raise ImportRejected(refused)
                summary = importer(session, path)  # all or nothing; the request commits
            except ImportRejected as exc:
                session.rollback()
                errors = [str(e) for e in exc.errors]
        if summary is not None:
            audit.record(session, "import", user=_me(), target=kind, address_hash=address_hash(),
                         detail={"created": summary.created, "updated": summary.updated})
    status = 400 if errors else status_of(form)
    return render_template("manage/import.html", kind=kind, form=form, errors=errors, summary=summary), status
