"""The kiosk's JSON API under /api/ (described in docs/openapi.yaml, served at /api/openapi.yaml).

Handlers parse the request, call the kiosk services and answer JSON; every error, including
the ones Flask raises itself inside these views, is a JSON body `{"error": code, ...}`.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, send_file
from werkzeug.exceptions import HTTPException

from analysis.sipas import KIOSK_FORM_ID
from surveyapp.db import get_session
from surveyapp.kiosk.auth import current_device, device_required
from surveyapp.kiosk.errors import api_error, http_error
from surveyapp.models import Counter, KioskDevice
from surveyapp.services.kiosk.devices import note_seen, redeem_pairing_code
from surveyapp.services.kiosk.intake import IntakeLimits, intake_batch, json_int
from surveyapp.services.survey.definitions import current_definition
from surveyapp.timeutil import utc_now_naive
from surveyapp.web.jsonbody import parse_json_body

bp = Blueprint("kiosk_api", __name__, url_prefix="/api")

BATCH_FIELDS = {"responses", "backlog", "app_version"}
#: A pairing body is a code and a version: anyone may post it, so it is read only when this small.
PAIR_MAX_BYTES = 1024


bp.register_error_handler(HTTPException, http_error)


def _json_body(max_bytes: int | None = None) -> tuple[Any, Response | None]:
    """The parsed body, or a JSON error: 400 malformed or nested too deep, 413 past `max_bytes`
    (and past MAX_CONTENT_LENGTH, from Werkzeug)."""
    body, refusal = parse_json_body(request.get_data(cache=True), max_bytes=max_bytes)
    if refusal is not None:
        return None, api_error(refusal.status, refusal.code)
    return body, None


def _counter_json(counter: Counter) -> dict[str, Any]:
    return {"code": counter.code, "name": counter.name, "unit": counter.unit.name}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.yaml")
def openapi() -> Response:
    return send_file(Path(current_app.config["OPENAPI_PATH"]), mimetype="application/yaml", max_age=0)


@bp.post("/kiosk/pair")
def pair() -> Response:
    wait = current_app.extensions["kiosk_pair_limiter"].take(request.remote_addr or "?")
    if wait:
        response = api_error(429, "rate_limited", retry_after=wait)
        response.headers["Retry-After"] = str(wait)
        return response
    body, problem = _json_body(max_bytes=PAIR_MAX_BYTES)
    if problem:
        return problem
    if not isinstance(body, dict) or not isinstance(body.get("code"), str) or len(body["code"]) > 32:
        return api_error(400, "invalid_request", errors=[{"field": "code", "code": "required"}])
    if "app_version" in body and not _short_text(body["app_version"]):
        return api_error(400, "invalid_request", errors=[{"field": "app_version", "code": "invalid"}])
    paired = redeem_pairing_code(get_session(), body["code"], body.get("app_version"))
    if paired is None:
        return api_error(403, "invalid_pairing_code")
    device = paired.device
    response = jsonify({"device_id": device.id, "token": paired.token, "counter": _counter_json(device.counter)})
    response.status_code = 201
    return _no_store(response)


def _settings() -> dict[str, int]:
    config = current_app.config
    return {
        "idle_seconds": config["KIOSK_IDLE_SECONDS"],
        "thanks_seconds": config["KIOSK_THANKS_SECONDS"],
        "max_batch": config["KIOSK_MAX_BATCH"],
    }


@bp.get("/kiosk/definition")
@device_required
def definition() -> Response:
    session = get_session()
    device: KioskDevice = current_device()
    found = current_definition(session, KIOSK_FORM_ID)
    if found is None:
        return api_error(503, "definition_not_loaded")
    record, _parsed = found
    body = {
        "id": record.definition_id,
        "version": record.version,
        "definition": record.body,
        "device_id": device.id,
        "counter": _counter_json(device.counter),
        "settings": _settings(),
    }
    note_seen(session, device, None, None)
    return _no_store(jsonify(body))


def _batch_problems(body: Any) -> list[dict[str, str]]:
    if not isinstance(body, dict):
        return [{"field": "", "code": "invalid"}]
    problems = [{"field": str(key), "code": "unknown_field"} for key in sorted(set(body) - BATCH_FIELDS)]
    if not isinstance(body.get("responses"), list):
        problems.append({"field": "responses", "code": "required" if "responses" not in body else "invalid"})
    if "backlog" in body:
        backlog = json_int(body["backlog"])
        if backlog is None or not 0 <= backlog <= 1_000_000:
            problems.append({"field": "backlog", "code": "invalid"})
    if "app_version" in body and not _short_text(body["app_version"]):
        problems.append({"field": "app_version", "code": "invalid"})
    return problems


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 32


@bp.post("/kiosk/responses")
@device_required
def responses() -> Response:
    body, problem = _json_body()
    if problem:
        return problem
    problems = _batch_problems(body)
    if problems:
        return api_error(400, "invalid_batch", errors=problems)
    items = body["responses"]
    limit = current_app.config["KIOSK_MAX_BATCH"]
    if len(items) > limit:
        return api_error(413, "batch_too_large", limit=limit)
    config = current_app.config
    limits = IntakeLimits(
        comment_limit=config["COMMENT_MAX_LENGTH"],
        max_age=timedelta(days=config["KIOSK_MAX_AGE_DAYS"]),
        clock_skew=timedelta(seconds=config["KIOSK_CLOCK_SKEW_SECONDS"]),
    )
    session = get_session()
    device: KioskDevice = current_device()
    results = intake_batch(session, device, items, limits)
    backlog = json_int(body["backlog"]) if "backlog" in body else None
    # Every item got a final answer, so what stays queued is what was queued minus this batch.
    remaining = max(0, backlog - len(items)) if backlog is not None else None
    note_seen(session, device, remaining, body.get("app_version"))
    counts = {
        status: sum(1 for r in results if r.status == status)
        for status in ("stored", "duplicate", "conflict", "rejected")
    }
    return _no_store(
        jsonify(
            {
                "results": [r.as_json() for r in results],
                **counts,
                "server_time": utc_now_naive().isoformat(timespec="seconds") + "Z",
            }
        )
    )
