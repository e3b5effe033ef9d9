"""Account management for administrators, and the audit log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.auth.routes import bp
from surveyapp.db import get_session
from surveyapp.models import ROLES
from surveyapp.services.accounts import accounts
from surveyapp.services.accounts import audit
from surveyapp.services.accounts.accounts import AccountError


def _all_units():  # type: ignore[no-untyped-def]
    return accounts.scope_units(get_session(), signed_in_user())  # type: ignore[arg-type]


@bp.route("/admin/users", methods=["GET", "POST"])
@require_role("admin")
def users():  # type: ignore[no-untyped-def]
    session = get_session()
    error = None
    form = request.form
    if request.method == "POST":
        try:
            user = accounts.create_user(
                session, form.get("username", ""), form.get("password", ""), form.get("role", ""),
                form.get("unit") or None, form.get("full_name", ""),
            )
        except AccountError as exc:
            session.rollback()
            error = str(exc.message)
        else:
            audit.record(session, "user_created", user=signed_in_user(), target=user.username,
                         detail={"role": user.role, "unit": user.unit.code if user.unit else None}, address_hash=address_hash())
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/users.html", users=accounts.all_users(session), units=_all_units(), roles=ROLES,
                           error=error, form=form), (400 if error else 200)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require_role("admin")
def edit_user(user_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    user = accounts.user_by_id(session, user_id)
    if user is None:
        abort(404)
    error = None
    if request.method == "POST":
        form = request.form
        me = signed_in_user()
        try:
            active = form.get("active") == "1"
            if me is not None and user.id == me.id and (not active or form.get("role") != "admin"):
                raise AccountError(_("You cannot remove your own administrator access."))
            accounts.update_user(session, user, role=form.get("role", ""), unit_code=form.get("unit") or None,
                                 active=active, full_name=form.get("full_name", ""))
            if form.get("password"):
                accounts.set_password(user, form["password"])
                audit.record(session, "password_changed", user=me, target=user.username, address_hash=address_hash())
        except AccountError as exc:
            session.rollback()
            error = str(exc.message)
        else:
            audit.record(session, "user_updated", user=me, target=user.username,
                         detail={"role": user.role, "unit": user.unit.code if user.unit else None, "active": user.active},
                         address_hash=address_hash())
            if me is not None and user.id == me.id and form.get("password"):
                from surveyapp.auth import start_session

                start_session(user)  # keep the administrator signed in after changing their own password
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    form = request.form if request.method == "POST" else None
    return render_template("auth/user_edit.html", user=user, units=_all_units(), roles=ROLES, error=error,
                           form=form), (400 if error else 200)


@bp.get("/admin/audit")
@require_role("admin")
def audit_log():  # type: ignore[no-untyped-def]
    action = request.args.get("action") or None
    if action not in (None, *audit.ACTIONS):
        action = None
    events = audit.recent_events(get_session(), action=action, limit=300)
    return render_template("auth/audit.html", events=events, actions=audit.ACTIONS, action=action)
