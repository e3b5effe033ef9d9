"""The citizen's path: what a survey link points at, and turning a posted form into a response."""
from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.sipas import FULL_FORM_ID
from surveyapp.definitions import Definition
from surveyapp.definitions.answers import AnswerError, validate_answers
from surveyapp.models import CampaignSample, Counter, Dossier, Procedure, SurveyDefinitionRecord, SurveyToken, Unit
from surveyapp.services.campaigns.answers import sample_for_link, submit_campaign_response
from surveyapp.services.integration.dossiers import dossier_for_link
from surveyapp.services.organisation.lookups import unit_chain
from surveyapp.services.survey import lookup_cache
from surveyapp.services.survey.submission import Outcome, submit_response
from surveyapp.services.survey.tokens import find_token
from surveyapp.textfold import fold
from surveyapp.textinput import clean_text


class LinkState(enum.Enum):
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"  # a dossier's link past its `expires_on`
    NOT_READY = "not_ready"  # no questionnaire loaded yet
    CLOSED = "closed"  # the counter (or a unit above it) is deactivated


@dataclass
class SurveyTarget:
    """Everything the form needs to know about where the answers will belong."""

    state: LinkState
    counter: Counter | None = None
    units: list[Unit] = field(default_factory=list)
    procedure: Procedure | None = None  # fixed by the QR code or token
    token: SurveyToken | None = None
    record: SurveyDefinitionRecord | None = None
    definition: Definition | None = None
    dossier: Dossier | None = None
    # What the dossier already knows, as answers ({"submit_channel": "online", ...}): not asked again.
    known: dict[str, str] = field(default_factory=dict)
    # A campaign link (/c/<token>): the answer is the campaign's, stored apart (issue 16).
    campaign_sample: CampaignSample | None = None


def _with_definition(session: Session, target: SurveyTarget) -> SurveyTarget:
    found = lookup_cache.definition(session, FULL_FORM_ID)
    if found is None:
        target.state = LinkState.NOT_READY
    else:
        target.record, target.definition = found
    return target


def counter_target(session: Session, counter_code: str, procedure_code: str | None) -> SurveyTarget:
    # The poster's link: counter, units and procedure come from this worker's copies
    # (lookup_cache.py), renewed whenever any of them changes in the database.
    found = lookup_cache.counter_with_units(session, counter_code)
    if found is None:
        return SurveyTarget(LinkState.UNKNOWN)
    counter, units = found
    # A deactivated counter, or one under a deactivated unit, takes no new surveys (the cached
    # copies carry the `active` flags; a change renews them, lookup_cache.py).
    if not (counter.active and all(unit.active for unit in units)):
        return SurveyTarget(LinkState.CLOSED, counter=counter)
    procedure = lookup_cache.procedure(session, procedure_code) if procedure_code else None
    target = SurveyTarget(LinkState.OPEN, counter=counter, units=list(units), procedure=procedure)
    return _with_definition(session, target)


def token_target(session: Session, token_text: str) -> SurveyTarget:
    token = find_token(session, token_text)
    if token is None:
        return SurveyTarget(LinkState.UNKNOWN)
    if token.used_on is not None:
        return SurveyTarget(LinkState.USED, counter=token.counter)
    if not token.counter.takes_surveys:
        return SurveyTarget(LinkState.CLOSED, counter=token.counter)
    target = SurveyTarget(
        LinkState.OPEN,
        counter=token.counter,
        units=unit_chain(token.counter.unit),
        procedure=token.procedure,
        token=token,
    )
    return _with_definition(session, target)


# The questionnaire's facts a dossier can know (DOMAIN.md §3, "Context" and "Facts").
FACT_ITEMS = ("procedure", "submit_channel", "receive_channel", "ontime", "apology")


def dossier_facts(dossier: Dossier) -> dict[str, str]:
    """The answers the dossier gives: on time or late from `due_on` and `returned_on` (asked
    when not returned yet), the apology slip only for a late result and only when known."""
    known = {
        "procedure": dossier.procedure.code,
        "submit_channel": dossier.submit_channel,
        "receive_channel": dossier.receive_channel,
    }
    if dossier.returned_on is not None:
        if dossier.returned_on < dossier.due_on:
            known["ontime"] = "early"
        elif dossier.returned_on == dossier.due_on:
            known["ontime"] = "ontime"
        else:
            known["ontime"] = "late"
            if dossier.apology_slip is not None:
                known["apology"] = "yes" if dossier.apology_slip else "no"
    return known


