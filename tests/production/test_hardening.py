"""Security headers, the health check, rate limits on public submissions, and logs without
personal data."""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from surveyapp.logs import JsonFormatter
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.services.survey.tokens import mint_tokens
from tests.survey.helpers import full_answers

TEMPLATES = Path(__file__).resolve().parents[2] / "surveyapp" / "templates"


def test_pages_carry_a_strict_content_security_policy_and_frame_denial(client):
    page = client.get("/s/TT-Q01")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"


def test_no_template_contains_inline_script_or_event_handlers():
    assert list(TEMPLATES.rglob("*.html")), "templates found"
    offenders = []
    for template in [*TEMPLATES.rglob("*.html"), *(TEMPLATES.parents[1] / "kiosk").glob("*.html")]:
        html = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            # A JSON data block is never executed (CSP allows it); anything else must be a file.
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.name}: {tag}")
        if re.search(r"\son[a-z]+\s*=", html, flags=re.I) or "javascript:" in html.lower():
            offenders.append(f"{template.name}: inline event handler")
        if re.search(r"\sstyle\s*=", html, flags=re.I):
            offenders.append(f"{template.name}: style attribute (blocked by style-src 'self')")
    assert offenders == []


def test_health_reports_ok_when_the_database_answers(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok", "database": "ok"}


def test_health_reports_503_when_the_database_is_down(app, client, monkeypatch):
    from surveyapp.web import hardening

    class DeadEngine:
        def connect(self):
            raise OSError("connection refused")

    monkeypatch.setattr(hardening, "get_engine", lambda: DeadEngine())
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.get_json()["database"] == "unavailable"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "RATE_LIMIT_SUBMISSIONS": "3/600"}


def test_submissions_beyond_the_limit_get_a_friendly_429_in_vietnamese(client):
    for _ in range(3):
        assert client.post("/s/TT-Q01", data=full_answers()).status_code == 303
    refused = client.post("/s/TT-Q01", data=full_answers())
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    html = refused.get_data(as_text=True)
    assert '<html lang="vi">' in html and "429" in html
    # Another counter in the same office (same NAT address) has its own budget,
    # and reading the form is never limited.
    assert client.post("/s/TT-Q02", data=full_answers()).status_code == 303
    assert client.get("/s/TT-Q01").status_code == 200


def test_rate_limit_buckets_store_no_address(app, client, db):
    from sqlalchemy import select

    from surveyapp.models import RateLimitWindow

    client.post("/s/TT-Q01", data=full_answers(), environ_base={"REMOTE_ADDR": "203.0.113.77"})
    buckets = db.scalars(select(RateLimitWindow.bucket)).all()
    assert buckets and all("203.0.113" not in b for b in buckets)


def test_request_log_is_json_and_never_holds_the_token_or_answers(app, client, db):
    token = mint_tokens(db, counter_by_code(db, "TT-Q01"), 1, None)[0]
    handler = logging.Handler()
    lines: list[str] = []
    handler.emit = lambda record: lines.append(JsonFormatter().format(record))  # type: ignore[method-assign]
    logger = logging.getLogger("surveyapp")
    logger.addHandler(handler)
    try:
        client.get(f"/t/{token}")
        client.post(f"/t/{token}", data=full_answers(comment="Số điện thoại 0912345678"), environ_base={"REMOTE_ADDR": "198.51.100.23"})
    finally:
        logger.removeHandler(handler)
    requests = [json.loads(line) for line in lines if '"event": "request"' in line]
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [("GET", "/t/<token>", 200), ("POST", "/t/<token>", 303)]
    assert all(isinstance(r["pid"], int) and r["duration_ms"] >= 0 for r in requests)
    text = "\n".join(lines)
    assert token not in text and "0912345678" not in text and "198.51.100" not in text


def _make_new_connections_read_only(app) -> None:  # type: ignore[no-untyped-def]
    """Every connection opened from now on refuses writes, as a database on a full or
    read-only disk does (reads still work, which a `SELECT 1` alone would call healthy)."""
    from sqlalchemy import event

    from surveyapp.db import get_engine

    with app.app_context():
        engine = get_engine()

        def read_only(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            if engine.dialect.name == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                dbapi_connection.commit()  # a SET rolled back with its transaction would be undone
            cursor.close()

        event.listen(engine, "connect", read_only)
        engine.dispose()


def test_health_writes_a_row_each_time_it_is_asked(app, client, db):
    from sqlalchemy import select

    from surveyapp.models import HealthCheck

    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    db.expire_all()
    assert db.scalar(select(HealthCheck.writes)) == 2


def test_health_reports_503_with_a_reason_when_the_database_refuses_writes(app, client):
    _make_new_connections_read_only(app)
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.get_json() == {"status": "unavailable", "database": "unavailable", "reason": "database_write_failed"}
    assert reply.headers["Cache-Control"] == "no-store"


def test_health_names_an_unreachable_database(app, client, monkeypatch):
    from surveyapp.web import hardening

    class DeadEngine:
        def connect(self):
            raise OSError("connection refused")

    monkeypatch.setattr(hardening, "get_engine", lambda: DeadEngine())
    assert client.get("/healthz").get_json()["reason"] == "database_unavailable"
