"""A fixed-window rate limit shared by every gunicorn worker and app machine (it lives in the
database, which they all share: an in-process counter would give each worker its own budget).

A bucket is a keyed hash (HMAC with the app's secret) of the client address and the limited
target, so the database never holds a raw address. One upsert per limited request:
`INSERT ... ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits`, atomic on both databases.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from surveyapp.models import RateLimitWindow
from surveyapp.settings import Rate as Limit  # RATE_LIMIT_SUBMISSIONS, parsed at start-up


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def bucket_for(secret: str, address: str | None, target: str) -> str:
    message = f"{address or 'unknown'}|{target}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:48]


def hit(engine: Engine, bucket: str, limit: Limit, now: float | None = None) -> Verdict:
    """Count one request of the bucket in the current window and say whether it is allowed."""
    moment = time.time() if now is None else now
    window = int(moment // limit.seconds) * limit.seconds
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    table = RateLimitWindow.__table__
    stmt = insert(table).values(bucket=bucket, window_start=window, hits=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["bucket", "window_start"], set_={"hits": table.c.hits + 1}
    ).returning(table.c.hits)
    with engine.begin() as connection:
        hits = int(connection.execute(stmt).scalar_one())
        if hits == 1:  # first request of a new window: forget windows that ended long ago
            connection.execute(delete(table).where(table.c.window_start < window - 3600))
    return Verdict(allowed=hits <= limit.hits, retry_after=max(1, int(window + limit.seconds - moment)))
