"""Campaigns: their definition, the frame of dossiers, the stratified draw and its progress.

The frame is the registered dossiers (docs/INTEGRATION.md) whose counter is in the campaign
unit's subtree and whose result was returned (`returned_on`) in the campaign's period. Strata are
the direct child units of the campaign's unit, in code order, then the unit's own counters (a
stratum of its own, only when the unit has counters or no children).
"""
from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from analysis.sipas import FULL_FORM_ID
from surveyapp.labels import period_error
from surveyapp.models import Campaign, CampaignSample, CampaignStratum, Counter, Dossier, Unit
from surveyapp.periods import Period, PeriodError
from surveyapp.services.integration.contacts import contact_hash, is_opted_out, seal, unseal
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.survey.definitions import current_definition
from surveyapp.timeutil import utc_now_naive

if TYPE_CHECKING:
    from analysis.campaigns import AllocationError

# analysis.campaigns (numpy) is imported by the functions that draw: the citizen's campaign link
# reaches this module, and serving it must not load numpy (tests/setup/test_startup_imports.py).

CHANNELS = ("email", "sms")
NAME_MAX = 128
DEFAULT_TARGET = 0.85


class CampaignError(Exception):
    """A refused campaign action, in the caller's language, with the field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    unit_code: str
    period: str
    sample_size: int
    allocation: str = "proportional"
    target: float = DEFAULT_TARGET
    definition_id: str | None = None
    channels: str = "email,sms"


def parse_channels(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    if not chosen or any(channel not in CHANNELS for channel in chosen):
        raise CampaignError(_("channels: a comma-separated list of email, sms"), "channels")
    return [channel for channel in CHANNELS if channel in chosen]


def create_campaign(session: Session, spec: CampaignSpec) -> Campaign:
    """Check every field and add the campaign (not drawn yet); CampaignError otherwise."""
    name = spec.name.strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise CampaignError(_("a name of 1 to %(max)d characters", max=NAME_MAX), "name")
    unit = unit_by_code(session, spec.unit_code.strip())
    if unit is None:
        raise CampaignError(_("unknown unit %(code)s", code=spec.unit_code), "unit")
    try:
        period = Period.parse(spec.period.strip())
    except PeriodError as error:
        raise CampaignError(period_error(error), "period") from None
    if period.kind == "ytd":  # the frame must not move as the year goes on: its months, as a range
        period = Period.range(period.first, period.last)
    if spec.sample_size < 1:
        raise CampaignError(_("the sample size must be a whole number of at least 1"), "sample")
    from analysis.campaigns import ALLOCATIONS

    if spec.allocation not in ALLOCATIONS:
        raise CampaignError(_("allocation: proportional or equal"), "allocation")
    if not 0 < spec.target <= 1:
        raise CampaignError(_("the target is a share between 0 and 1, such as 0.85"), "target")
    definition_id = (spec.definition_id or FULL_FORM_ID).strip()
    if current_definition(session, definition_id) is None:
        raise CampaignError(_("unknown questionnaire %(id)s", id=definition_id), "definition")
    channels = parse_channels(spec.channels)
    campaign = Campaign(
        name=name, unit_id=unit.id, period=str(period), sample_size=spec.sample_size, allocation=spec.allocation,
        definition_id=definition_id, target=float(spec.target), channels=",".join(channels),
        created_at=utc_now_naive(),
    )
    session.add(campaign)
    session.flush()
    return campaign


def campaign_by_id(session: Session, campaign_id: int) -> Campaign | None:
    return session.scalar(select(Campaign).options(joinedload(Campaign.unit)).where(Campaign.id == campaign_id))


def campaign_definition_id(campaign_id: int) -> str:
    """The questionnaire id of a campaign's own questions (`import-xlsform --campaign`)."""
    return f"campaign-{campaign_id}"


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).options(joinedload(Campaign.unit)).order_by(Campaign.id.desc())))


def period_dates(period_text: str) -> tuple[date, date]:
    """The first and last day of a period's months."""
    period = Period.parse(period_text)
    last_day = calendar.monthrange(period.last.year, period.last.number)[1]
    return date(period.first.year, period.first.number, 1), date(period.last.year, period.last.number, last_day)


