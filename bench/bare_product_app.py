"""The product with two parts of the citizen's POST taken off, for the submission benchmark's
upper bound (bench/submission_path.py): no aggregates and no rate limit.

Everything else is the product's own code path: the session cookie, the CSRF check, the per-worker
look-up copies and their `lookup_generation` read, the validation, the response's INSERT and the
commit. Its req/s is what any redesign of the aggregates (a job folding them in behind a
watermark, say) and of the rate limiter could reach at best, measured beside the product and the
baseline in the same run. Never deployed: the aggregates of a database it writes to are wrong by
construction (`rebuild-aggregates --check` is run on the product's database only).

    GUNICORN_APP='bench.bare_product_app:create_app()' DATABASE_URL=... gunicorn --config gunicorn.conf.py
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session


def _no_tally(_session: Session, _response: Any) -> None:
    return None


def _only_the_response(session: Session, _pending: Any, first: tuple[str, Sequence[Any]] | None = None) -> None:
    # On PostgreSQL the response's INSERT travels with the aggregates' statement (`first`):
    # it is sent alone. On SQLite it was already inserted.
    if first is not None:
        session.connection().exec_driver_sql(first[0], tuple(first[1]))


def create_app() -> Flask:
    from surveyapp import create_app as create_product
    from surveyapp.services.survey import submission
    from surveyapp.web import hardening

    submission.tally_of_one = _no_tally  # type: ignore[assignment]
    submission.add_pending = _only_the_response  # type: ignore[assignment]
    app = create_product()
    app.before_request_funcs[None].remove(hardening._rate_limit)
    return app
