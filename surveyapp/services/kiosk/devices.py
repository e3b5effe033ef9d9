"""Kiosk devices: one-time pairing codes, device credentials, listing and revocation.

Secrets are shown once and stored only as SHA-256 hashes. A pairing code is short enough to
type on a tablet (8 digits), so it is one-time, expires, and the pairing endpoint is
rate-limited; the device credential it buys is a random 32-byte token.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from surveyapp.models import Counter, KioskDevice, KioskPairingCode
from surveyapp.timeutil import utc_now_naive

PAIRING_LIFETIME = timedelta(hours=24)
CODE_DIGITS = 8


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(text: str) -> str:
    """People type `1234 5678` or `1234-5678`; only the digits count."""
    return "".join(ch for ch in text if ch.isdigit())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class PairingCode:
    code: str  # formatted for reading out, e.g. 0427-9913
    record: KioskPairingCode


def create_pairing_code(session: Session, counter: Counter, lifetime: timedelta = PAIRING_LIFETIME) -> PairingCode:
    """A fresh one-time code for `counter`, valid for `lifetime`."""
    for _attempt in range(5):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        record = KioskPairingCode(
            code_hash=_hash(code), counter_id=counter.id, expires_at=utc_now_naive() + lifetime
        )
        try:
            with session.begin_nested():
                session.add(record)
        except IntegrityError:  # the same code is still stored (used or not): draw again
            continue
        return PairingCode(format_code(code), record)
    raise RuntimeError("could not draw an unused pairing code")


@dataclass(frozen=True)
class Paired:
    device: KioskDevice
    token: str  # the device credential, returned to the tablet once


def redeem_pairing_code(session: Session, code_text: str, app_version: str | None = None) -> Paired | None:
    """Spend a pairing code and create the device; None if the code is unknown, used or expired."""
    code = normalise_code(code_text)
    if len(code) != CODE_DIGITS:
        return None
    now = utc_now_naive()
    record = session.scalar(select(KioskPairingCode).where(KioskPairingCode.code_hash == _hash(code)))
    if record is None or record.used_at is not None or record.expires_at <= now:
        return None
    # The conditional UPDATE is the lock: of two tablets racing with one code, only one matches,
    # and the loser has written nothing.
    spent = cast(CursorResult[Any], session.execute(
        update(KioskPairingCode)
        .where(KioskPairingCode.id == record.id, KioskPairingCode.used_at.is_(None))
        .values(used_at=now)
    ))
    if spent.rowcount != 1:
        return None
    token = secrets.token_urlsafe(32)
    device = KioskDevice(
        counter_id=record.counter_id, token_hash=_hash(token), last_seen_at=now, app_version=app_version, backlog=0
    )
    session.add(device)
    session.flush()
    record.device_id = device.id
    session.flush()
    return Paired(device, token)


def device_for_token(session: Session, token: str) -> KioskDevice | None:
    """The device holding this credential (revoked ones included: the caller tells them apart)."""
    if not token:
        return None
    return session.scalar(
        select(KioskDevice).options(joinedload(KioskDevice.counter)).where(KioskDevice.token_hash == _hash(token))
    )


def note_seen(session: Session, device: KioskDevice, backlog: int | None, app_version: str | None) -> None:
    """Remember when the tablet last called and what it reported, for the device list."""
    device.last_seen_at = utc_now_naive()
    if backlog is not None:
        device.backlog = backlog
    if app_version:
        device.app_version = app_version[:32]


def list_devices(session: Session, include_revoked: bool = True) -> list[KioskDevice]:
    query = select(KioskDevice).options(joinedload(KioskDevice.counter)).order_by(KioskDevice.id)
    if not include_revoked:
        query = query.where(KioskDevice.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_device(session: Session, device_id: int) -> KioskDevice | None:
    """Refuse the device from now on; revoking twice keeps the first date."""
    device = session.get(KioskDevice, device_id)
    if device is None:
        return None
    if device.revoked_at is None:
        device.revoked_at = utc_now_naive()
        session.flush()
    return device


def all_counters(session: Session) -> list[Counter]:
    """Counters a tablet can be paired to, for the administrator's pairing form."""
    return list(session.scalars(select(Counter).options(joinedload(Counter.unit)).order_by(Counter.code)))
