"""Invitations to answer a dossier's survey: who is due a message, what it says, what happened.

The first message goes at INVITATION_HOUR (Vietnam time) on the day the result was returned, or
at the first run after it; one reminder follows INVITATION_REMINDER_DAYS later if the link was
not answered. The contact is erased after the last attempt, on an answer, on an opt-out and at
expiry (`tidy`). Sending itself is the caller's (the `send-invitations` command).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from surveyapp.models import Counter, Dossier
from surveyapp.services.integration.contacts import erase_contact, is_opted_out, unseal
from surveyapp.settings import N_
from surveyapp.timeutil import to_utc_naive

INVITATION = N_(
    "Your dossier's result was returned. %(unit)s would like your opinion of the service. "
    "The survey takes a few minutes and is anonymous:\n\n%(url)s\n\nTo receive no more messages: %(stop)s"
)
REMINDER = N_(
    "A reminder: %(unit)s would like your opinion of the service for your dossier. "
    "The survey takes a few minutes and is anonymous:\n\n%(url)s\n\nTo receive no more messages: %(stop)s"
)


@dataclass(frozen=True)
class Message:
    dossier: Dossier
    kind: str  # "invitation" or "reminder"
    channel: str  # "email" or "sms"
    to: str
    link_token: str


@dataclass(frozen=True)
class Schedule:
    hour: int  # INVITATION_HOUR, Vietnam time
    reminder_days: int  # INVITATION_REMINDER_DAYS


def tidy(session: Session, today: date) -> int:
    """Erase what no message needs any more; the number of dossiers changed."""
    changed = 0
    holding = select(Dossier).where(or_(Dossier.contact_cipher.is_not(None), Dossier.contact_hash.is_not(None)))
    for dossier in session.scalars(holding):
        if dossier.expires_on < today:
            if dossier.invitation == "queued":
                dossier.invitation = "cancelled"
            erase_contact(dossier, keep_hash=False)
            changed += 1
        elif dossier.used_on is not None and dossier.contact_cipher is not None:
            if dossier.invitation == "queued":
                dossier.invitation = "cancelled"
            erase_contact(dossier)  # answered: no invitation or reminder is needed
            changed += 1
    session.flush()
    return changed


def due_messages(
    session: Session, now_local: datetime, schedule: Schedule, contact_key: str, channels: set[str]
) -> list[Message]:
    """The messages to send now over the configured `channels`; an opted-out contact's
    dossier is marked and skipped, one whose contact cannot be read (a new key) fails."""
    today = now_local.date()
    remind_sent_before = to_utc_naive(now_local) - timedelta(days=schedule.reminder_days)
    query = (
        select(Dossier)
        .options(joinedload(Dossier.counter).joinedload(Counter.unit))
        .where(Dossier.contact_cipher.is_not(None), Dossier.used_on.is_(None), Dossier.expires_on >= today,
               Dossier.invitation.in_(("queued", "sent")), Dossier.contact_kind.in_(sorted(channels)))
        .order_by(Dossier.id)
    )
    due = []
    for dossier in session.scalars(query):
        if dossier.invitation == "queued":
            if dossier.returned_on is None or now_local < datetime.combine(dossier.returned_on, time(schedule.hour)):
                continue
            kind = "invitation"
        elif dossier.invited_at is not None and dossier.invited_at <= remind_sent_before:
            kind = "reminder"
        else:
            continue
        if dossier.contact_hash and is_opted_out(session, dossier.contact_hash):
            dossier.invitation = "opted_out"
            erase_contact(dossier)
            continue
        sealed = unseal(contact_key, dossier.contact_cipher or "")
        if sealed is None:
            dossier.invitation = "failed"
            erase_contact(dossier)
            continue
        due.append(Message(dossier, kind, dossier.contact_kind or "", sealed.to, sealed.link_token))
    session.flush()
    return due


def record_attempt(session: Session, message: Message, delivered: bool, at_utc: datetime) -> None:
    """The outcome of one message; after the last attempt the contact is erased."""
    dossier = message.dossier
    if message.kind == "invitation":
        dossier.invited_at = at_utc
        dossier.invitation = "sent" if delivered else "failed"
        if not delivered:
            erase_contact(dossier)  # one attempt per message: the reminder is not sent either
    else:
        dossier.reminded_at = at_utc
        dossier.invitation = "reminded" if delivered else "failed"
        erase_contact(dossier)  # the reminder is the last message
    session.flush()


def message_text(message: Message, survey_url: str, opt_out_url: str) -> tuple[str, str]:
    """(subject, body) in the caller's language (the command sends in Vietnamese). The SMS is
    the body alone, kept short."""
    unit = message.dossier.counter.unit.name
    subject = _("Your opinion on the service at %(unit)s", unit=unit)
    if message.channel == "sms":
        body = _("%(unit)s asks your opinion of the service for your dossier: %(url)s (no more messages: %(stop)s)",
                 unit=unit, url=survey_url, stop=opt_out_url)
    elif message.kind == "reminder":
        body = _(REMINDER, unit=unit, url=survey_url, stop=opt_out_url)
    else:
        body = _(INVITATION, unit=unit, url=survey_url, stop=opt_out_url)
    return subject, body


def recent_invitations(session: Session, limit: int = 200) -> list[Dossier]:
    """Dossiers with an invitation, newest first, for the admin page (never a contact)."""
    return list(session.scalars(
        select(Dossier)
        .options(joinedload(Dossier.client), joinedload(Dossier.counter), joinedload(Dossier.procedure))
        .where(Dossier.invitation != "none")
        .order_by(Dossier.id.desc())
        .limit(limit)
    ))
