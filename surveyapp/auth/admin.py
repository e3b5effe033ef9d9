"""Account management for administrators, and the audit log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from surveyapp.audit_labels import action_choices
from surveyapp.auth import address_hash, require_role, signed_in_user, start_session
from surveyapp.auth.forms import AUDIT_FILTER_ACTIONS, AccountForm, AuditFilterForm, NewAccountForm
from surveyapp.auth.routes import bp
from surveyapp.db import get_session
from surveyapp.models import ROLES, Unit, User
from surveyapp.services.accounts import accounts, audit
from surveyapp.services.accounts.accounts import AccountError
from surveyapp.web.forms import form_for, show_refusal, status_of


def _me() -> User:
    user = signed_in_user()
    assert user is not None  # guarded by require_role
    return user


def _all_units() -> list[Unit]:
    return accounts.scope_units(get_session(), _me())


@bp.route("/admin/users", methods=["GET", "POST"])
@require_role("admin")
def users() -> ResponseReturnValue:
    session = get_session()
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(session, form.username.data, form.password.data, form.role.data,
                                        form.unit.data or None, form.full_name.data or "")
        except AccountError as refusal:
            session.rollback()
            show_refusal(form, refusal)
        else:
            audit.record(
                session,
                "user_created",
                user=_me(),
                target=user.username,
                detail={"role": user.role, "unit": user.unit.code if user.unit else None},
                address_hash=address_hash(),
            )
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/users.html", users=accounts.all_users(session), units=_all_units(), roles=ROLES,
                           form=form), status_of(form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require_role("admin")
def edit_user(user_id: int) -> ResponseReturnValue:
    session = get_session()
    user = accounts.user_by_id(session, user_id)
    if user is None:
        abort(404)
    form = form_for(AccountForm, full_name=user.full_name, role=user.role, unit=user.unit.code if user.unit else "",
                    active=user.active, email=user.email or "")
    if form.validate_on_submit():
        me = _me()
        new_password = form.password.data
        try:
            accounts.update_user(session, user, changed_by=me, role=form.role.data, unit_code=form.unit.data or None,
                                 active=form.active.data, full_name=form.full_name.data or "")
            accounts.set_email(user, form.email.data)
            if new_password:
                accounts.set_password(user, new_password)
                audit.record(session, "password_changed", user=me, target=user.username, address_hash=address_hash())
        except AccountError as refusal:
            session.rollback()
            show_refusal(form, refusal)
        else:
            audit.record(
                session,
                "user_updated",
                user=me,
                target=user.username,
                detail={"role": user.role, "unit": user.unit.code if user.unit else None, "active": user.active},
                address_hash=address_hash(),
            )
            if user.id == me.id and new_password:
                start_session(user)  # keep the administrator signed in after changing their own password
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    page = render_template("auth/user_edit.html", user=user, units=_all_units(), roles=ROLES, form=form)
    return page, status_of(form)


@bp.get("/admin/audit")
@require_role("admin")
def audit_log() -> ResponseReturnValue:
    form = AuditFilterForm()
    session = get_session()
    events = audit.recent_events(session, chosen=form.chosen(), limit=300)
    return render_template("auth/audit.html", events=events, form=form, usernames=audit.audit_usernames(session),
                           actions=action_choices(AUDIT_FILTER_ACTIONS))
