"""The report's `added_questions` block: answers to the questions added from an XLSForm, read
from the responses of the unit's subtree in the period (these questions have no tally slots)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from analysis.added_questions import added_question_of
from analysis.model import AddedQuestion
from analysis.sipas import MIN_RESPONSES
from surveyapp.definitions.model import Item
from surveyapp.models import Response, SurveyDefinitionRecord, Unit
from surveyapp.services.survey.definitions import definition_of

SHOWN_TYPES = ("choice", "multi", "integer", "text")


def _versions_with_added_items(session: Session) -> tuple[list[tuple[str, int]], dict[str, Item]]:
    """Which stored versions added questions, and each added item as its latest version words it."""
    versions: list[tuple[str, int]] = []
    items: dict[str, Item] = {}
    records = session.scalars(select(SurveyDefinitionRecord).order_by(
        SurveyDefinitionRecord.definition_id, SurveyDefinitionRecord.version))
    for record in records:
        added = [item for item in definition_of(record).added_items if item.type in SHOWN_TYPES]
        if added:
            versions.append((record.definition_id, record.version))
            items.update({item.id: item for item in added})
    return versions, items


def added_questions(
    session: Session, unit: Unit, months: Sequence[str], *, min_responses: int = MIN_RESPONSES
) -> tuple[AddedQuestion, ...] | None:
    """None when no questionnaire has added questions or no response of the period answered one."""
    versions, items = _versions_with_added_items(session)
    if not versions:
        return None
    rows = session.scalars(
        select(Response.answers)
        .join(Unit, Unit.id == Response.unit_id)
        .where(Response.month.in_(list(months)), Unit.path.startswith(unit.path, autoescape=True),
               tuple_(Response.definition_id, Response.definition_version).in_(versions))
    ).all()
    answered: dict[str, list[Any]] = {item_id: [] for item_id in items}
    for answers in rows:
        for item_id in items:
            if item_id in answers:
                answered[item_id].append(answers[item_id])
    if not any(answered.values()):
        return None
    return tuple(
        added_question_of(
            item.id, item.type, item.codes, answered[item.id],
            {"": item.labels, **{option.code: option.labels for option in item.options}},
            min_responses=min_responses,
        )
        for item in items.values()
    )
