"""What a public service needs around every request: security headers, a health check that
asks the database, rate limits on the public submission endpoints, and a JSON request log."""
from __future__ import annotations

import time

from flask import Flask, Response, abort, current_app, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from surveyapp import logs
from surveyapp.db import before_commit, commit_on_its_own, get_engine, get_session
from surveyapp.services.operations.health import record_health_write
from surveyapp.services.survey.ratelimit import already_spent, bucket_for, hit
from surveyapp.textinput import has_control_characters
from surveyapp.timeutil import utc_now_naive
from surveyapp.web.request import CleanedRequest

# No inline script anywhere (templates load /static/js files); the kiosk's service worker is
# a same-origin file. The poster's QR code is inline SVG markup, which CSP does not restrict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Public endpoints whose POSTs are limited, and what the limit is keyed on besides the address.
LIMITED_ENDPOINTS = {
    "survey.counter_survey": "counter_code", "survey.token_survey": None, "survey.dossier_survey": None
}


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:  # behind nginx: take the client address and scheme from X-Forwarded-* it sets
        # Flask types wsgi_app as a method, yet replacing it is its documented way to add WSGI middleware.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    logs.configure()
    # Query strings and form fields arrive without control characters (surveyapp/textinput.py).
    app.request_class = CleanedRequest
    app.before_request(_start_timer)
    app.before_request(_refuse_control_characters_in_the_path)
    app.before_request(_rate_limit)
    app.after_request(_security_headers)
    app.after_request(_log_request)
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    # Flask's own exception log names the URL (a token) and the exception's message (values the
    # database refused: answers, a comment): replaced by one that names neither (surveyapp/logs.py).
    app.log_exception = _log_exception  # type: ignore[method-assign]


def healthz() -> Response:
    """200 {"status": "ok", "database": "ok"} once a tiny write is committed; 503 with a
    `reason` when the database cannot be reached (`database_unavailable`) or refuses the write
    (`database_write_failed`: a full disk, a read-only file, a lock held too long)."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return _unhealthy("database_unavailable")
    try:
        commit_on_its_own(lambda session: record_health_write(session, utc_now_naive()))
    except Exception:  # noqa: BLE001 - the write is what a citizen's answer needs
        return _unhealthy("database_write_failed")
    response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


def _unhealthy(reason: str) -> Response:
    # The exception's text may quote the database's message; the reason code is enough.
    current_app.logger.warning("health check failed: %s", reason)
    response = jsonify(status="unavailable", database="unavailable", reason=reason)
    response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _refuse_control_characters_in_the_path() -> None:
    """No code, token or page name holds a control character: such a path names nothing (404),
    and must not reach a database look-up (PostgreSQL refuses a NUL byte with an error)."""
    if has_control_characters(request.path):
        abort(404)


def _rate_limit() -> None:
    """Count a POST to a public submission endpoint in the request's own transaction, as its
    last write before the commit (`db.before_commit`): the bucket's row is shared by everyone
    behind one address, so it is locked only for that moment, not while the view validates and
    stores; a request whose budget is already spent is refused at once (a read, no lock). A
    request that does not commit (the view keeps nothing: an invalid or refused
    submission, surveyapp/survey/routes.py) spends none of the budget; one over the limit is
    rolled back whole and answered 429."""
    if request.method != "POST" or request.endpoint not in LIMITED_ENDPOINTS:
        return
    arg = LIMITED_ENDPOINTS[request.endpoint]
    target = f"{request.endpoint}:{(request.view_args or {}).get(arg, '') if arg else ''}"
    limit = current_app.config["RATE_LIMIT_SUBMISSIONS"]
    bucket = bucket_for(current_app.config["SECRET_KEY"], request.remote_addr, target)
    spent = already_spent(get_session(), bucket, limit)
    if not spent.allowed:  # refused before any work, answers checked or not
        g.retry_after = spent.retry_after
        abort(429)

    def spend(session: Session) -> None:
        verdict = hit(session, bucket, limit)
        if not verdict.allowed:
            g.retry_after = verdict.retry_after
            raise TooManyRequests()

    before_commit(spend)


def _log_exception(exc_info: logs.ExcInfo) -> None:
    logs.log_exception(
        {
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule is not None else None,
            "endpoint": request.endpoint,
        },
        exc_info,
    )


def allow_framing_by(origins: tuple[str, ...] | list[str]) -> None:
    """Let this one reply be framed by `origins` (the public results pages, issue 14): its CSP
    names them in `frame-ancestors` and it carries no X-Frame-Options. Nothing given: the reply
    refuses frames like every other."""
    if origins:
        g.frame_ancestors = " ".join(origins)


def _security_headers(response: Response) -> Response:
    framing = g.get("frame_ancestors")
    for name, value in SECURITY_HEADERS.items():
        if framing and name == "X-Frame-Options":
            continue  # X-Frame-Options cannot name origins; the CSP below does
        if framing and name == "Content-Security-Policy":
            value = value.replace("frame-ancestors 'none'", f"frame-ancestors {framing}")
        response.headers.setdefault(name, value)
    hsts_seconds = current_app.config["HSTS_SECONDS"]
    if hsts_seconds:  # browsers ignore it over plain HTTP, so it is safe on every reply
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}")
    if response.status_code == 429 and "retry_after" in g:
        response.headers["Retry-After"] = str(g.retry_after)
    return response


def _log_request(response: Response) -> Response:
    if current_app.config["REQUEST_LOG"]:
        started = g.get("request_started")
        logs.log_request(
            {
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule is not None else None,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            }
        )
    return response
