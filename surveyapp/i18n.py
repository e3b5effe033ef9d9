"""Language choice: Vietnamese by default, English on request; the CLI follows SURVEYAPP_LANG."""
from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel

from surveyapp.settings import cli_language

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        forced = g.get("forced_lang")
        if forced in languages:
            return str(forced)
        chosen = request.args.get("lang")
        if chosen is not None and chosen in languages:
            return chosen
        cookie = request.cookies.get(LANG_COOKIE)
        if cookie is not None and cookie in languages:
            return cookie
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    cli_lang = cli_language()
    return cli_lang if cli_lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def current_lang() -> str:
    return select_locale()


def remember_language(response: Response) -> Response:
    """A `?lang=` switch sticks for the rest of the visit (a cookie, so it works without JS)."""
    chosen = request.args.get("lang") or g.get("forced_lang")
    if chosen in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.after_request(remember_language)
    app.jinja_env.globals["current_lang"] = current_lang
