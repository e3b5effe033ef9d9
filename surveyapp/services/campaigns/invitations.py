"""Campaign invitations: one message per sampled dossier whose contact was still held at the
draw, sent by `send-invitations` over the campaign's channels (docs/CAMPAIGNS.md). No reminder:
the contact is erased after the one attempt, on an answer and on an opt-out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from surveyapp.models import CampaignSample, Counter, Dossier, InvitationOptOut
from surveyapp.services.integration.contacts import is_opted_out, unseal
from surveyapp.timeutil import utc_now_naive


@dataclass(frozen=True)
class CampaignMessage:
    sample: CampaignSample
    channel: str  # "email" or "sms"
    to: str
    link_token: str


def _erase(sample: CampaignSample) -> None:
    sample.contact_cipher = None


def due_campaign_messages(session: Session, contact_key: str, channels: set[str]) -> list[CampaignMessage]:
    """Queued campaign invitations over the configured `channels`; opted-out contacts are
    marked and skipped, unreadable ones (a new CONTACT_KEY) fail."""
    query = (
        select(CampaignSample)
        .options(joinedload(CampaignSample.dossier).joinedload(Dossier.counter).joinedload(Counter.unit))
        .where(CampaignSample.invitation == "queued", CampaignSample.used_on.is_(None),
               CampaignSample.contact_cipher.is_not(None), CampaignSample.contact_kind.in_(sorted(channels)))
        .order_by(CampaignSample.id)
    )
    due = []
    for sample in session.scalars(query):
        if sample.contact_hash and is_opted_out(session, sample.contact_hash):
            sample.invitation = "opted_out"
            _erase(sample)
            continue
        sealed = unseal(contact_key, sample.contact_cipher or "")
        if sealed is None:
            sample.invitation = "failed"
            _erase(sample)
            continue
        due.append(CampaignMessage(sample, sample.contact_kind or "", sealed.to, sealed.link_token))
    session.flush()
    return due


def record_campaign_attempt(session: Session, message: CampaignMessage, delivered: bool, at_utc: datetime) -> None:
    sample = message.sample
    sample.invited_at = at_utc
    sample.invitation = "sent" if delivered else "failed"
    _erase(sample)  # the one message: its contact is no longer needed
    session.flush()


def campaign_message_text(message: CampaignMessage, survey_url: str, opt_out_url: str) -> tuple[str, str]:
    """(subject, body) in the caller's language (the command sends in Vietnamese)."""
    unit = message.sample.dossier.counter.unit.name
    subject = _("A short survey about the service at %(unit)s", unit=unit)
    if message.channel == "sms":
        body = _("%(unit)s: your dossier was chosen for a short survey of the service: %(url)s "
                 "(no more messages: %(stop)s)", unit=unit, url=survey_url, stop=opt_out_url)
    else:
        body = _("Your dossier was chosen at random for a short, anonymous survey of the service at %(unit)s. "
                 "Your answers help check the quality of public services:\n\n%(url)s\n\n"
                 "To receive no more messages: %(stop)s", unit=unit, url=survey_url, stop=opt_out_url)
    return subject, body


def opt_out_sample(session: Session, sample: CampaignSample) -> None:
    """No more messages to this contact, for this campaign or any later message."""
    if sample.contact_hash and not is_opted_out(session, sample.contact_hash):
        session.add(InvitationOptOut(contact_hash=sample.contact_hash, at=utc_now_naive()))
    if sample.invitation in ("queued", "sent"):
        sample.invitation = "opted_out"
    _erase(sample)
    session.flush()
