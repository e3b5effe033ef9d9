"""API clients of integrating systems: creation, listing, rotation, revocation, look-up.

A secret is shown once (to the command or the admin page that made it) and stored only as its
SHA-256: 32 random bytes need no slow hash, and a copy of the database cannot call the API.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from surveyapp.models import ApiClient, Unit
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.timeutil import utc_now_naive

NAME_MAX = 64


class ClientError(Exception):
    """A refused change, with the field it is about (for the admin page's form)."""

    def __init__(self, message: str | LazyString, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedSecret:
    client: ApiClient
    secret: str  # in clear, shown once


def create_client(session: Session, name: str, unit_code: str) -> IssuedSecret:
    name = name.strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise ClientError(_l("Give the client a name of 1 to %(max)d characters.", max=NAME_MAX), "name")
    unit = unit_by_code(session, unit_code.strip())
    if unit is None:
        raise ClientError(_l("Unknown unit %(code)s.", code=unit_code), "unit")
    if client_by_name(session, name) is not None:
        raise ClientError(_l("A client named %(name)s already exists.", name=name), "name")
    secret = _new_secret()
    client = ApiClient(name=name, unit_id=unit.id, secret_hash=_hash(secret), created_at=utc_now_naive())
    session.add(client)
    session.flush()
    return IssuedSecret(client, secret)


def client_by_name(session: Session, name: str) -> ApiClient | None:
    return session.scalar(select(ApiClient).options(joinedload(ApiClient.unit)).where(ApiClient.name == name))


def client_by_id(session: Session, client_id: int) -> ApiClient | None:
    return session.get(ApiClient, client_id)


def list_clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).options(joinedload(ApiClient.unit)).order_by(ApiClient.name)))


def rotate_secret(session: Session, client: ApiClient) -> IssuedSecret:
    """A new secret; the old one stops working at once. A revoked client stays revoked."""
    if client.revoked:
        raise ClientError(_l("Client %(name)s is revoked.", name=client.name), "name")
    secret = _new_secret()
    client.secret_hash = _hash(secret)
    client.rotated_at = utc_now_naive()
    session.flush()
    return IssuedSecret(client, secret)


def revoke_client(session: Session, client: ApiClient) -> None:
    """Refuse the client from now on; revoking twice keeps the first date."""
    if client.revoked_at is None:
        client.revoked_at = utc_now_naive()
        session.flush()


def client_for_secret(session: Session, secret: str) -> ApiClient | None:
    """The active client holding this secret; None for an unknown or revoked one (both 401)."""
    if not secret or len(secret) > 128:
        return None
    client = session.scalar(
        select(ApiClient).options(joinedload(ApiClient.unit)).where(ApiClient.secret_hash == _hash(secret))
    )
    if client is None or client.revoked:
        return None
    return client


def unit_in_client_scope(client: ApiClient, unit: Unit) -> bool:
    return unit.path.startswith(client.unit.path)
