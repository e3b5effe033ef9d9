"""Citizens' contacts for invitations: encrypted at rest, hashed for opt-outs, erased early.

A contact is sealed with the survey link it is for (Fernet, CONTACT_KEY): both are needed to
send a message and neither is kept once the last message went out. A keyed hash (HMAC with
DOSSIER_KEY) lets an opt-out stop every later message to the same contact without keeping it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Dossier, InvitationOptOut
from surveyapp.timeutil import utc_now_naive


@dataclass(frozen=True)
class Sealed:
    """What an invitation needs: where to send it and the link it carries (the token)."""

    to: str
    link_token: str


def seal(contact_key: str, to: str, link_token: str) -> str:
    payload = json.dumps({"to": to, "link": link_token}).encode("utf-8")
    return Fernet(contact_key.encode("ascii")).encrypt(payload).decode("ascii")


def unseal(contact_key: str, cipher: str) -> Sealed | None:
    """None when the key changed since (the contact cannot be read: nothing is sent)."""
    try:
        payload = json.loads(Fernet(contact_key.encode("ascii")).decrypt(cipher.encode("ascii")))
    except (InvalidToken, ValueError):
        return None
    return Sealed(to=payload["to"], link_token=payload["link"])


def contact_hash(dossier_key: str, to: str) -> str:
    text = "contact:" + to.strip().lower()
    return hmac.new(dossier_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def is_opted_out(session: Session, hashed: str) -> bool:
    return session.scalar(select(InvitationOptOut.id).where(InvitationOptOut.contact_hash == hashed)) is not None


def erase_contact(dossier: Dossier, *, keep_hash: bool = True) -> None:
    """Forget the contact and the sealed link; the hash stays until expiry for an opt-out."""
    dossier.contact_cipher = None
    if not keep_hash:
        dossier.contact_hash = None
        dossier.contact_kind = None


def opt_out(session: Session, dossier: Dossier) -> None:
    """No more messages to this dossier's contact, for this dossier or any later one."""
    if dossier.contact_hash and not is_opted_out(session, dossier.contact_hash):
        session.add(InvitationOptOut(contact_hash=dossier.contact_hash, at=utc_now_naive()))
    if dossier.invitation in ("queued", "sent"):
        dossier.invitation = "opted_out"
    erase_contact(dossier)
    session.flush()
