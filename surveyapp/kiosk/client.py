"""Serving the kiosk client (the static files in `kiosk/`) at /kiosk/.

The service worker is served from /kiosk/sw.js so its default scope is /kiosk/. The app
shell, its strings and the definition are cached by that worker, so the counter keeps
working when the office network drops.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, redirect, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from surveyapp.kiosk.strings import ui_strings

bp = Blueprint("kiosk_client", __name__)

# Files of the client; anything else under /kiosk/ is a 404 (no directory browsing).
FILES = {
    "app.js": "text/javascript",
    "sw.js": "text/javascript",
    "styles.css": "text/css",
    "manifest.webmanifest": "application/manifest+json",
    "icon.svg": "image/svg+xml",
}


def _fresh(response: Response) -> Response:
    # Revalidate every time: the service worker decides what is served offline.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/kiosk")
def kiosk_no_slash() -> ResponseReturnValue:
    return redirect(url_for("kiosk_client.index"), 308)


@bp.get("/kiosk/")
def index() -> Response:
    return _fresh(send_from_directory(current_app.config["KIOSK_DIR"], "index.html", mimetype="text/html"))


@bp.get("/kiosk/i18n.json")
def strings() -> Response:
    """The tablet's own words in both languages, so the language toggle works offline."""
    body = {}
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            body[lang] = ui_strings()
    return _fresh(jsonify(body))


@bp.get("/kiosk/<name>")
def asset(name: str) -> Response:
    mimetype = FILES.get(name)
    if mimetype is None:
        from flask import abort

        abort(404)
    response = send_from_directory(current_app.config["KIOSK_DIR"], name, mimetype=mimetype)
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/kiosk/"
    return _fresh(response)
