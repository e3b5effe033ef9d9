"""Sign-in and sign-out (`/login`, field names `username` and `password` are a contract).

The `auth` blueprint defined here also carries the account pages of `admin.py`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from surveyapp.auth import address_hash, end_session, signed_in_user, start_session
from surveyapp.auth.forms import LoginForm
from surveyapp.db import get_session
from surveyapp.services.accounts import audit, throttle
from surveyapp.services.accounts.accounts import LoginOutcome, authenticate, revoke_sessions

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: `next` must never send an official to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_url = _safe_next(request.values.get("next"))
    form = LoginForm()
    if not form.is_submitted():
        if signed_in_user() is not None:
            return redirect(next_url or url_for("dashboard.index"))
        return render_template("auth/login.html", form=form, next_url=next_url, expired=bool(g.get("session_expired")))
    if not form.validate():
        return render_template("auth/login.html", form=form, next_url=next_url), 400

    username, password = form.username.data, form.password.data
    session = get_session()
    keys = throttle.keys_for(current_app.config["SECRET_KEY"], username, request.remote_addr)
    result = authenticate(session, username, password, keys)
    if result.outcome is LoginOutcome.OK and result.user is not None:
        audit.record(session, "login", user=result.user, address_hash=address_hash())
        start_session(result.user)
        return redirect(next_url or url_for("dashboard.index"))

    if result.outcome is LoginOutcome.THROTTLED:
        audit.record(session, "login_throttled", username=username, address_hash=address_hash())
        message = _(
            "Too many failed sign-ins. Please wait %(seconds)d seconds and try again.", seconds=result.retry_after
        )
        response = current_app.make_response(
            (render_template("auth/login.html", form=form, next_url=next_url, error=message), 429)
        )
        response.headers["Retry-After"] = str(result.retry_after)
        return response

    audit.record(session, "login_failed", user=None, username=username, address_hash=address_hash())
    # The same message whether the name or the password was wrong: no account discovery.
    message = _("Wrong username or password.")
    return render_template("auth/login.html", form=form, next_url=next_url, error=message), 401


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    user = signed_in_user()
    if user is not None:
        session = get_session()
        audit.record(session, "logout", user=user, address_hash=address_hash())
        # Server-side: the cookie (and any copy of it) is refused from now on, on every device.
        revoke_sessions(user)
    end_session()
    return redirect(url_for("auth.login"))
