"""Route handlers: parse the form, call surveyapp.services.organisation.manage / organisation, render.

Viewers read the lists; managers edit inside their subtree; administrators edit everything,
the procedure catalogue. CSV imports: administrators any; managers units and counters of their
subtree (every row is checked against the scope before the all-or-nothing import).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from surveyapp.auth import address_hash, can_manage_unit, login_required, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.manage import bp
from surveyapp.models import User
from surveyapp.services.accounts import audit
from surveyapp.services.organisation import manage
from surveyapp.services.accounts.accounts import scope_units
from surveyapp.services.organisation.imports import import_counters, import_procedures, import_units
from surveyapp.services.operations.tabular import ImportRejected

IMPORTERS = {"units": import_units, "counters": import_counters, "procedures": import_procedures}
UPLOAD_SUFFIXES = {".csv", ".xlsx"}


def _me() -> User:
    user = signed_in_user()
    assert user is not None  # guarded by login_required
    return user


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    return redirect(url_for("manage.units"))


# ---------------------------------------------------------------- units
@bp.get("/units")
@login_required
def units():  # type: ignore[no-untyped-def]
    session = get_session()
    return render_template("manage/units.html", units=scope_units(session, _me()),
                           responses=manage.response_counts_by_unit(session))


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<code>", methods=["GET", "POST"])
@require_role("admin", "manager")
def unit_form(code: str | None = None):  # type: ignore[no-untyped-def]
    session = get_session()
    me = _me()
    existing = None
    if code is not None:
        existing = manage.unit_by_code(session, code)
        if existing is None:
            abort(404)
        if not can_manage_unit(me, existing):
            abort(403)
    error = None
    if request.method == "POST":
        form = request.form
        try:
            unit = manage.save_unit(session, me, code=form.get("code", ""), name=form.get("name", ""),
                                    parent_code=form.get("parent_code", ""), existing=existing)
        except manage.ManageError as exc:
            session.rollback()
            error = str(exc.message)
        else:
            audit.record(session, "unit_saved", user=me, target=unit.code, address_hash=address_hash())
            flash(_("Unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("manage.units"))
    parents = [u for u in scope_units(session, me) if existing is None or not u.path.startswith(existing.path)]
    return render_template("manage/unit_form.html", unit=existing, parents=parents, error=error,
                           form=request.form), (400 if error else 200)


# ---------------------------------------------------------------- counters
@bp.get("/counters")
@login_required
def counters():  # type: ignore[no-untyped-def]
    return render_template("manage/counters.html", counters=manage.counters_in_scope(get_session(), _me()))


@bp.route("/counters/new", methods=["GET", "POST"])
@bp.route("/counters/<code>", methods=["GET", "POST"])
@require_role("admin", "manager")
def counter_form(code: str | None = None):  # type: ignore[no-untyped-def]
    session = get_session()
    me = _me()
    existing = None
    if code is not None:
        existing = manage.counter_by_code(session, code)
        if existing is None:
            abort(404)
        if not can_manage_unit(me, existing.unit):
            abort(403)
    error = None
    if request.method == "POST":
        form = request.form
        try:
            counter = manage.save_counter(session, me, code=form.get("code", ""), name=form.get("name", ""),
                                          unit_code=form.get("unit_code", ""), existing=existing)
        except manage.ManageError as exc:
            session.rollback()
            error = str(exc.message)
        else:
            audit.record(session, "counter_saved", user=me, target=counter.code, address_hash=address_hash())
            flash(_("Counter %(code)s saved.", code=counter.code), "success")
            return redirect(url_for("manage.counters"))
    return render_template("manage/counter_form.html", counter=existing, units=scope_units(session, me), error=error,
                           form=request.form), (400 if error else 200)


# ---------------------------------------------------------------- procedures
@bp.get("/procedures")
@login_required
def procedures():  # type: ignore[no-untyped-def]
    return render_template("manage/procedures.html", procedures=manage.all_procedures(get_session()))


@bp.route("/procedures/new", methods=["GET", "POST"])
@bp.route("/procedures/<code>", methods=["GET", "POST"])
@require_role("admin")
def procedure_form(code: str | None = None):  # type: ignore[no-untyped-def]
    session = get_session()
    existing = None
    if code is not None:
        existing = manage.procedure_by_code(session, code)
        if existing is None:
            abort(404)
    error = None
    if request.method == "POST":
        form = request.form
        try:
            procedure = manage.save_procedure(session, code=form.get("code", ""), name=form.get("name", ""),
                                              field=form.get("field", ""), existing=existing)
        except manage.ManageError as exc:
            session.rollback()
            error = str(exc.message)
        else:
            audit.record(session, "procedure_saved", user=_me(), target=procedure.code, address_hash=address_hash())
            flash(_("Procedure %(code)s saved.", code=procedure.code), "success")
            return redirect(url_for("manage.procedures"))
    return render_template("manage/procedure_form.html", procedure=existing, error=error,
                           form=request.form), (400 if error else 200)


# ---------------------------------------------------------------- CSV / XLSX import
@bp.route("/import/<kind>", methods=["GET", "POST"])
@require_role("admin", "manager")
def import_file(kind: str):  # type: ignore[no-untyped-def]
    importer = IMPORTERS.get(kind)
    if importer is None:
        abort(404)
    if kind == "procedures" and _me().role != "admin":
        abort(403)  # the catalogue is shared by every unit
    errors: list[str] = []
    summary = None
    if request.method == "POST":
        upload = request.files.get("file")
        suffix = Path(upload.filename or "").suffix.lower() if upload else ""
        if upload is None or not upload.filename:
            errors.append(_("Choose a file to import."))
        elif suffix not in UPLOAD_SUFFIXES:
            errors.append(_("Only .csv and .xlsx files can be imported."))
        else:
            session = get_session()
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / ("upload" + suffix)
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
    status = 400 if errors else 200
    return render_template("manage/import.html", kind=kind, errors=errors, summary=summary), status
