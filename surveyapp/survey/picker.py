"""The procedure picker of the questionnaire: its search form and what the form page shows.

With JavaScript, `static/js/picker.js` asks `GET /procedures/search` as the citizen types.
Without it, the search field `procedure_q` and its button `find_procedure` post the whole
questionnaire (answers kept, nothing stored, like the language switch) and the page comes back
with the matches as choices of the `procedure` field (docs/SURVEY.md § The procedure picker).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from surveyapp.services.organisation.procedure_search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ProcedureMatch,
    search_procedures,
)
from surveyapp.web.forms import QueryForm, at_most, strip

QUERY_LIMIT = 200  # characters of a search kept: no procedure name is longer than that many words
SEARCH_FIELD = "procedure_q"
SEARCH_BUTTON = "find_procedure"


class ProcedureSearchForm(QueryForm):
    """`GET /procedures/search?q=<text>&limit=<1..50>`."""

    q = StringField(default="", filters=[strip, at_most(QUERY_LIMIT)])
    limit = IntegerField(default=DEFAULT_LIMIT, validators=[Optional(), NumberRange(1, MAX_LIMIT)])


@dataclass(frozen=True)
class PickerSearch:
    """A search posted without JavaScript: what was typed and what it found."""

    query: str
    matches: list[ProcedureMatch]


def picker_search(session: Session, typed: str) -> PickerSearch:
    """The matches of what was typed in the search field `procedure_q`."""
    query = typed.strip()[:QUERY_LIMIT]
    return PickerSearch(query, search_procedures(session, query, MAX_LIMIT))
