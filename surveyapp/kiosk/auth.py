"""Bearer authentication of kiosk devices, and their per-device rate limit."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request

from surveyapp.db import get_session
from surveyapp.kiosk.errors import api_error
from surveyapp.models import KioskDevice
from surveyapp.services.kiosk.devices import device_for_token


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_device() -> KioskDevice:
    return g.kiosk_device


def device_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 without a known credential, 403 for a revoked device, 429 past the device's limit."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        device = device_for_token(get_session(), token) if token else None
        if device is None:
            response = api_error(401, "unauthorized")
            response.headers["WWW-Authenticate"] = 'Bearer realm="kiosk"'
            return response
        if device.revoked:
            return api_error(403, "device_revoked")
        wait = current_app.extensions["kiosk_device_limiter"].take(device.id)
        if wait:
            response = api_error(429, "rate_limited", retry_after=wait)
            response.headers["Retry-After"] = str(wait)
            return response
        g.kiosk_device = device
        return view(*args, **kwargs)

    return wrapper
