"""Dossiers posted by the one-stop software: validation, scope, idempotency, survey links.

A dossier code is stored only as a keyed hash (HMAC with DOSSIER_KEY, per client), and so is its
survey link: the link's token is itself derived from the key, the client and the code, so posting
the same dossier again gives the same link without the token ever being stored in clear.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from surveyapp.models import ApiClient, Counter, Dossier, Procedure
from surveyapp.services.integration.clients import unit_in_client_scope
from surveyapp.services.integration.contacts import contact_hash, is_opted_out, seal
from surveyapp.services.organisation.lookups import counter_by_code, procedure_by_code
from surveyapp.timeutil import utc_now_naive

MAX_DOSSIERS = 500
CODE_MAX = 64
CHANNELS = ("direct", "online", "postal")
REQUIRED = ("dossier_code", "procedure", "counter", "submit_channel", "receive_channel", "received_on", "due_on")
OPTIONAL = ("returned_on", "apology_slip", "contact", "consent")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}$")
PHONE = re.compile(r"^\+?[0-9]{8,15}$")

CREATED, KNOWN, OUT_OF_SCOPE, CONFLICT, INVALID = 201, 200, 403, 409, 422


@dataclass(frozen=True)
class LinkSettings:
    """What the caller reads from the settings: the hashing key, link lifetime and base URL."""

    key: str
    link_days: int
    base_url: str
    contact_key: str = ""  # CONTACT_KEY; empty: contacts are refused (`not_configured`)


@dataclass(frozen=True)
class Contact:
    """A citizen's address for the invitation: exactly one of the two."""

    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class DossierFacts:
    code: str
    procedure: Procedure
    counter: Counter
    submit_channel: str
    receive_channel: str
    received_on: date
    due_on: date
    returned_on: date | None
    apology_slip: bool | None
    contact: Contact | None
    consent: bool

    def content_hash(self) -> str:
        """The facts the survey relies on; a contact or consent given later does not change them."""
        facts = [self.procedure.code, self.counter.code, self.submit_channel, self.receive_channel,
                 self.received_on.isoformat(), self.due_on.isoformat(),
                 self.returned_on.isoformat() if self.returned_on else None, self.apology_slip]
        return hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()


@dataclass
class ItemResult:
    """The answer for one posted dossier, in the contract's shape (never the contact)."""

    dossier_code: str | None
    status: int
    url: str | None = None
    qr_svg_url: str | None = None
    qr_png_url: str | None = None
    expires_on: date | None = None
    invitation: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "dossier_code": self.dossier_code,
            "status": self.status,
            "url": self.url,
            "qr_svg_url": self.qr_svg_url,
            "qr_png_url": self.qr_png_url,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "invitation": self.invitation,
            "errors": self.errors,
        }


def _mac(key: str, text: str) -> bytes:
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()


def code_hash(key: str, client: ApiClient, code: str) -> str:
    return _mac(key, f"dossier:{client.id}:{code}").hex()


def link_token(key: str, client: ApiClient, code: str) -> str:
    """128 bits, 22 URL-safe characters: unguessable without the key, and a small QR code."""
    return base64.urlsafe_b64encode(_mac(key, f"link:{client.id}:{code}")[:16]).decode("ascii").rstrip("=")


def link_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def dossier_for_link(session: Session, token: str) -> Dossier | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(Dossier)
        .options(joinedload(Dossier.counter).joinedload(Counter.unit), joinedload(Dossier.procedure))
        .where(Dossier.link_hash == link_hash(token))
    )


def _date(item: dict[str, Any], name: str, errors: list[dict[str, str]], required: bool = True) -> date | None:
    value = item.get(name)
    if value is None:
        if required:
            errors.append({"field": name, "message": "required"})
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        errors.append({"field": name, "message": "expected a date YYYY-MM-DD"})
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"field": name, "message": "not a calendar date"})
        return None


