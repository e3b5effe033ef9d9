"""Friendly error pages in the visitor's language."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from surveyapp.kiosk.errors import http_error as api_http_error


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        titles = {
            400: _("The request could not be understood"),
            403: _("You do not have access to this page"),
            404: _("Page not found"),
            405: _("This action is not allowed here"),
            413: _("What you sent is too large"),
            429: _("Too many requests; please wait a moment"),
        }
        title = titles.get(error.code or 500, _("Something went wrong"))
        if request.path.startswith("/api/"):  # routing errors of the JSON API answer JSON too
            return api_http_error(error)
        # Keep what the error says beyond its page, e.g. `Allow` on a 405 (RFC 9110).
        headers = [(key, value) for key, value in error.get_headers() if key.lower() != "content-type"]
        # A page may say why it is not found (a malformed report period): text we wrote, escaped.
        explain = getattr(error, "reason", None)
        reason = explain() if callable(explain) else None
        return render_template("error.html", title=title, code=error.code, reason=reason), error.code or 500, headers
