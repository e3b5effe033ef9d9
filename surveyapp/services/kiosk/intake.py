"""Turning a kiosk's batch of queued responses into stored responses, one item at a time.

Each item is validated through the one validation path (`validate_answers`) and stored in its
own savepoint inside the request's transaction, so one refused item never undoes the others and
the tablet learns, item by item, what it may drop from its queue (the request commits the batch
before the answer is sent: an acknowledged item is stored). The client-generated id is the
response's `uid`: a resend is acknowledged as `duplicate` and never stored twice; the same id
with different content is a `conflict` (the first version stays, nothing is overwritten).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analysis.sipas import KIOSK_FORM_ID
from surveyapp.definitions import Definition
from surveyapp.definitions.answers import ValidatedAnswers, validate_answers
from surveyapp.models import KioskDevice, Response, SurveyDefinitionRecord
from surveyapp.services.organisation.lookups import procedure_by_code
from surveyapp.services.survey.definitions import current_definition, definition_version
from surveyapp.services.survey.submission import Outcome, submit_response
from surveyapp.timeutil import to_utc_naive, utc_now_naive

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ITEM_FIELDS = {"id", "answered_at", "language", "definition_version", "complete", "answers"}
LANGUAGES = ("vi", "en")

STORED, DUPLICATE, CONFLICT, REJECTED = "stored", "duplicate", "conflict", "rejected"


@dataclass(frozen=True)
class IntakeLimits:
    comment_limit: int
    max_age: timedelta = timedelta(days=30)
    clock_skew: timedelta = timedelta(minutes=5)


@dataclass
class ItemResult:
    index: int
    id: str | None
    status: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"index": self.index, "id": self.id, "status": self.status}
        if self.errors:
            body["errors"] = self.errors
        return body


def _error(field_name: str, code: str, limit: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"field": field_name, "code": code}
    if limit is not None:
        error["limit"] = limit
    return error


_relaxed: dict[str, Definition] = {}


def _relaxed_definition(record: SurveyDefinitionRecord, definition: Definition) -> Definition:
    """The form as validated for a survey cut short by the idle timeout: only `overall` required.

    The kiosk keeps a partly answered survey when `overall` was answered (issue 5); every other
    rule (codes, ranges, unknown items) still applies through the same validation path.
    """
    relaxed = _relaxed.get(record.checksum)
    if relaxed is None:
        sections = tuple(
            dataclasses.replace(
                section,
                items=tuple(dataclasses.replace(item, required=item.id == "overall") for item in section.items),
            )
            for section in definition.sections
        )
        relaxed = dataclasses.replace(definition, sections=sections)
        _relaxed[record.checksum] = relaxed
    return relaxed


def json_int(value: Any) -> int | None:
    """A JSON integer: JSON (and JSON Schema) count 4.0 as the integer 4; true is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    number = json_int(value)
    return None if number is None else str(number)


def _as_strings(value: Any) -> list[str] | None:
    """JSON answer values (1, "yes", ["a", "b"], null) as the form-style list of strings."""
    if value is None:
        return []
    if isinstance(value, list):
        strings = [_scalar(v) for v in value]
        return None if any(v is None for v in strings) else [v for v in strings if v is not None]
    single = _scalar(value)
    return None if single is None else [single]


def _parse_moment(text: Any, limits: IntakeLimits, errors: list[dict[str, Any]]) -> datetime | None:
    if not isinstance(text, str):
        errors.append(_error("answered_at", "required" if text is None else "invalid"))
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        errors.append(_error("answered_at", "invalid"))
        return None
    if moment.tzinfo is None:  # a tablet's local clock without its offset is ambiguous
        errors.append(_error("answered_at", "invalid"))
        return None
    utc = to_utc_naive(moment)
    now = utc_now_naive()
    if utc > now + limits.clock_skew or utc < now - limits.max_age:
        errors.append(_error("answered_at", "out_of_range"))
        return None
    return utc


def _definition_for(
    session: Session, version: Any, errors: list[dict[str, Any]]
) -> tuple[SurveyDefinitionRecord, Definition] | None:
    if version is None:
        return current_definition(session, KIOSK_FORM_ID)
    number = json_int(version)
    if number is None or abs(number) > 2**31:
        errors.append(_error("definition_version", "invalid"))
        return None
    found = definition_version(session, KIOSK_FORM_ID, number)
    if found is None:
        errors.append(_error("definition_version", "unknown_version"))
    return found


