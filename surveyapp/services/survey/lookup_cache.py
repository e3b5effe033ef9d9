"""Per-worker copies of what every survey link looks up: a counter with its unit chain, a
procedure by code, the current stored questionnaire (docs/ARCHITECTURE.md, "Look-up cache").

A citizen's POST used to read these with five queries. Here each worker keeps copies and asks
the database one question per transaction instead: the value of `lookup_generation`, which
triggers raise in the same transaction as any change to units, counters, procedures or stored
questionnaires (migration 0010_lookup_generation). When it differs from the value the copies
were read under, they are all dropped and read again. So a renamed counter or a new
questionnaire version is seen by every worker from the first request that starts after the
change commits, on every database and whoever wrote it (a page, an import, the CLI, psql).

The copies are detached ORM objects read in a session of their own on the request's
connection (same transaction, same snapshot), with every attribute the survey pages and
`submit_response` use already loaded; they are never added to a session and never changed.
Unknown codes are not remembered (a scan of made-up codes cannot grow the cache). One cache
per engine, so tests and tools that open several databases in one process never share one.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from surveyapp.definitions import Definition
from surveyapp.models import Counter, LookupGeneration, Procedure, SurveyDefinitionRecord, Unit
from surveyapp.services import driver_sql
from surveyapp.services.organisation.lookups import counter_by_code, procedure_by_code, unit_chain
from surveyapp.services.survey.definitions import current_definition

T = TypeVar("T")
_CHECKED = "lookup_cache.checked"  # session.info: (transaction, copies) of the last generation read


@dataclass
class _Copies:
    generation: int
    counters: dict[str, tuple[Counter, tuple[Unit, ...]]] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    definitions: dict[str, tuple[SurveyDefinitionRecord, Definition]] = field(default_factory=dict)


_by_engine: WeakKeyDictionary[Engine, _Copies] = WeakKeyDictionary()
_lock = threading.Lock()  # threaded servers (the test live server): one replacement at a time


_GENERATION = f"SELECT value FROM {LookupGeneration.__tablename__} WHERE id = 1"


def current_generation(session: Session) -> int:
    return int(driver_sql.scalar(session, _GENERATION) or 0)


def _copies(session: Session) -> _Copies:
    """This worker's copies, valid for the session's current transaction: the generation is
    read once per transaction (one primary-key SELECT), not once per look-up."""
    checked = session.info.get(_CHECKED)
    transaction = session.get_transaction()
    if checked is not None and transaction is not None and checked[0] is transaction:
        return checked[1]
    generation = current_generation(session)
    engine = session.get_bind().engine
    with _lock:
        copies = _by_engine.get(engine)
        if copies is None or copies.generation != generation:
            copies = _Copies(generation)
            _by_engine[engine] = copies
    session.info[_CHECKED] = (session.get_transaction(), copies)
    return copies


def _read_detached(session: Session, read: Callable[[Session], T]) -> T:
    """Run `read` in a session of its own on the request's connection and transaction; closing
    it detaches what it loaded, so the copies never belong to any request's session."""
    with Session(bind=session.connection()) as reader:
        return read(reader)


def counter_with_units(session: Session, code: str) -> tuple[Counter, tuple[Unit, ...]] | None:
    """The counter of a code and its unit chain (root first), or None."""
    copies = _copies(session)
    found = copies.counters.get(code)
    if found is None:

        def read(reader: Session) -> tuple[Counter, tuple[Unit, ...]] | None:
            counter = counter_by_code(reader, code)
            return None if counter is None else (counter, tuple(unit_chain(counter.unit)))

        found = _read_detached(session, read)
        if found is not None:
            copies.counters[code] = found
    return found


def procedure(session: Session, code: str) -> Procedure | None:
    copies = _copies(session)
    found = copies.procedures.get(code)
    if found is None:
        found = _read_detached(session, lambda reader: procedure_by_code(reader, code))
        if found is not None:
            copies.procedures[code] = found
    return found


def definition(session: Session, definition_id: str) -> tuple[SurveyDefinitionRecord, Definition] | None:
    """The current (highest) stored version of a questionnaire, parsed."""
    copies = _copies(session)
    found = copies.definitions.get(definition_id)
    if found is None:
        found = _read_detached(session, lambda reader: current_definition(reader, definition_id))
        if found is not None:
            copies.definitions[definition_id] = found
    return found
