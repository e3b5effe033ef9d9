"""A sampled dossier's campaign link (`/c/<token>`) and storing its answer apart from the
regular survey (no tally, no rollup: the campaign report reads `campaign_response`)."""
from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, joinedload

from surveyapp.definitions.answers import ValidatedAnswers
from surveyapp.models import (
    CampaignResponse,
    CampaignSample,
    Counter,
    Dossier,
    Procedure,
    SurveyDefinitionRecord,
)
from surveyapp.periods import month_of
from surveyapp.services.campaigns.campaigns import link_hash
from surveyapp.timeutil import utc_now_naive


def sample_for_link(session: Session, token: str) -> CampaignSample | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(CampaignSample)
        .options(joinedload(CampaignSample.campaign),
                 joinedload(CampaignSample.dossier).joinedload(Dossier.counter).joinedload(Counter.unit),
                 joinedload(CampaignSample.dossier).joinedload(Dossier.procedure))
        .where(CampaignSample.link_hash == link_hash(token))
    )


def submit_campaign_response(
    session: Session,
    *,
    sample: CampaignSample,
    record: SurveyDefinitionRecord,
    counter: Counter,
    validated: ValidatedAnswers,
    channel: str,
    language: str,
    procedure: Procedure | None,
    fact_sources: dict[str, Any] | None,
) -> bool:
    """Spend the campaign link and add the answer; False (nothing written) when the link was
    answered meanwhile. The sample keeps only the date, never which response it was."""
    assert validated.ok, "only validated answers are stored"
    moment = utc_now_naive()
    spent = cast(CursorResult[Any], session.execute(
        update(CampaignSample).where(CampaignSample.id == sample.id, CampaignSample.used_on.is_(None))
        .values(used_on=moment.date(), contact_cipher=None)
    ))
    if spent.rowcount != 1:
        return False
    session.add(CampaignResponse(
        uid=uuid.uuid4().hex, campaign_id=sample.campaign_id, stratum_id=sample.stratum_id,
        definition_pk=record.id, definition_id=record.definition_id, definition_version=record.version,
        unit_id=counter.unit_id, counter_id=counter.id, procedure_id=procedure.id if procedure else None,
        channel=channel, language=language, submitted_at=moment, month=month_of(moment),
        answers=validated.answers, comment=validated.comment, fact_sources=fact_sources,
    ))
    session.flush()
    return True
