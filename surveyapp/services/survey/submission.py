"""Storing one response with its tally, one-time tokens spent atomically (the caller's
transaction: the request or command commits)."""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, update
from sqlalchemy.orm import Session

from surveyapp.definitions.answers import ValidatedAnswers
from surveyapp.models import Counter, Dossier, Procedure, Response, SurveyDefinitionRecord, SurveyToken
from surveyapp.periods import month_of
from surveyapp.services import driver_sql
from surveyapp.services.reporting.aggregates import add_pending, tally_of_one
from surveyapp.timeutil import VIETNAM, utc_now_naive

#: The `overall` scores that rate a dossier "dissatisfied" (QĐ 766/QĐ-TTg; docs/ANALYSIS.md).
DISSATISFIED_SCORES = ("1", "2")


_RESPONSE = cast(Table, Response.__table__)


class Outcome(enum.Enum):
    STORED = "stored"
    TOKEN_ALREADY_USED = "token_already_used"


@dataclass(frozen=True)
class SubmitResult:
    outcome: Outcome
    response_uid: str | None = None


def submit_response(
    session: Session,
    *,
    record: SurveyDefinitionRecord,
    counter: Counter,
    validated: ValidatedAnswers,
    channel: str,
    language: str,
    procedure: Procedure | None = None,
    token: SurveyToken | None = None,
    uid: str | None = None,
    submitted_at: datetime | None = None,
    dossier: Dossier | None = None,
    fact_sources: dict[str, Any] | None = None,
) -> SubmitResult:
    """Add validated answers and their tally to the session. With a token (or a dossier's
    link), it is spent in the same transaction, and one spent meanwhile by someone else leaves
    everything unchanged (TOKEN_ALREADY_USED, nothing written). Like a token's, the dossier's
    record of use is a date with no link to the response."""
    assert validated.ok, "only validated answers are stored"
    moment = submitted_at or utc_now_naive()
    used_on = moment.replace(tzinfo=None).date() if moment.tzinfo is None else moment.astimezone(VIETNAM).date()
    response: dict[str, Any] = dict(
        uid=uid or uuid.uuid4().hex,
        definition_pk=record.id,
        definition_id=record.definition_id,
        definition_version=record.version,
        unit_id=counter.unit_id,
        counter_id=counter.id,
        procedure_id=procedure.id if procedure else None,
        channel=channel,
        language=language,
        submitted_at=moment,
        month=month_of(moment),
        answers=validated.answers,
        comment=validated.comment,
        fact_sources=fact_sources,
    )
    # Everything is read and counted before the first write: from then on the transaction
    # holds locks other submissions wait for (SQLite's write lock; on PostgreSQL the rows of
    # the aggregates), so only the statements themselves come between it and the commit.
    pending = tally_of_one(session, response)
    for link in (token, dossier):
        if link is None:
            continue
        model = type(link)
        values: dict[str, Any] = {"used_on": used_on}
        if isinstance(link, Dossier):
            # QĐ 766 counts dossiers rated dissatisfied: a flag, never which response it was.
            values["rated_dissatisfied"] = str(validated.answers.get("overall")) in DISSATISFIED_SCORES
        # The conditional UPDATE is the lock: of two racing submissions only one matches.
        spent = cast(CursorResult[Any], session.execute(
            update(model).where(model.id == link.id, model.used_on.is_(None)).values(**values)
        ))
        if spent.rowcount != 1:
            return SubmitResult(Outcome.TOKEN_ALREADY_USED)  # nothing was written
    # Straight through the driver, its values converted as SQLAlchemy's INSERT would: the ORM's
    # unit of work and even a Core INSERT cost more than the insert itself, and nothing reads
    # the row back in this transaction. A refused row (a duplicate uid) fails here, where the
    # caller can tell.
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # The response, its group and its units' rollups in one statement: one round trip.
        add_pending(session, pending, first=driver_sql.insert_statement(connection, _RESPONSE, response))
    else:
        driver_sql.insert(session, _RESPONSE, response)
        add_pending(session, pending)  # the monthly aggregates, in the same transaction
    return SubmitResult(Outcome.STORED, response["uid"])
