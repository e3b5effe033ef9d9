"""Complaints and petitions ("phản ánh, kiến nghị") per unit, for QĐ 766/QĐ-TTg: one validation
for `import-feedback` and `POST /api/v1/feedback`, and one way to store them.

A complaint's code and the code of the dossier it is about are stored only as keyed hashes
(HMAC with DOSSIER_KEY), like dossier codes; the same code imported or posted again updates the
stored complaint. The dossier code is resolved to the dossier posted through the API when one
is known (the posting client's own dossiers for the API; any client's for a file).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveyapp.models import ApiClient, Dossier, Feedback, Unit
from surveyapp.services.integration.clients import unit_in_client_scope
from surveyapp.services.integration.dossiers import code_hash as dossier_code_hash
from surveyapp.services.organisation.codes import CODE_PATTERN
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.timeutil import utc_now_naive

MAX_FEEDBACK = 500
CODE_MAX = 64
REQUIRED = ("unit", "code", "received_on", "due_on", "dissatisfied")
OPTIONAL = ("handled_on", "dossier_code")
FIELDS = REQUIRED + OPTIONAL
YES, NO = ("yes", "có", "true", "1"), ("no", "không", "false", "0")

CREATED, KNOWN, OUT_OF_SCOPE, CONFLICT, INVALID = 201, 200, 403, 409, 422

#: Every reason a field is refused: English in the API's answers, translated in a file's report.
REASONS: Mapping[str, LazyString] = {
    "required": _l("a value is required"),
    "unknown_unit": _l("unknown unit code"),
    "code": _l("text of 1 to %(max)s characters", max=CODE_MAX),
    "date": _l("expected a date YYYY-MM-DD"),
    "calendar": _l("not a calendar date"),
    "before_received": _l("before received_on"),
    "yes_no": _l("expected yes or no"),
    "unknown_field": _l("unknown field"),
    "object": _l("expected an object"),
    "out_of_scope": _l("outside the units this client may post for"),
    "taken": _l("this code belongs to a complaint of a unit outside this client's units"),
    "concurrent": _l("posted concurrently: send it again"),
}
#: The API answers in English, whatever the caller's language (as the dossier API does).
ENGLISH = {
    "required": "required", "unknown_unit": "unknown unit code",
    "code": f"required: text of 1 to {CODE_MAX} characters", "date": "expected a date YYYY-MM-DD",
    "calendar": "not a calendar date", "before_received": "before received_on",
    "yes_no": "expected true or false (or yes or no)", "unknown_field": "unknown field",
    "object": "expected an object", "out_of_scope": "outside the units this client may post for",
    "taken": "this code belongs to a complaint of a unit outside this client's units",
    "concurrent": "posted concurrently: send it again",
}


@dataclass(frozen=True)
class FeedbackFacts:
    unit: Unit
    code: str
    received_on: date
    due_on: date
    handled_on: date | None
    dissatisfied: bool
    dossier_code: str | None


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str  # a key of REASONS


@dataclass
class FeedbackResult:
    """The answer for one posted complaint, in the contract's shape (docs/INTEGRATION.md)."""

    code: str | None
    status: int
    dossier_linked: bool | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "status": self.status, "dossier_linked": self.dossier_linked,
                "errors": self.errors}


def _mac(key: str, text: str) -> str:
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def feedback_hash(key: str, code: str) -> str:
    return _mac(key, f"feedback:{code}")


