"""Bearer authentication of API clients, their rate limit, and the audit of every call."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, request

from surveyapp.auth import address_hash
from surveyapp.db import get_session
from surveyapp.kiosk.auth import bearer_token
from surveyapp.kiosk.errors import api_error
from surveyapp.models import ApiClient
from surveyapp.services.accounts import audit
from surveyapp.services.integration.clients import client_for_secret
from surveyapp.timeutil import utc_now_naive


def current_client() -> ApiClient:
    return g.api_client


def client_required(view: Callable[..., Response]) -> Callable[..., Response]:
    """401 for a missing, unknown or revoked secret; 429 past the client's limit. Each call the
    client makes is audited (path, status, item counts), in the request's transaction."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        session = get_session()
        token = bearer_token()
        client = client_for_secret(session, token) if token else None
        if client is None:
            response = api_error(401, "unauthorized")
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        wait = current_app.extensions["api_client_limiter"].take(client.id)
        if wait:
            response = api_error(429, "rate_limited", retry_after=wait)
            response.headers["Retry-After"] = str(wait)
            return response
        g.api_client = client
        g.api_audit_detail = {}
        response = view(*args, **kwargs)
        client.last_used_at = utc_now_naive()
        detail = {"status": response.status_code, **g.api_audit_detail}
        audit.record(session, "api_call", username=f"api:{client.name}", target=f"{request.method} {request.path}",
                     detail=detail, address_hash=address_hash())
        return response

    return wrapper


def note_for_audit(**detail: Any) -> None:
    """Counts the view wants in its audit event (never a dossier code or a contact)."""
    g.api_audit_detail.update(detail)