def _validate_item(
    session: Session, item: Any, limits: IntakeLimits
) -> tuple[str | None, list[dict[str, Any]], dict[str, Any] | None]:
    """Check one item; returns its id, its errors, and what is needed to store it."""
    if not isinstance(item, dict):
        return None, [_error("item", "invalid")], None
    errors: list[dict[str, Any]] = []
    client_id = item.get("id")
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        errors.append(_error("id", "required" if client_id is None else "invalid"))
        client_id = None
    for key in sorted(set(item) - ITEM_FIELDS):
        errors.append(_error(str(key), "unknown_field"))
    moment = _parse_moment(item.get("answered_at"), limits, errors)
    language = item.get("language", "vi")
    if language not in LANGUAGES:
        errors.append(_error("language", "invalid"))
    complete = item.get("complete", True)
    if not isinstance(complete, bool):
        errors.append(_error("complete", "invalid"))
        complete = True
    found = _definition_for(session, item.get("definition_version"), errors)
    answers = item.get("answers")
    if not isinstance(answers, dict):
        errors.append(_error("answers", "required" if answers is None else "invalid"))
        return client_id, errors, None
    submitted: dict[str, list[str]] = {}
    for key, value in answers.items():
        strings = _as_strings(value)
        if strings is None:
            errors.append(_error(f"answers.{key}", "invalid_type"))
        else:
            submitted[str(key)] = strings
    if found is None:
        return client_id, errors, None
    record, definition = found
    if not complete:
        definition = _relaxed_definition(record, definition)
    validated = validate_answers(
        definition,
        submitted,
        lambda code: procedure_by_code(session, code) is not None,
        comment_limit=limits.comment_limit,
        reject_unknown=True,
    )
    for item_id, error in validated.errors.items():
        errors.append(_error(f"answers.{item_id}", error.code, error.limit))
    if errors:
        return client_id, errors, None
    return client_id, errors, {"record": record, "validated": validated, "moment": moment, "language": language}


def _existing(session: Session, client_id: str) -> Response | None:
    return session.scalar(select(Response).where(Response.uid == client_id))


def _same(existing: Response, device: KioskDevice, validated: ValidatedAnswers | None) -> bool:
    return (
        validated is not None
        and existing.channel == "kiosk"
        and existing.counter_id == device.counter_id
        and existing.answers == validated.answers
    )


def intake_item(session: Session, device: KioskDevice, index: int, item: Any, limits: IntakeLimits) -> ItemResult:
    client_id, errors, ready = _validate_item(session, item, limits)
    if client_id is not None:
        existing = _existing(session, client_id)
        if existing is not None:
            validated = ready["validated"] if ready else None
            return ItemResult(index, client_id, DUPLICATE if _same(existing, device, validated) else CONFLICT)
    if ready is None or client_id is None:
        return ItemResult(index, client_id, REJECTED, errors)
    counter_id = device.counter_id
    try:
        with session.begin_nested():  # this item alone is undone if its row is refused
            result = submit_response(
                session,
                record=ready["record"],
                counter=device.counter,
                validated=ready["validated"],
                channel="kiosk",
                language=ready["language"],
                uid=client_id,
                submitted_at=ready["moment"],
            )
    except IntegrityError:
        # Two identical sends raced (a retry overlapping a slow first attempt): the other won.
        existing = _existing(session, client_id)
        if existing is None:
            raise
        same = (
            existing.channel == "kiosk"
            and existing.counter_id == counter_id
            and existing.answers == ready["validated"].answers
        )
        return ItemResult(index, client_id, DUPLICATE if same else CONFLICT)
    assert result.outcome is Outcome.STORED
    return ItemResult(index, client_id, STORED)


def intake_batch(session: Session, device: KioskDevice, items: list[Any], limits: IntakeLimits) -> list[ItemResult]:
    """Store every valid new item of a batch; per-item results in the order sent."""
    return [intake_item(session, device, index, item, limits) for index, item in enumerate(items)]
