"""Is PUBLIC_BASE_URL one that citizens' phones can reach?

Posters and slips print QR codes of PUBLIC_BASE_URL. Left at its default (`http://127.0.0.1:5000`)
or set to `localhost`, every code points at the phone itself. That is worth a warning when the
site is visibly served on another address (the request's host is not a loopback one), or in
production mode: not debug, not testing, and a SECRET_KEY other than the development default
(the deployment guide makes setting it the first step). The warning shows on posters, slip
sheets and every officials' page, and one log line says it at start-up (production) or on the
first request that reveals it.
"""
from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _

from surveyapp.settings import BY_NAME

logger = logging.getLogger("surveyapp.public_url")
_LOGGED = "public_url_logged"  # app.extensions key: the one log line is written once per process


def is_loopback_host(host: str | None) -> bool:
    """`localhost`, `127.x.x.x`, `::1`, `0.0.0.0` and the like (an empty host too)."""
    name = (host or "").strip("[]").lower()
    if not name or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def is_production(app: Flask) -> bool:
    return not app.debug and not app.testing and app.config["SECRET_KEY"] != BY_NAME["SECRET_KEY"].default


def _request_host() -> str | None:
    return urlsplit(f"//{request.host}").hostname if has_request_context() else None


def base_url_problem(app: Flask) -> str | None:
    """"production" or "elsewhere" when the QR codes would point at the reader's own device;
    None when PUBLIC_BASE_URL is a real address (or everything runs on this one machine)."""
    if not is_loopback_host(urlsplit(app.config["PUBLIC_BASE_URL"]).hostname):
        return None
    if is_production(app):
        return "production"
    host = _request_host()
    if host is not None and not is_loopback_host(host):
        return "elsewhere"
    return None


def _log_once(app: Flask, problem: str) -> None:
    if app.extensions.get(_LOGGED):
        return
    app.extensions[_LOGGED] = True
    logger.warning("public_base_url", extra={"fields": {
        "event": "public_base_url_unreachable", "problem": problem, "public_base_url": app.config["PUBLIC_BASE_URL"],
        "msg": "PUBLIC_BASE_URL points at this machine: QR codes on posters and slips will not open on phones; "
               "set PUBLIC_BASE_URL to the site's public address (docs/DEPLOY.md)",
    }})


def warning_text() -> str | None:
    """The warning of the current page, in its language, or None (a Jinja global)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    problem = base_url_problem(app)
    if problem is None:
        return None
    _log_once(app, problem)
    return _("Warning: QR codes and survey links point to %(url)s, an address of this computer only; citizens' "
             "phones cannot open them. Do not print posters or slips until the administrator sets "
             "PUBLIC_BASE_URL to the site's public address.", url=app.config["PUBLIC_BASE_URL"])


def init_app(app: Flask) -> None:
    app.jinja_env.globals["public_url_warning"] = warning_text
    if base_url_problem(app) == "production":
        _log_once(app, "production")
