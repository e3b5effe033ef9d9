"""One validation path for every way answers arrive: the web form, the kiosk API, file imports.

Input is a mapping from item id to a list of submitted strings (a form's MultiDict gives that
directly). Output is the clean answers dict that is stored, or per-item error codes that each
caller turns into messages in the respondent's language.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from surveyapp.definitions.model import Definition, Item
from surveyapp.definitions.relevant import relevance
from surveyapp.textinput import clean_text

REQUIRED = "required"
INVALID_CHOICE = "invalid_choice"
TOO_LONG = "too_long"
UNKNOWN_PROCEDURE = "unknown_procedure"
MULTIPLE_VALUES = "multiple_values"
UNKNOWN_ITEM = "unknown_item"
NOT_A_NUMBER = "not_a_number"
#: The largest whole number an integer question takes (it is stored in JSON, read by reports).
INTEGER_LIMIT = 10**9


@dataclass(frozen=True)
class AnswerError:
    code: str
    limit: int | None = None


@dataclass
class ValidatedAnswers:
    answers: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    procedure_code: str | None = None
    errors: dict[str, AnswerError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_answers(
    definition: Definition,
    submitted: Mapping[str, Sequence[str]],
    procedure_exists: Callable[[str], bool],
    *,
    comment_limit: int | None = None,
    reject_unknown: bool = False,
) -> ValidatedAnswers:
    """Check every item of `definition` against what was submitted.

    Ratings are stored as ints 1..5 or "na"; choices as their code; multi choices as a list of
    codes; `procedure` as the catalogue code. Items hidden by skip logic are dropped, so an
    `apology` sent with `ontime` other than `late` is never stored.
    """
    result = ValidatedAnswers()
    # Control characters are removed here too, for the callers that are not a web form (the
    # kiosk API, imports): the same answers are stored on every database (surveyapp/textinput.py).
    cleaned = {key: [clean_text(v) for v in vals if v is not None] for key, vals in submitted.items()}
    values = {key: [v.strip() for v in vals if v.strip() != ""] for key, vals in cleaned.items()}
    if reject_unknown:
        for key in values:
            if key not in definition.item_ids:
                result.errors[key] = AnswerError(UNKNOWN_ITEM)

    conditional = definition.relevant_expressions
    for item in definition.items:
        given = values.get(item.id, [])
        if item.show_if is not None:
            controlling, expected = item.show_if
            if values.get(controlling, [None])[0] != expected:
                continue
        if item.type == "note":
            continue  # a note is read, never answered
        if not given:
            if item.required and item.id not in conditional:
                result.errors[item.id] = AnswerError(REQUIRED)
            continue
        error = _check(item, given, result, procedure_exists, comment_limit)
        if error is not None:
            result.errors[item.id] = error
    if conditional:
        _apply_relevance(definition, result)
    if result.errors:
        result.answers.clear()
        result.comment = None
        result.procedure_code = None
    return result


def _apply_relevance(definition: Definition, result: ValidatedAnswers) -> None:
    """XLSForm skip logic, as the form's script applies it: a question not shown is neither
    stored nor checked, and a required one is required only when shown."""
    shown = relevance(definition.relevant_expressions, result.answers)
    for item_id, visible in shown.items():
        if not visible:
            result.answers.pop(item_id, None)
            result.errors.pop(item_id, None)
        elif definition.item(item_id).required and item_id not in result.answers and item_id not in result.errors:
            result.errors[item_id] = AnswerError(REQUIRED)


def _check(
    item: Item,
    given: list[str],
    result: ValidatedAnswers,
    procedure_exists: Callable[[str], bool],
    comment_limit: int | None,
) -> AnswerError | None:
    if item.type == "multi":
        if any(v not in item.codes for v in given):
            return AnswerError(INVALID_CHOICE)
        result.answers[item.id] = sorted(set(given), key=item.codes.index)
        return None
    if len(given) > 1:
        return AnswerError(MULTIPLE_VALUES)
    value = given[0]
    if item.type == "rating":
        if value in item.codes:
            result.answers[item.id] = int(value)
        elif item.not_applicable is not None and value == item.not_applicable.code:
            result.answers[item.id] = item.not_applicable.code
        else:
            return AnswerError(INVALID_CHOICE)
    elif item.type == "choice":
        if value not in item.codes:
            return AnswerError(INVALID_CHOICE)
        result.answers[item.id] = value
    elif item.type == "text":
        limit = min(filter(None, (item.max_length, comment_limit)), default=None)
        if limit is not None and len(value) > limit:
            return AnswerError(TOO_LONG, limit)
        if item.id == "comment":
            result.comment = value
        else:
            result.answers[item.id] = value
    elif item.type == "integer":
        number = value.removeprefix("-")
        if not number.isascii() or not number.isdigit() or int(value) > INTEGER_LIMIT or int(value) < -INTEGER_LIMIT:
            return AnswerError(NOT_A_NUMBER)
        result.answers[item.id] = int(value)
    elif item.type == "procedure":
        if not procedure_exists(value):
            return AnswerError(UNKNOWN_PROCEDURE)
        result.procedure_code = value
    return None
