"""A fixed-window rate limit shared by every gunicorn worker and app machine (it lives in the
database, which they all share: an in-process counter would give each worker its own budget).

A bucket is a keyed hash (HMAC with the app's secret) of the client address and the limited
target, so the database never holds a raw address. One upsert per limited request:
`INSERT ... ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits`, atomic on both databases,
in the transaction of the request it limits (see `hit`).
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from surveyapp.models import RateLimitWindow
from surveyapp.services import driver_sql
from surveyapp.settings import Rate as Limit  # RATE_LIMIT_SUBMISSIONS, parsed at start-up

# Written once as plain SQL (valid on SQLite >= 3.35 and PostgreSQL): building the ORM upsert on
# every submission cost more than running it.
_HIT = (
    f"INSERT INTO {RateLimitWindow.__tablename__} (bucket, window_start, hits) VALUES (?, ?, 1) "
    f"ON CONFLICT (bucket, window_start) DO UPDATE SET hits = {RateLimitWindow.__tablename__}.hits + 1 RETURNING hits"
)


_HITS = f"SELECT hits FROM {RateLimitWindow.__tablename__} WHERE bucket = ? AND window_start = ?"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def bucket_for(secret: str, address: str | None, target: str) -> str:
    message = f"{address or 'unknown'}|{target}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:48]


def hit(session: Session, bucket: str, limit: Limit, now: float | None = None) -> Verdict:
    """Count one request of the bucket in the current window and say whether it is allowed.

    The count is written in the caller's transaction, the one that stores what the request
    submits: when that transaction rolls back (a rejected or failed submission), the hit is
    forgotten with it. Until it ends, the bucket's row stays locked on PostgreSQL (SQLite:
    the write lock), so concurrent requests of one bucket are counted one after the other."""
    moment = time.time() if now is None else now
    window = int(moment // limit.seconds) * limit.seconds
    hits = int(driver_sql.scalar(session, _HIT, (bucket, window)))
    if hits == 1:  # first request of a new window: forget windows that ended long ago
        _forget_windows_before(session, window - 3600)
    return Verdict(allowed=hits <= limit.hits, retry_after=max(1, int(window + limit.seconds - moment)))


def already_spent(session: Session, bucket: str, limit: Limit, now: float | None = None) -> Verdict:
    """Whether the bucket's budget for the current window is already used up, read without
    counting or locking anything: lets a request be refused before any work, while the
    counting itself (`hit`) waits until the request is about to commit."""
    moment = time.time() if now is None else now
    window = int(moment // limit.seconds) * limit.seconds
    hits = driver_sql.scalar(session, _HITS, (bucket, window)) or 0
    return Verdict(allowed=int(hits) < limit.hits, retry_after=max(1, int(window + limit.seconds - moment)))


def _forget_windows_before(session: Session, start: int) -> None:
    # Every bucket's first request of a window gets here at about the same moment. Rows another
    # transaction is already deleting are skipped (PostgreSQL's SKIP LOCKED; SQLite has one
    # writer at a time and ignores it), so these requests never wait on, or deadlock with, each
    # other until their transactions end.
    key = (RateLimitWindow.bucket, RateLimitWindow.window_start)
    expired = select(*key).where(RateLimitWindow.window_start < start).with_for_update(skip_locked=True)
    session.execute(delete(RateLimitWindow).where(tuple_(*key).in_(expired)))
