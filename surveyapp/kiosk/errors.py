"""The kiosk API's error replies: a JSON body `{"error": code, ...}` that is never cached.

Shared by the API's views, its bearer authentication and the site-wide error handler (for
routing errors under /api/), so none of them imports another for it.
"""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

HTTP_ERROR_CODES = {400: "malformed_request", 404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}


def api_error(status: int, code: str, **extra: Any) -> Response:
    response = jsonify({"error": code, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def http_error(error: HTTPException) -> Response:
    """An HTTP error Flask raised (404, 405, 413, ...) as the API's JSON error."""
    status = error.code or 500
    response = api_error(status, HTTP_ERROR_CODES.get(status, "http_error"))
    for key, value in error.get_headers():
        if key.lower() != "content-type":  # e.g. `Allow` on a 405
            response.headers[key] = value
    return response