def dossier_target(session: Session, token_text: str, today: date) -> SurveyTarget:
    dossier = dossier_for_link(session, token_text)
    if dossier is None:
        return SurveyTarget(LinkState.UNKNOWN)
    if dossier.used_on is not None:
        return SurveyTarget(LinkState.USED, counter=dossier.counter)
    if dossier.expires_on < today:
        return SurveyTarget(LinkState.EXPIRED, counter=dossier.counter)
    target = SurveyTarget(
        LinkState.OPEN, counter=dossier.counter, units=unit_chain(dossier.counter.unit), procedure=dossier.procedure,
        dossier=dossier, known=dossier_facts(dossier),
    )
    return _with_definition(session, target)


def campaign_target(session: Session, token_text: str) -> SurveyTarget:
    """A sampled dossier's campaign link: the campaign's questionnaire, the dossier's facts known."""
    sample = sample_for_link(session, token_text)
    if sample is None:
        return SurveyTarget(LinkState.UNKNOWN)
    dossier = sample.dossier
    if sample.used_on is not None:
        return SurveyTarget(LinkState.USED, counter=dossier.counter)
    target = SurveyTarget(
        LinkState.OPEN, counter=dossier.counter, units=unit_chain(dossier.counter.unit), procedure=dossier.procedure,
        known=dossier_facts(dossier), campaign_sample=sample,
    )
    found = lookup_cache.definition(session, sample.campaign.definition_id)
    if found is None:
        target.state = LinkState.NOT_READY
    else:
        target.record, target.definition = found
    return target


def _fact_sources(target: SurveyTarget, citizen: Mapping[str, Any]) -> dict[str, Any] | None:
    if target.dossier is None and target.campaign_sample is None:
        return None
    return {"dossier": dict(target.known), "citizen": {k: v for k, v in citizen.items() if k in FACT_ITEMS}}


@dataclass
class CollectResult:
    stored: bool = False
    token_used: bool = False
    errors: dict[str, AnswerError] = field(default_factory=dict)


def collect(
    session: Session,
    target: SurveyTarget,
    submitted: Mapping[str, Sequence[str]],
    *,
    language: str,
    channel: str,
    comment_limit: int,
) -> CollectResult:
    """Validate and store one posted questionnaire; nothing is stored when anything is wrong."""
    assert target.state is LinkState.OPEN and target.definition is not None and target.record is not None
    assert target.counter is not None  # an open link always names its counter
    fields = {key: [clean_text(value) for value in values] for key, values in submitted.items()}
    citizen: dict[str, Any] = {}
    if target.known:
        # The citizen may still tell what the dossier knows (the form's "is this wrong?"): kept
        # as their report, checked like any answer, but the dossier's value is the one stored.
        items = {item.id: item for item in target.definition.items}
        for item_id in target.known:
            given = [value.strip() for value in fields.get(item_id, []) if value.strip()]
            if item_id in items and len(given) == 1 and given[0] in items[item_id].codes:
                citizen[item_id] = given[0]
        fields.update({item: [value] for item, value in target.known.items()})
    # The link's procedure wins over whatever was posted; otherwise look the posted text up
    # once (code or exact name) and validate against that one result.
    procedure = target.procedure or _find_procedure(session, (fields.get("procedure") or [""])[0])
    if procedure is not None:
        fields["procedure"] = [procedure.code]
    validated = validate_answers(
        target.definition,
        fields,
        lambda code: procedure is not None and code == procedure.code,
        comment_limit=comment_limit,
    )
    if not validated.ok:
        return CollectResult(errors=validated.errors)
    citizen.update({k: v for k, v in validated.answers.items() if k in FACT_ITEMS and k not in target.known})
    if target.campaign_sample is not None:
        stored = submit_campaign_response(
            session, sample=target.campaign_sample, record=target.record, counter=target.counter,
            validated=validated, channel=channel, language=language, procedure=procedure,
            fact_sources=_fact_sources(target, citizen),
        )
        return CollectResult(stored=stored, token_used=not stored)
    result = submit_response(
        session,
        record=target.record,
        counter=target.counter,
        validated=validated,
        channel=channel,
        language=language,
        procedure=procedure,
        token=target.token,
        dossier=target.dossier,
        fact_sources=_fact_sources(target, citizen),
    )
    return CollectResult(
        stored=result.outcome is Outcome.STORED, token_used=result.outcome is Outcome.TOKEN_ALREADY_USED
    )


def _find_procedure(session: Session, text: str) -> Procedure | None:
    """The catalogue entry for a code or, typed without picking from the list, its exact name."""
    text = text.strip()
    if not text:
        return None
    found = lookup_cache.procedure(session, text)
    if found is not None:
        return found
    # Compared in Python: SQLite's lower() folds ASCII only, and names are Vietnamese. The folded
    # search key narrows the catalogue to the few names equal but for tones (a name equal but
    # for case folds the same).
    wanted = text.casefold()
    same_letters = Procedure.search_key.like(f"% | {fold(text)} | %")
    for procedure in session.scalars(select(Procedure).where(same_letters)):
        if procedure.name.casefold() == wanted:
            return procedure
    return None
