"""The baseline of the submission benchmark: the least a Flask endpoint can do for the same POST.

One route, `POST /s/<counter>`: read the same urlencoded questionnaire, turn it into the same
JSON answers payload the product stores, INSERT one row of the same shape as `response`
(uid, definition, unit, counter, procedure, channel, language, time, month, answers JSON,
comment) into the same kind of database, commit, answer `303 See Other` to /thanks.
No CSRF check, no validation, no ORM, no rate limit, no aggregates: one plain DB-API insert
per request on one connection per worker process.

Served by the same gunicorn settings as the product:
    GUNICORN_APP='bench.baseline_app:create_app()' BASELINE_DATABASE_URL=sqlite:////tmp/b.sqlite \
        gunicorn --config gunicorn.conf.py
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask, redirect, request

SCORES = [f"TC{i:02d}" for i in range(1, 23)]
SINGLE = ("procedure", "submit_channel", "receive_channel", "trips", "slip", "ontime", "apology",
          "harassment", "extra_payment", "overall", "respondent_type", "gender", "age_group")

CREATE = """
CREATE TABLE IF NOT EXISTS response (
    id {pk},
    uid VARCHAR(64) NOT NULL UNIQUE,
    definition_id VARCHAR(64) NOT NULL,
    definition_version INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    counter_id INTEGER,
    procedure_id INTEGER,
    channel VARCHAR(16) NOT NULL,
    language VARCHAR(8) NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    month VARCHAR(7) NOT NULL,
    answers {json} NOT NULL,
    comment TEXT
)
"""
INSERT = (
    "INSERT INTO response (uid, definition_id, definition_version, unit_id, counter_id, procedure_id, channel, "
    "language, submitted_at, month, answers, comment) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})"
)


class _Db:
    """One connection per worker process, opened lazily after gunicorn's fork."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.local = threading.local()
        self.postgres = url.startswith("postgresql")
        self.insert = INSERT.format(p="%s" if self.postgres else "?")

    def connection(self):  # type: ignore[no-untyped-def]
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.postgres:
                import psycopg

                conn = psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"))
            else:
                conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10)
                # The product's pragmas (surveyapp/db.py), so both write the same way.
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute("PRAGMA synchronous=NORMAL")
            self.local.conn = conn
        return conn

    def create(self) -> None:
        conn = self.connection()
        if self.postgres:
            conn.execute(CREATE.format(pk="SERIAL PRIMARY KEY", json="JSON"))
        else:
            conn.execute(CREATE.format(pk="INTEGER PRIMARY KEY", json="JSON"))
        conn.commit()
        conn.close()
        self.local.conn = None


def create_app() -> Flask:
    app = Flask(__name__)
    db = _Db(os.environ["BASELINE_DATABASE_URL"])
    app.extensions["baseline_db"] = db

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return {"status": "ok"}

    @app.get("/thanks")
    def thanks() -> str:
        return "thanks"

    @app.post("/s/<counter_code>")
    def submit(counter_code: str):  # type: ignore[no-untyped-def]
        form = request.form
        answers: dict[str, object] = {}
        for key in SCORES:
            value = form.get(key)
            if value:
                answers[key] = int(value) if value.isdigit() else "na"
        for key in SINGLE:
            value = form.get(key)
            if value:
                answers[key] = int(value) if key == "overall" else value
        answers["expect"] = form.getlist("expect")
        now = datetime.now(UTC).replace(tzinfo=None)
        local = now + timedelta(hours=7)
        conn = db.connection()
        conn.execute(
            db.insert,
            (uuid.uuid4().hex, "sipas-full", 1, 1, 1, None, "qr", "vi", now, f"{local:%Y-%m}",
             json.dumps(answers, ensure_ascii=False), form.get("comment") or None),
        )
        conn.commit()
        return redirect("/thanks", 303)

    return app


if __name__ == "__main__":  # create the table: python -m bench.baseline_app
    _Db(os.environ["BASELINE_DATABASE_URL"]).create()
