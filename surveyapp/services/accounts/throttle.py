"""Slowing down password guessing, across gunicorn workers (the attempts live in the database).

Failures are counted over a sliding window under two keys, both about the account tried:

- the account and the client address together: one machine guessing one account's password
  gets a few free tries, then each further attempt must wait twice as long as the previous one
  (capped), so a person who mistypes is barely delayed while a guessing script gets a handful
  of tries an hour;
- the account alone, with more free tries: guessing spread over many addresses is slowed too.

There is no key for the address alone. Many officials share one address (a province office's
NAT), and failures at random or other usernames from that address must not lock them out of
their own accounts; a script that sprays usernames still meets each account's own limits, so
it gains nothing a per-address lock would have stopped (docs/DEPLOY.md, "Sign-in throttling").
Keys are keyed hashes: the database never holds a raw address or a typed username.
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
#: Free failures of one account from one address (a person mistyping their own password).
FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
#: Free failures of one account from every address together (guessing from many machines).
FREE_FAILURES_PER_ACCOUNT = 20
FIRST_DELAY_SECONDS = 15
MAX_DELAY_SECONDS = int(WINDOW.total_seconds())


@dataclass(frozen=True)
class ThrottleKeys:
    account: str
    account_and_address: str


def keyed_hash(secret: str, value: str, length: int = 40) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:length]


def keys_for(secret: str, username: str, address: str | None) -> ThrottleKeys:
    """The keys of a sign-in attempt. An unknown username gets keys like any other, so the
    throttle's answers never tell which accounts exist."""
    name = username.strip().lower()
    return ThrottleKeys(
        account=keyed_hash(secret, "user:" + name),
        account_and_address=keyed_hash(secret, "user+addr:" + name + "\x00" + (address or "unknown")),
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
        _wait_for(session, keys.account_and_address, FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS, now),
        _wait_for(session, keys.account, FREE_FAILURES_PER_ACCOUNT, now),
    )


def record_failure(session: Session, keys: ThrottleKeys, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.add_all([LoginAttempt(key=keys.account, at=now), LoginAttempt(key=keys.account_and_address, at=now)])
    # Old attempts serve no purpose: forget them (keeps the table tiny, and no long-term trail).
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - WINDOW))


def clear_account(session: Session, keys: ThrottleKeys) -> None:
    """A successful sign-in (the right password) forgives the account's failures."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_([keys.account, keys.account_and_address])))
