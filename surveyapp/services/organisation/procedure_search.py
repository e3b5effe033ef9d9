"""The procedure picker's search: tone-insensitive, by code or by words, best match first.

Each procedure carries `search_key` ("code | name | field" folded, surveyapp/textfold.py), kept
by the ORM when a procedure is added or changed, so a search folds only the query. The database
keeps the rows holding every word (one `LIKE` per word over ~2,000 short keys) in one query;
Python ranks them (`_rank`, string tests on the folded key) and keeps the best `limit`. (Ranking
in SQL with more `LIKE`s was slower on SQLite: patterns with several `%` backtrack; reading ids
and keys first, then the best rows by id, was slower on PostgreSQL: one more round trip.) Nothing is cached in
the worker, so a procedure added or renamed is found by every worker at once.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Procedure
from surveyapp.textfold import fold_words

MAX_QUERY_WORDS = 8  # more words than a name has only slow the scan down
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class ProcedureMatch:
    code: str
    name: str
    field: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "field": self.field}


def search_procedures(session: Session, query: str, limit: int = DEFAULT_LIMIT) -> list[ProcedureMatch]:
    """The catalogue entries whose code, name or field hold every word of the query (without
    tones or case; a word may be the start or a part of a word), best first (`_rank`)."""
    words = fold_words(query)[:MAX_QUERY_WORDS]
    if not words:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    # Folded words hold only [a-z0-9.]: nothing to escape in a LIKE pattern (a bound parameter).
    holding_every_word = [Procedure.search_key.like(f"%{word}%") for word in words]
    candidates = session.execute(
        select(Procedure.code, Procedure.name, Procedure.field, Procedure.search_key)
        .where(Procedure.active.is_(True), *holding_every_word)  # a deactivated procedure is never offered
    ).all()
    phrase = " ".join(words)
    best = heapq.nsmallest(limit, candidates, key=lambda row: _rank(row.search_key, words, phrase))
    return [ProcedureMatch(row.code, row.name, row.field) for row in best]


def _rank(search_key: str, words: list[str], phrase: str) -> tuple[int, int, str]:
    """0 the code itself; 1 a code starting with the query; 2 a name starting with it; 3 the
    phrase starting a word of the name; 4 every word starting a word of the name; 5 every word
    inside the name; 6 a word only in the code or the field. Then the shorter name, the code."""
    code, name, _field = search_key.split(" | ", 2)
    if code == phrase:
        tier = 0
    elif code.startswith(phrase):
        tier = 1
    elif name.startswith(phrase):
        tier = 2
    elif f" {phrase}" in name:
        tier = 3
    else:
        spaced = f" {name}"
        if all(f" {word}" in spaced for word in words):
            tier = 4
        elif all(word in name for word in words):
            tier = 5
        else:
            tier = 6
    return tier, len(name), code
