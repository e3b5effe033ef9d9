"""Per-item error messages, in the respondent's language."""
from __future__ import annotations

from flask_babel import gettext as _

from surveyapp.definitions.answers import (
    INVALID_CHOICE,
    MULTIPLE_VALUES,
    NOT_A_NUMBER,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_ITEM,
    UNKNOWN_PROCEDURE,
    AnswerError,
)


def error_message(error: AnswerError) -> str:
    if error.code == REQUIRED:
        return _("Please answer this question.")
    if error.code == TOO_LONG:
        return _("Please shorten this to at most %(limit)s characters.", limit=error.limit)
    if error.code == UNKNOWN_PROCEDURE:
        return _("Please pick a procedure from the list.")
    if error.code == MULTIPLE_VALUES:
        return _("Please choose only one answer.")
    if error.code == INVALID_CHOICE:
        return _("Please choose one of the answers shown.")
    if error.code == UNKNOWN_ITEM:
        return _("This question is not part of the survey.")
    if error.code == NOT_A_NUMBER:
        return _("Please enter a whole number.")
    return _("This answer is not valid.")
