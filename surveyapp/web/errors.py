"""Friendly error pages in the visitor's language."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        titles = {
            400: _("The request could not be understood"),
            403: _("You do not have access to this page"),
            404: _("Page not found"),
            405: _("This action is not allowed here"),
            413: _("What you sent is too large"),
            429: _("Too many requests; please wait a moment"),
        }
        title = titles.get(error.code or 500, _("Something went wrong"))
        return render_template("error.html", title=title, code=error.code), error.code or 500
