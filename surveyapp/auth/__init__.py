"""Officials' sign-in, sessions that expire, roles and the unit scope. Reusable by any blueprint:

    from surveyapp.auth import login_required, require_role, current_user, can_see_unit

    @bp.get("/pairing")
    @require_role("admin")
    def pairing(): ...

Roles: `admin` (everything, and accounts), `manager` (reads and manages its unit's subtree),
`viewer` (reads its unit's subtree). The scope rule is a unit path prefix (`Unit.path`).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from werkzeug.local import LocalProxy

from surveyapp.db import get_session
from surveyapp.models import Unit, User
from surveyapp.services.accounts import accounts
from surveyapp.services.accounts.throttle import keyed_hash

F = TypeVar("F", bound=Callable[..., Any])


def _get_user() -> User | None:
    return g.get("user")


#: The signed-in official, or None (a proxy, like flask-login's).
current_user: User | None = cast("User | None", LocalProxy(_get_user))


def signed_in_user() -> User | None:
    """The real User object (not the proxy), for passing to services."""
    return g.get("user")


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def require_role(*roles: str) -> Callable[[F], F]:
    """Signed in, and one of `roles` (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = g.get("user")
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def can_see_unit(user: User | None, unit: Unit | None) -> bool:
    return user is not None and unit is not None and accounts.unit_in_scope(user, unit)


def can_manage_unit(user: User | None, unit: Unit | None) -> bool:
    """The rule of surveyapp.services.accounts.accounts.can_manage_unit, for views and templates."""
    return user is not None and unit is not None and accounts.can_manage_unit(user, unit)


def address_hash() -> str:
    """A short keyed hash of the client address, for the audit log (never the raw IP)."""
    return keyed_hash(current_app.config["SECRET_KEY"], "audit:" + (request.remote_addr or ""), 16)


def start_session(user: User) -> None:
    session.clear()  # a fresh session on sign-in: no fixation of a pre-login session
    session.permanent = True
    now = int(time.time())
    session.update(uid=user.id, sv=user.session_version, auth_at=now, seen_at=now)


def end_session() -> None:
    session.clear()


def _load_user() -> None:
    """Before each request: the official of this session, unless it expired or was revoked."""
    g.user = None
    user_id = session.get("uid")
    if user_id is None:
        return
    now = int(time.time())
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if now - session.get("auth_at", 0) > lifetime or now - session.get("seen_at", 0) > idle:
        session.clear()
        g.session_expired = True
        return
    user = accounts.user_by_id(get_session(), int(user_id))
    if user is None or not user.active or user.session_version != session.get("sv"):
        session.clear()
        return
    g.user = user
    # Refresh the idle clock at most once a minute (each refresh re-sends the cookie).
    if now - session.get("seen_at", 0) >= 60:
        session["seen_at"] = now


def init_app(app: Flask) -> None:
    """Who is signed in, before every request; the session's lengths are settings
    (PERMANENT_SESSION_LIFETIME, SESSION_IDLE_MINUTES). The pages are the `auth` blueprint."""
    app.before_request(_load_user)
    app.jinja_env.globals.update(current_user=current_user, can_manage_unit=can_manage_unit)
