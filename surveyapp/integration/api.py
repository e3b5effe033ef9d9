"""The one-stop software's JSON API under /api/v1/ (docs/INTEGRATION.md, docs/openapi.yaml).

Bearer-authenticated per client; a body is one object or a list; the answer is 200 with one
result per item, in the order posted, each with its own status and errors.
"""
from __future__ import annotations

import json
from collections import Counter as Tally
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from surveyapp.db import get_session
from surveyapp.integration.auth import client_required, current_client, note_for_audit
from surveyapp.kiosk.errors import api_error, http_error
from surveyapp.services.integration.dossiers import MAX_DOSSIERS, LinkSettings, post_dossiers
from surveyapp.services.integration.feedback import MAX_FEEDBACK, post_feedback
from surveyapp.services.integration.volumes import post_volumes
from surveyapp.textinput import clean_json

bp = Blueprint("integration_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(HTTPException, http_error)

MAX_VOLUMES = 500


def _items(limit: int) -> tuple[list[Any], Response | None]:
    """The posted object or list as a list, or the error reply for the whole request."""
    try:
        # Control characters removed from every string, as for every other input
        # (surveyapp/textinput.py): PostgreSQL cannot even compare a text with a NUL byte in it.
        body = clean_json(json.loads(request.get_data(cache=True)))
    except (ValueError, UnicodeDecodeError):
        return [], api_error(400, "malformed_json")
    items = body if isinstance(body, list) else [body]
    if not items:
        return [], api_error(400, "empty_request")
    if len(items) > limit:
        return [], api_error(413, "batch_too_large", limit=limit)
    return items, None


def _results(results: list[Any]) -> Response:
    note_for_audit(items=len(results), statuses=dict(sorted(Tally(str(r.status) for r in results).items())))
    response = jsonify({"results": [r.as_json() for r in results]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/dossiers")
@client_required
def dossiers() -> Response:
    items, problem = _items(MAX_DOSSIERS)
    if problem:
        return problem
    config = current_app.config
    links = LinkSettings(
        key=config["DOSSIER_KEY"], link_days=config["DOSSIER_LINK_DAYS"], base_url=config["PUBLIC_BASE_URL"],
        contact_key=config["CONTACT_KEY"],
    )
    return _results(post_dossiers(get_session(), current_client(), items, links))


@bp.post("/volumes")
@client_required
def volumes() -> Response:
    items, problem = _items(MAX_VOLUMES)
    if problem:
        return problem
    return _results(post_volumes(get_session(), current_client(), items))


@bp.post("/feedback")
@client_required
def feedback() -> Response:
    """Complaints and petitions for QĐ 766 (docs/INTEGRATION.md): per-item results as for dossiers."""
    items, problem = _items(MAX_FEEDBACK)
    if problem:
        return problem
    return _results(post_feedback(get_session(), current_client(), items, current_app.config["DOSSIER_KEY"]))