def strata_units(unit: Unit) -> list[Unit]:
    """The campaign's strata: the direct children in code order, then the unit itself when it
    has counters of its own (or no children at all)."""
    children = sorted(unit.children, key=lambda child: child.code)
    own = [unit] if unit.counters or not children else []
    return children + own


def frame_of(session: Session, campaign: Campaign) -> list[tuple[Unit, list[Dossier]]]:
    """Each stratum with its frame: the registered dossiers returned in the period."""
    first, last = period_dates(campaign.period)
    unit = campaign.unit
    rows = session.execute(
        select(Dossier, Unit)
        .join(Counter, Counter.id == Dossier.counter_id)
        .join(Unit, Unit.id == Counter.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True),
               Dossier.returned_on >= first, Dossier.returned_on <= last)
    ).all()
    strata = strata_units(unit)
    frames: dict[int, list[Dossier]] = {stratum.id: [] for stratum in strata}
    children = [stratum for stratum in strata if stratum.id != unit.id]
    for dossier, home in rows:
        owner = next((child for child in children if home.path.startswith(child.path)), unit)
        if owner.id in frames:
            frames[owner.id].append(dossier)
    return [(stratum, frames[stratum.id]) for stratum in strata]


def sample_key(dossier: Dossier) -> str:
    """The stable key the frame is sorted by: the dossier's keyed hash (unique per client),
    then its id, so the order never depends on how the database returned the rows."""
    return f"{dossier.code_hash}:{dossier.client_id:012d}"