def _contact(item: dict[str, Any], errors: list[dict[str, str]]) -> Contact | None:
    value = item.get("contact")
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1 or not set(value) <= {"email", "phone"}:
        errors.append({"field": "contact", "message": 'expected {"email": ...} or {"phone": ...}'})
        return None
    # The message names the field only: a contact is never echoed back, not even when malformed.
    if "email" in value:
        email = value["email"]
        if not isinstance(email, str) or not EMAIL.fullmatch(email.strip()):
            errors.append({"field": "contact.email", "message": "not an email address"})
            return None
        return Contact(email=email.strip())
    phone = value["phone"]
    digits = re.sub(r"[\s.\-()]", "", phone) if isinstance(phone, str) else ""
    if not PHONE.fullmatch(digits):
        errors.append({"field": "contact.phone", "message": "not a phone number (8 to 15 digits, optional +)"})
        return None
    return Contact(phone=digits)


def parse_item(session: Session, item: Any) -> tuple[DossierFacts | None, list[dict[str, str]]]:
    """The facts of one posted dossier, or the reasons it is refused (field and message each)."""
    if not isinstance(item, dict):
        return None, [{"field": "", "message": "expected an object"}]
    errors = [{"field": name[:64], "message": "unknown field"}
              for name in sorted(map(str, item)) if name not in REQUIRED + OPTIONAL]
    code = item.get("dossier_code")
    if not isinstance(code, str) or not code.strip() or len(code) > CODE_MAX or not code.isprintable():
        code = None
        errors.append({"field": "dossier_code", "message": f"required: text of 1 to {CODE_MAX} characters"})
    procedure = counter = None
    for name in ("procedure", "counter"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            errors.append({"field": name, "message": "required"})
    if isinstance(item.get("procedure"), str) and item["procedure"].strip():
        procedure = procedure_by_code(session, item["procedure"].strip()[:64])
        if procedure is None:
            errors.append({"field": "procedure", "message": "unknown procedure code"})
    if isinstance(item.get("counter"), str) and item["counter"].strip():
        counter = counter_by_code(session, item["counter"].strip()[:64])
        if counter is None:
            errors.append({"field": "counter", "message": "unknown counter code"})
    for name in ("submit_channel", "receive_channel"):
        if item.get(name) not in CHANNELS:
            errors.append({"field": name, "message": "one of " + ", ".join(CHANNELS)})
    received_on = _date(item, "received_on", errors)
    due_on = _date(item, "due_on", errors)
    returned_on = _date(item, "returned_on", errors, required=False)
    if received_on and due_on and due_on < received_on:
        errors.append({"field": "due_on", "message": "before received_on"})
    if received_on and returned_on and returned_on < received_on:
        errors.append({"field": "returned_on", "message": "before received_on"})
    apology = item.get("apology_slip")
    if apology is not None and not isinstance(apology, bool):
        errors.append({"field": "apology_slip", "message": "expected true or false"})
    consent = item.get("consent", False)
    if not isinstance(consent, bool):
        errors.append({"field": "consent", "message": "expected true or false"})
    contact = _contact(item, errors)
    if errors or code is None or procedure is None or counter is None or received_on is None or due_on is None:
        return None, errors
    facts = DossierFacts(
        code=code.strip(), procedure=procedure, counter=counter,
        submit_channel=item["submit_channel"], receive_channel=item["receive_channel"],
        received_on=received_on, due_on=due_on, returned_on=returned_on, apology_slip=apology,
        contact=contact, consent=bool(consent),
    )
    return facts, []


def expiry_of(facts: DossierFacts, link_days: int) -> date:
    """The link lives `link_days` after the result is returned (or due, while it is not)."""
    return (facts.returned_on or facts.due_on) + timedelta(days=link_days)


# States in which a posted contact may (re)start the invitation.
NOT_STARTED = ("none", "no_consent", "not_configured")


def _take_contact(
    session: Session, client: ApiClient, dossier: Dossier, facts: DossierFacts, links: LinkSettings
) -> None:
    """Queue the invitation when a contact comes with consent; a contact is never stored
    without consent, for an answered dossier, or for a contact that opted out."""
    if facts.contact is None or dossier.invitation not in NOT_STARTED or dossier.used_on is not None:
        return
    if not facts.consent:
        dossier.invitation = "no_consent"
        return
    if not links.contact_key:
        dossier.invitation = "not_configured"
        return
    to = facts.contact.email or facts.contact.phone or ""
    hashed = contact_hash(links.key, to)
    if is_opted_out(session, hashed):
        dossier.invitation = "opted_out"
        return
    dossier.contact_kind = "email" if facts.contact.email else "sms"
    dossier.contact_cipher = seal(links.contact_key, to, link_token(links.key, client, facts.code))
    dossier.contact_hash = hashed
    dossier.invitation = "queued"


def _answer(facts: DossierFacts, client: ApiClient, dossier: Dossier, status: int, links: LinkSettings) -> ItemResult:
    token = link_token(links.key, client, facts.code)
    url = f"{links.base_url}/d/{token}"
    return ItemResult(
        dossier_code=facts.code, status=status, url=url, qr_svg_url=f"{url}/qr.svg", qr_png_url=f"{url}/qr.png",
        expires_on=dossier.expires_on, invitation=dossier.invitation,
    )


def _apply(dossier: Dossier, facts: DossierFacts, links: LinkSettings) -> None:
    dossier.content_hash = facts.content_hash()
    dossier.counter_id = facts.counter.id
    dossier.procedure_id = facts.procedure.id
    dossier.submit_channel = facts.submit_channel
    dossier.receive_channel = facts.receive_channel
    dossier.received_on = facts.received_on
    dossier.due_on = facts.due_on
    dossier.returned_on = facts.returned_on
    dossier.apology_slip = facts.apology_slip
    dossier.expires_on = expiry_of(facts, links.link_days)


def store_dossier(session: Session, client: ApiClient, facts: DossierFacts, links: LinkSettings) -> ItemResult:
    """201 for a new dossier; 200 for one already known (its facts updated while unanswered);
    409 when an answered dossier comes back with other facts. Each in its own savepoint."""
    hashed = code_hash(links.key, client, facts.code)
    existing = session.scalar(select(Dossier).where(Dossier.client_id == client.id, Dossier.code_hash == hashed))
    if existing is not None:
        if existing.content_hash == facts.content_hash():
            _take_contact(session, client, existing, facts, links)
            session.flush()
            return _answer(facts, client, existing, KNOWN, links)
        if existing.used_on is not None:
            return ItemResult(facts.code, CONFLICT, errors=[
                {"field": "dossier_code", "message": "already answered: its facts can no longer change"}])
        _apply(existing, facts, links)
        _take_contact(session, client, existing, facts, links)
        existing.updated_at = utc_now_naive()
        session.flush()
        return _answer(facts, client, existing, KNOWN, links)
    dossier = Dossier(client_id=client.id, code_hash=hashed,
                      link_hash=link_hash(link_token(links.key, client, facts.code)), created_at=utc_now_naive(),
                      invitation="none")
    _apply(dossier, facts, links)
    _take_contact(session, client, dossier, facts, links)
    try:
        with session.begin_nested():
            session.add(dossier)
    except IntegrityError:  # the same dossier posted by a concurrent request: it owns it
        return ItemResult(facts.code, CONFLICT, errors=[
            {"field": "dossier_code", "message": "posted concurrently: send it again"}])
    return _answer(facts, client, dossier, CREATED, links)


def post_dossiers(session: Session, client: ApiClient, items: list[Any], links: LinkSettings) -> list[ItemResult]:
    """Per-item results in the order posted; only 200 and 201 items are stored."""
    results = []
    for item in items:
        posted_code = item.get("dossier_code") if isinstance(item, dict) else None
        shown_code = posted_code if isinstance(posted_code, str) and len(posted_code) <= CODE_MAX else None
        facts, errors = parse_item(session, item)
        counter = facts.counter if facts else _known_counter(session, item)
        if counter is not None and not unit_in_client_scope(client, counter.unit):
            results.append(ItemResult(shown_code, OUT_OF_SCOPE, errors=[
                {"field": "counter", "message": "outside the units this client may post for"}]))
        elif facts is None:
            results.append(ItemResult(shown_code, INVALID, errors=errors))
        else:
            results.append(store_dossier(session, client, facts, links))
    return results


def _known_counter(session: Session, item: Any) -> Counter | None:
    if isinstance(item, dict) and isinstance(item.get("counter"), str) and item["counter"].strip():
        return counter_by_code(session, item["counter"].strip()[:64])
    return None
