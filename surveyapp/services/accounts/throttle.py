"""Slowing down password guessing, across gunicorn workers (the attempts live in the database).

Failures are counted per username and per client address over a sliding window. Past a few
free failures each further attempt must wait twice as long as the previous one (capped), so
a person who mistypes is barely delayed while a guessing script gets a handful of tries an hour.
Keys are keyed hashes: the database never holds a raw address.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from surveyapp.models import LoginAttempt
from surveyapp.models.base import utcnow

WINDOW = timedelta(minutes=15)
FREE_FAILURES_PER_USERNAME = 5
FREE_FAILURES_PER_ADDRESS = 20
FIRST_DELAY_SECONDS = 15
MAX_DELAY_SECONDS = int(WINDOW.total_seconds())


@dataclass(frozen=True)
class ThrottleKeys:
    username: str
    address: str


def keyed_hash(secret: str, value: str, length: int = 40) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:length]


def keys_for(secret: str, username: str, address: str | None) -> ThrottleKeys:
    return ThrottleKeys(
        username=keyed_hash(secret, "user:" + username.strip().lower()),
        address=keyed_hash(secret, "addr:" + (address or "unknown")),
    )


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after the last failure, given the failures in the window."""
    if failures < free:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - free), MAX_DELAY_SECONDS)


def _wait_for(session: Session, key: str, free: int, now: datetime) -> int:
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(LoginAttempt.key == key, LoginAttempt.at > now - WINDOW)
    ).one()
    if not count or last is None:
        return 0
    remaining = (last + timedelta(seconds=delay_after(int(count), free)) - now).total_seconds()
    return max(0, math.ceil(remaining))


def seconds_to_wait(session: Session, keys: ThrottleKeys, now: datetime | None = None) -> int:
    """0 when a sign-in may be tried now, else how long to wait."""
    now = now or utcnow()
    return max(
        _wait_for(session, keys.username, FREE_FAILURES_PER_USERNAME, now),
        _wait_for(session, keys.address, FREE_FAILURES_PER_ADDRESS, now),
    )


def record_failure(session: Session, keys: ThrottleKeys, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.add_all([LoginAttempt(key=keys.username, at=now), LoginAttempt(key=keys.address, at=now)])
    # Old attempts serve no purpose: forget them (keeps the table tiny, and no long-term trail).
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - WINDOW))


def clear_username(session: Session, keys: ThrottleKeys) -> None:
    """A successful sign-in forgives the account's failures (the address keeps its count)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys.username))