def feedback_dossier_hash(key: str, code: str) -> str:
    return _mac(key, f"feedback-dossier:{code}")


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _date(value: Any, name: str, problems: list[Problem], required: bool) -> date | None:
    text = _text(value)
    if not text:
        if value is not None and not isinstance(value, str):
            problems.append(Problem(name, "date"))
        elif required:
            problems.append(Problem(name, "required"))
        return None
    # An XLSX date cell arrives as its ISO date-time at midnight.
    text = text.removesuffix("T00:00:00")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems.append(Problem(name, "date"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(name, "calendar"))
        return None


def _yes_no(value: Any, problems: list[Problem]) -> bool | None:
    if isinstance(value, bool):
        return value
    text = (_text(value) or "").lower()
    if text in YES:
        return True
    if text in NO:
        return False
    empty = value is None or (isinstance(value, str) and not value.strip())
    problems.append(Problem("dissatisfied", "required" if empty else "yes_no"))
    return None


def _code(value: Any, name: str, problems: list[Problem], required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(name, "code"))
        return None
    if not isinstance(value, str) or len(value.strip()) > CODE_MAX or not value.strip().isprintable():
        problems.append(Problem(name, "code"))
        return None
    return value.strip()


def parse_feedback(session: Session, item: Mapping[str, Any]) -> tuple[FeedbackFacts | None, list[Problem]]:
    """The facts of one complaint (a file's row or a posted object), or every problem found."""
    problems: list[Problem] = []
    unit_code = _text(item.get("unit"))
    unit = _unit(session, unit_code)
    if not unit_code:
        problems.append(Problem("unit", "required"))
    elif unit is None:
        problems.append(Problem("unit", "unknown_unit"))
    code = _code(item.get("code"), "code", problems, required=True)
    received_on = _date(item.get("received_on"), "received_on", problems, required=True)
    due_on = _date(item.get("due_on"), "due_on", problems, required=True)
    handled_on = _date(item.get("handled_on"), "handled_on", problems, required=False)
    if received_on and due_on and due_on < received_on:
        problems.append(Problem("due_on", "before_received"))
    if received_on and handled_on and handled_on < received_on:
        problems.append(Problem("handled_on", "before_received"))
    dissatisfied = _yes_no(item.get("dissatisfied"), problems)
    dossier_code = _code(item.get("dossier_code"), "dossier_code", problems, required=False)
    if problems or unit is None or code is None or received_on is None or due_on is None or dissatisfied is None:
        return None, problems
    return FeedbackFacts(unit, code, received_on, due_on, handled_on, dissatisfied, dossier_code), []


def _unit(session: Session, code: str | None) -> Unit | None:
    """Only a code of the right shape is looked up (a NUL byte would fail on PostgreSQL)."""
    return unit_by_code(session, code) if code and CODE_PATTERN.match(code) else None


def _linked_dossier(session: Session, key: str, code: str, clients: list[ApiClient]) -> Dossier | None:
    for client in clients:
        found = session.scalar(select(Dossier).where(
            Dossier.client_id == client.id, Dossier.code_hash == dossier_code_hash(key, client, code)))
        if found is not None:
            return found
    return None


def stored_feedback(session: Session, key: str, code: str) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.code_hash == feedback_hash(key, code)))


def apply_feedback(
    session: Session, feedback: Feedback, facts: FeedbackFacts, key: str, clients: list[ApiClient]
) -> None:
    """Set a complaint's facts (new or stored); the dossier code is resolved again each time."""
    feedback.unit_id = facts.unit.id
    feedback.received_on = facts.received_on
    feedback.due_on = facts.due_on
    feedback.handled_on = facts.handled_on
    feedback.dissatisfied = facts.dissatisfied
    if facts.dossier_code is None:
        feedback.dossier_hash = None
        feedback.dossier_id = None
    else:
        feedback.dossier_hash = feedback_dossier_hash(key, facts.dossier_code)
        dossier = _linked_dossier(session, key, facts.dossier_code, clients)
        feedback.dossier_id = dossier.id if dossier else None


def all_clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).order_by(ApiClient.id)))


def _english(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"field": p.field, "message": ENGLISH[p.reason]} for p in problems]


def post_one(session: Session, client: ApiClient, item: Any, key: str) -> FeedbackResult:
    if not isinstance(item, dict):
        return FeedbackResult(None, INVALID, errors=_english([Problem("", "object")]))
    posted = item.get("code")
    shown = posted if isinstance(posted, str) and len(posted) <= CODE_MAX else None
    unknown = [Problem(name[:64], "unknown_field") for name in sorted(map(str, item)) if name not in FIELDS]
    facts, problems = parse_feedback(session, item)
    unit = facts.unit if facts else _unit(session, _text(item.get("unit")))
    if unit is not None and not unit_in_client_scope(client, unit):
        return FeedbackResult(shown, OUT_OF_SCOPE, errors=_english([Problem("unit", "out_of_scope")]))
    if facts is None or unknown:
        return FeedbackResult(shown, INVALID, errors=_english(unknown + problems))
    existing = stored_feedback(session, key, facts.code)
    if existing is not None:
        if not unit_in_client_scope(client, existing.unit):
            return FeedbackResult(facts.code, CONFLICT, errors=_english([Problem("code", "taken")]))
        apply_feedback(session, existing, facts, key, [client])
        existing.updated_at = utc_now_naive()
        session.flush()
        return FeedbackResult(facts.code, KNOWN, dossier_linked=_linked(existing))
    feedback = Feedback(code_hash=feedback_hash(key, facts.code), created_at=utc_now_naive())
    apply_feedback(session, feedback, facts, key, [client])
    try:
        with session.begin_nested():
            session.add(feedback)
    except IntegrityError:  # the same complaint posted by a concurrent request: it owns it
        return FeedbackResult(facts.code, CONFLICT, errors=_english([Problem("code", "concurrent")]))
    return FeedbackResult(facts.code, CREATED, dossier_linked=_linked(feedback))


def _linked(feedback: Feedback) -> bool | None:
    return None if feedback.dossier_hash is None else feedback.dossier_id is not None


def post_feedback(session: Session, client: ApiClient, items: list[Any], key: str) -> list[FeedbackResult]:
    """Per-item results in the order posted; only 200 and 201 items are stored."""
    return [post_one(session, client, item, key) for item in items]