def campaign_link_token(key: str, campaign_id: int, dossier_id: int) -> str:
    """The campaign link of one sampled dossier (`/c/<token>`): 128 bits keyed with DOSSIER_KEY,
    so it is never stored in clear (only its SHA-256)."""
    mac = hmac.new(key.encode("utf-8"), f"campaign:{campaign_id}:{dossier_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode("ascii").rstrip("=")


def link_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _allocation_error(error: AllocationError, strata: list[Unit]) -> CampaignError:
    if error.reason == "sample_exceeds_frame":
        return CampaignError(_(
            "The sample (%(needed)d) is larger than its frame: only %(available)d dossiers were returned in the "
            "period in this unit's subtree. Nothing was drawn.", needed=error.needed, available=error.available),
            "sample")
    stratum = strata[error.stratum or 0]
    return CampaignError(_(
        "Equal allocation needs %(needed)d dossiers in stratum %(unit)s, which has only %(available)d. "
        "Use proportional allocation or a smaller sample. Nothing was drawn.",
        needed=error.needed, unit=stratum.code, available=error.available), "sample")


@dataclass(frozen=True)
class InvitationKeys:
    """What the draw reads from the settings: DOSSIER_KEY and CONTACT_KEY."""

    dossier_key: str
    contact_key: str


def draw_campaign(session: Session, campaign: Campaign, seed: int, keys: InvitationKeys) -> list[CampaignStratum]:
    """Draw the sample with `seed`, record N_h and n_h, and queue the invitations of the sampled
    dossiers whose contact is still held. A campaign is drawn once; CampaignError otherwise (and
    for a sample larger than its frame or a stratum too small for equal allocation)."""
    from analysis.campaigns import AllocationError, allocate, draw

    if campaign.drawn_at is not None:
        raise CampaignError(_("Campaign %(id)d was already drawn (seed %(seed)s); draw a new campaign to change it.",
                              id=campaign.id, seed=campaign.seed), "seed")
    if not 0 <= seed < 2 ** 63:
        raise CampaignError(_("the seed is a whole number from 0 to 2^63 − 1"), "seed")
    frames = frame_of(session, campaign)
    units = [unit for unit, _frame in frames]
    try:
        sizes = allocate([len(frame) for _unit, frame in frames], campaign.sample_size, campaign.allocation)
    except AllocationError as error:
        raise _allocation_error(error, units) from None
    by_key = {sample_key(dossier): dossier for _unit, frame in frames for dossier in frame}
    chosen = draw([[sample_key(d) for d in frame] for _unit, frame in frames], sizes, seed)
    strata = []
    for position, ((unit, frame), size, keys_chosen) in enumerate(zip(frames, sizes, chosen, strict=True)):
        stratum = CampaignStratum(campaign_id=campaign.id, unit_id=unit.id, position=position,
                                  frame_size=len(frame), sample_size=size)
        session.add(stratum)
        session.flush()
        strata.append(stratum)
        for key in keys_chosen:
            session.add(_sampled(session, campaign, stratum, by_key[key], keys))
    campaign.seed = seed
    campaign.drawn_at = utc_now_naive()
    session.flush()
    return strata


def _sampled(session: Session, campaign: Campaign, stratum: CampaignStratum, dossier: Dossier,
             keys: InvitationKeys) -> CampaignSample:
    """A sampled dossier with its link, its invitation queued when its contact is still held
    (with consent, over one of the campaign's channels) and has not opted out."""
    token = campaign_link_token(keys.dossier_key, campaign.id, dossier.id)
    sample = CampaignSample(campaign_id=campaign.id, stratum_id=stratum.id, dossier_id=dossier.id,
                            link_hash=link_hash(token), invitation="none")
    if dossier.contact_cipher and dossier.contact_kind in campaign.channel_list and keys.contact_key:
        sealed = unseal(keys.contact_key, dossier.contact_cipher)
        if sealed is not None:
            hashed = dossier.contact_hash or contact_hash(keys.dossier_key, sealed.to)
            if is_opted_out(session, hashed):
                sample.invitation = "opted_out"
            else:
                sample.contact_kind = dossier.contact_kind
                sample.contact_cipher = seal(keys.contact_key, sealed.to, token)
                sample.contact_hash = hashed
                sample.invitation = "queued"
    return sample


@dataclass(frozen=True)
class StratumProgress:
    """One stratum's progress: frame N_h, sample n_h, invitations sent, answers."""

    unit: Unit
    frame: int
    sample: int
    invited: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sample if self.sample else None

    def to_json(self) -> dict[str, object]:
        return {"unit": self.unit.code, "name": self.unit.name, "frame": self.frame, "sample": self.sample,
                "invited": self.invited, "answered": self.answered, "response_rate": self.response_rate}


def progress(session: Session, campaign: Campaign) -> list[StratumProgress]:
    """Per stratum (empty before the draw): frame, sample, invited (a message went out) and
    answered (the campaign link was used)."""
    invited = dict(session.execute(
        select(CampaignSample.stratum_id, func.count())
        .where(CampaignSample.campaign_id == campaign.id, CampaignSample.invitation == "sent")
        .group_by(CampaignSample.stratum_id)
    ).all())
    answered = dict(session.execute(
        select(CampaignSample.stratum_id, func.count())
        .where(CampaignSample.campaign_id == campaign.id, CampaignSample.used_on.is_not(None))
        .group_by(CampaignSample.stratum_id)
    ).all())
    strata = session.scalars(
        select(CampaignStratum).options(joinedload(CampaignStratum.unit))
        .where(CampaignStratum.campaign_id == campaign.id).order_by(CampaignStratum.position)
    )
    return [StratumProgress(s.unit, s.frame_size, s.sample_size, invited.get(s.id, 0), answered.get(s.id, 0))
            for s in strata]


def sampled_dossiers(session: Session, campaign: Campaign) -> list[tuple[str, str]]:
    """(keyed-hash id, stratum unit code) of every sampled dossier, in a stable order."""
    rows = session.execute(
        select(Dossier.code_hash, Unit.code)
        .select_from(CampaignSample)
        .join(Dossier, Dossier.id == CampaignSample.dossier_id)
        .join(CampaignStratum, CampaignStratum.id == CampaignSample.stratum_id)
        .join(Unit, Unit.id == CampaignStratum.unit_id)
        .where(CampaignSample.campaign_id == campaign.id)
        .order_by(CampaignStratum.position, Dossier.code_hash)
    ).all()
    return list(rows)
