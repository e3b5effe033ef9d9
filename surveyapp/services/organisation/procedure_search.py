"""The procedure picker's search: tone-insensitive, by code or by words, best match first.

Each procedure carries `search_key` ("code | name | field" folded, surveyapp/textfold.py), kept
by the ORM when a procedure is added or changed, so a search folds only the query. The database
keeps the rows holding every word (one `LIKE` per word over ~2,000 short keys, a scan of well
under a millisecond per thousand rows); Python ranks those few (`_rank`). Nothing is cached in
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
    tones or case; a word may be the start or a part of a word), best first: the code itself,
    a code starting with the query, a name starting with it, the phrase in the name, every word
    starting a word of the name, then the rest; shorter names first within a rank."""
    words = fold_words(query)[:MAX_QUERY_WORDS]
    if not words:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    statement = select(Procedure.code, Procedure.name, Procedure.field, Procedure.search_key)
    for word in words:  # folded words hold only [a-z0-9.]: nothing to escape in a LIKE pattern
        statement = statement.where(Procedure.search_key.like(f"%{word}%"))
    rows = session.execute(statement).all()
    phrase = " ".join(words)
    best = heapq.nsmallest(limit, rows, key=lambda row: _rank(row.search_key, words, phrase) + (row.code,))
    return [ProcedureMatch(row.code, row.name, row.field) for row in best]


def _rank(search_key: str, words: list[str], phrase: str) -> tuple[int, int]:
    code, name, _field = search_key.split(" | ", 2)
    if code == phrase:
        tier = 0
    elif code.startswith(phrase):
        tier = 1
    elif name.startswith(phrase):
        tier = 2
    elif f" {phrase}" in f" {name}":
        tier = 3
    else:
        name_words = name.split()
        starts = all(any(w.startswith(word) for w in name_words) for word in words)
        if starts:
            tier = 4
        elif all(word in name for word in words):
            tier = 5
        else:
            tier = 6  # some word only in the code or the field
    return tier, len(name)
