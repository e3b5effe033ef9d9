"""Monthly tallies kept up to date as responses arrive, so reports never rescan raw answers.

Every store path adds the tally of what it inserts to `response_tally` in the same transaction
(`record_tallies`): a response and its contribution to the aggregates commit or roll back
together. The upsert is `INSERT ... ON CONFLICT (group) DO UPDATE SET s = s + excluded.s`,
race-safe on PostgreSQL (row lock on the group) and on SQLite (one writer at a time).

The same upsert adds it to the per-unit rollups of the unit and its ancestors
(surveyapp/services/reporting/rollups.py), which the reports read.

`rebuild_month` recomputes a month from raw responses (the documented repair job,
`flask --app surveyapp rebuild-aggregates`), and `compare_with_raw` checks every slot of every
group, and of every unit's rollup, for integer equality.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, func, select, text
from sqlalchemy.orm import QueryableAttribute, Session

from analysis.responses import ResponseArrays
from analysis.slots import tally_one
from analysis.tally import TALLY_SLOTS, TALLY_WIDTH, slot, tally
from surveyapp.models import Response, SurveyDefinitionRecord, Unit
from surveyapp.models.operations import (
    ROW_KEY,
    SLOT_COLUMNS,
    TALLY_KEY,
    TALLY_SHARDS,
    response_tally,
    slot_column,
    unit_rollup,
)
from surveyapp.services import driver_sql
from surveyapp.services.reporting import rollups
from surveyapp.services.reporting.slot_upserts import pg_bulk_upsert, pg_upsert_with_rollups, row_upsert, upsert_values

if TYPE_CHECKING:
    import numpy as np

# numpy is imported by the functions that count many responses or compare vectors; a citizen's
# form stores one response, counted in plain Python (`record_tallies`), so a worker that only
# serves the form never loads it (docs/BENCHMARKS.md, worker memory).

GroupKey = tuple[str, int, int, int, str, str]  # month, unit, counter (0 none), procedure (0 none), channel, definition
REBUILD_CHUNK = 5000


def _get(response: Any, name: str) -> Any:
    return response[name] if isinstance(response, Mapping) else getattr(response, name)


def group_key(response: Any) -> GroupKey:
    """The aggregate group of a Response object or a `response` insert dict."""
    return (
        str(_get(response, "month")),
        int(_get(response, "unit_id")),
        int(_get(response, "counter_id") or 0),
        int(_get(response, "procedure_id") or 0),
        str(_get(response, "channel")),
        str(_get(response, "definition_id")),
    )


# Stored definition versions never change (a new version is a new row), so whether a
# definition's form offers `expect` is cached per process by primary key.
_OFFERS_EXPECT: dict[tuple[str, int], bool] = {}  # (database URL, definition pk) -> offers expect


def offers_expect(session: Session, definition_pks: Iterable[int]) -> dict[int, bool]:
    """Whether each stored definition's form offered the `expect` question (its respondents
    are the denominator of the expectation shares, answered or not)."""
    database = str(session.get_bind().engine.url)
    wanted = set(definition_pks)
    missing = {pk for pk in wanted if (database, pk) not in _OFFERS_EXPECT}
    if missing:
        record = SurveyDefinitionRecord
        query = select(record.id, record.body).where(record.id.in_(missing))
        for pk, body in session.execute(query):
            items = (item for section in body["sections"] for item in section["items"])
            _OFFERS_EXPECT[(database, pk)] = any(item["id"] == "expect" for item in items)
    return {pk: _OFFERS_EXPECT.get((database, pk), False) for pk in wanted}


def tallies_of(session: Session, responses: Sequence[Any]) -> dict[GroupKey, np.ndarray]:
    """Tally vectors per group of the given responses (objects or insert dicts)."""
    import numpy as np

    if not responses:
        return {}
    keys = [group_key(r) for r in responses]
    index: dict[GroupKey, int] = {}
    group = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.intp, count=len(keys))
    asked = offers_expect(session, {int(_get(r, "definition_pk")) for r in responses})
    arrays = ResponseArrays.from_records(
        [{**(_get(r, "answers") or {}), "expect_asked": asked[int(_get(r, "definition_pk"))]} for r in responses]
    )
    counts = tally(arrays, group, len(index))
    return {key: counts[i] for key, i in index.items()}


_ROW_UPSERT = row_upsert("response_tally", ROW_KEY)


def add_tallies(
    session: Session,
    tallies: Mapping[GroupKey, np.ndarray | Sequence[int]],
    *,
    lock: bool = True,
    first: tuple[str, Sequence[Any]] | None = None,
) -> None:
    """Add tally vectors to their groups (no commit). Groups are written in key order, so two
    transactions touching the same groups lock them in the same order and cannot deadlock.
    On PostgreSQL the months are first locked in shared mode against a concurrent rebuild
    (`lock=False`: the caller has locked them). `first` (an INSERT with `%s` placeholders and
    its parameters, PostgreSQL only) is sent in the same statement as one submission's group
    and rollups (`slot_upserts.pg_upsert_with_rollups`)."""
    on_postgres = session.get_bind().dialect.name == "postgresql"
    if first is not None and not (on_postgres and len(tallies) == 1):
        raise ValueError("first: the INSERT sent with one submission's aggregates, PostgreSQL only")
    if not tallies:
        return
    if lock:
        _lock_months(session, (key[0] for key in tallies), exclusive=False)
    # Each process writes its own shard of a group: gunicorn's sync workers serve one request
    # at a time, so two workers never wait on each other's row of a hot group.
    shard = os.getpid() % TALLY_SHARDS
    if len(tallies) == 1:  # one submission: its group, then its unit's and ancestors' rollups
        [(key, vector)] = tallies.items()
        slots = [int(v) for v in vector]
        if on_postgres:  # one statement, the path read in it
            group: dict[str, Any] = dict(zip(TALLY_KEY, key, strict=True))
            group["shard"] = shard
            pg_upsert_with_rollups(session, group, ROW_KEY, slots, first)
            return
        upsert_values(session, "response_tally", ROW_KEY, [(*key, shard, *slots)])
        rollups.add_rollups_of_one(session, key, slots, shard)
        return
    rows = []
    for key in sorted(tallies):
        row: dict[str, Any] = dict(zip(TALLY_KEY, key, strict=True))
        row["shard"] = shard
        row.update(zip(SLOT_COLUMNS, (int(v) for v in tallies[key]), strict=True))
        rows.append(row)
    if on_postgres:
        # Bulk (imports, rebuilds): one statement with one JSON parameter instead of thousands
        # of rows x 217 bound parameters, about ten times faster.
        session.execute(_PG_BULK_UPSERT, {"rows": json.dumps(rows)})
    else:
        session.execute(_ROW_UPSERT, rows)
    # The unit's and its ancestors' rollups, in the same transaction and the same shard.
    rollups.add_rollups(session, tallies, shard)


_PG_BULK_UPSERT = pg_bulk_upsert("response_tally", ROW_KEY)


# The unit tree's lock, then the month's, in one statement and in that order (the CTE is read
# before the outer projection runs): `_lock_months`, for one month, straight through the driver.
_LOCK_ONE_MONTH_SHARED = (
    "WITH tree AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(?, ?) AS held) "
    "SELECT pg_advisory_xact_lock_shared(?, hashtext(?)) FROM tree"
)


@dataclass(frozen=True)
class PendingTally:
    """What one response adds to the aggregates, worked out before anything is written."""

    tallies: dict[GroupKey, list[int]]
    # PostgreSQL: the unit tree and the month are locked (shared) already; the unit's path is
    # read by the write statement, after those locks. SQLite locks nothing: the path is read
    # after the first write, under the one write lock.
    month_locked: bool


def tally_of_one(session: Session, response: Any) -> PendingTally:
    """The tally of one response about to be inserted: reads and counting only.

    A submission computes this first and writes afterwards (`add_pending`), so the statements
    that lock shared rows (SQLite's one write lock; PostgreSQL's rows of a group, a unit's
    rollup and the rate-limit bucket) come together at the end of the request, and no lock is
    held while Python counts (docs/BENCHMARKS.md, the submission path).

    The unit's path must be read where a concurrent move of units cannot change it before the
    rollups are written: on PostgreSQL after the shared locks of the unit tree and the month,
    taken here (a move rebuilds the rollups under the tree's exclusive lock), on SQLite inside
    the write transaction."""
    pk = int(_get(response, "definition_pk"))
    asked = offers_expect(session, [pk])
    answers = {**(_get(response, "answers") or {}), "expect_asked": asked[pk]}
    key = group_key(response)
    on_postgres = session.get_bind().dialect.name == "postgresql"
    if on_postgres:
        driver_sql.rows(session, _LOCK_ONE_MONTH_SHARED, (*TREE_LOCK, ADVISORY_NAMESPACE, key[0]))
    return PendingTally({key: tally_one(answers)}, month_locked=on_postgres)


def add_pending(session: Session, pending: PendingTally, first: tuple[str, Sequence[Any]] | None = None) -> None:
    """Write what `tally_of_one` worked out (no commit), after `first` (`add_tallies`)."""
    add_tallies(session, pending.tallies, lock=not pending.month_locked, first=first)


def record_tallies(session: Session, responses: Sequence[Any]) -> None:
    """Add the tallies of responses being inserted in this transaction (no commit).

    Call it from every path that inserts into `response` (form, kiosk, file import, demo),
    before the commit that stores the responses. One response (the citizen's form) is counted
    in plain Python (`analysis.slots.tally_one`, equal to numpy's tally of that record)."""
    if len(responses) == 1:
        add_pending(session, tally_of_one(session, responses[0]))
        return
    add_tallies(session, tallies_of(session, list(responses)))


def stored_tallies(session: Session, months: Iterable[str] | None = None) -> dict[GroupKey, np.ndarray]:
    """Every stored group (of the given months) with its tally vector (its shards summed)."""
    import numpy as np

    keys = [response_tally.c[k] for k in TALLY_KEY]
    query = select(*keys, *[func.sum(response_tally.c[c]) for c in SLOT_COLUMNS]).group_by(*keys)
    if months is not None:
        query = query.where(response_tally.c.month.in_(list(months)))
    out: dict[GroupKey, np.ndarray] = {}
    for row in session.execute(query):
        key: Any = tuple(row[: len(TALLY_KEY)])
        out[key] = np.array([int(v) for v in row[len(TALLY_KEY) :]], dtype=np.int64)
    return out


def summed_tallies(
    session: Session,
    months: Sequence[str],
    by: Sequence[str] = ("unit_id",),
    unit_ids: Sequence[int] | None = None,
) -> dict[tuple[Any, ...], np.ndarray]:
    """SQL sums of the tally slots over the requested months, grouped by columns of the key.

    Only rows of those months are read (the unique key's index starts with `month`)."""
    import numpy as np

    columns = [response_tally.c[name] for name in by]
    query = (
        select(*columns, *[func.sum(response_tally.c[c]) for c in SLOT_COLUMNS])
        .where(response_tally.c.month.in_(list(months)))
        .group_by(*columns)
    )
    if unit_ids is not None:
        query = query.where(response_tally.c.unit_id.in_(list(unit_ids)))
    out: dict[tuple[Any, ...], np.ndarray] = {}
    for row in session.execute(query):
        out[tuple(row[: len(by)])] = np.array([int(v or 0) for v in row[len(by) :]], dtype=np.int64)
    return out


def _raw_responses(session: Session, month: str | None) -> Iterator[list[dict[str, Any]]]:
    query = select(
        Response.month,
        Response.unit_id,
        Response.counter_id,
        Response.procedure_id,
        Response.channel,
        Response.definition_id,
        Response.definition_pk,
        Response.answers,
    ).order_by(Response.id)
    if month is not None:
        query = query.where(Response.month == month)
    result = session.execute(query.execution_options(yield_per=REBUILD_CHUNK))
    for chunk in result.partitions(REBUILD_CHUNK):
        yield [row._asdict() for row in chunk]


def recompute_from_raw(session: Session, month: str | None = None) -> dict[GroupKey, np.ndarray]:
    """The tallies recomputed from raw responses (of one month, or all), in memory."""

    total: dict[GroupKey, np.ndarray] = {}
    for chunk in _raw_responses(session, month):
        for key, vector in tallies_of(session, chunk).items():
            if key in total:
                total[key] += vector
            else:
                total[key] = vector.copy()
    return total


@dataclass(frozen=True)
class RebuildSummary:
    responses: int
    groups: int

    def __add__(self, other: RebuildSummary) -> RebuildSummary:
        return RebuildSummary(self.responses + other.responses, self.groups + other.groups)


def all_months(session: Session) -> list[str]:
    """Every month that has responses or aggregates."""
    months = set(session.scalars(select(Response.month).distinct()))
    months.update(session.scalars(select(response_tally.c.month).distinct()))
    months.update(rollups.rollup_months(session))
    return sorted(months)


def rebuild_month(session: Session, month: str) -> RebuildSummary:
    """Recompute one month of `response_tally` from its raw responses (no commit: the
    `rebuild-aggregates` command commits month by month, so a long rebuild never holds one
    lock for hours).

    Submissions keep working meanwhile. On PostgreSQL the month is locked with an exclusive
    advisory lock, which every upsert of that month takes in shared mode (`add_tallies`): a
    submission in flight is waited for and then read from `response`; one arriving during the
    rebuild waits, then adds its tally to the rebuilt rows; other months are not blocked at all.
    SQLite has one writer at a time anyway (the DELETE takes the write lock before anything is
    read; a rebuild of one office's month takes well under its 10 s busy timeout)."""
    _lock_months(session, [month], exclusive=True)
    session.execute(delete(response_tally).where(response_tally.c.month == month))
    rollups.delete_months(session, [month])
    responses = 0
    groups: set[GroupKey] = set()
    for chunk in _raw_responses(session, month):
        counted = tallies_of(session, chunk)
        add_tallies(session, counted, lock=False)
        groups.update(counted)
        responses += len(chunk)
    return RebuildSummary(responses=responses, groups=len(groups))


ADVISORY_NAMESPACE = 0x5A11  # first key of the (int, int) advisory locks on tally months
# The unit tree's advisory lock, in a namespace of its own. Every writer of tallies takes it in
# shared mode before its months' locks, and a rebuild of the rollups (units moved) in exclusive
# mode: a month's lock alone could not make a move wait for a submission in a month that had no
# aggregates yet when the move listed the months to rebuild.
TREE_LOCK = (0x5A12, 0)


def _lock_months(session: Session, months: Iterable[str], *, exclusive: bool) -> None:
    """PostgreSQL transaction-level advisory locks on tally months (no-op on SQLite); in shared
    mode (a writer) the unit tree's shared lock first. A transaction that takes both always
    takes the tree's before any month's, so these locks cannot deadlock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    if not exclusive:
        _lock_tree(session, exclusive=False)
    for month in sorted(set(months)):
        statement = text(f"SELECT {function}(:namespace, hashtext(:month))")
        session.execute(statement, {"namespace": ADVISORY_NAMESPACE, "month": month})


def _lock_tree(session: Session, *, exclusive: bool) -> None:
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(text(f"SELECT {function}(:namespace, :key)"), {"namespace": TREE_LOCK[0], "key": TREE_LOCK[1]})


def rebuild_rollups(session: Session) -> None:
    """Recompute every month's unit rollups from the stored tallies (no commit). Needed when
    units move in the tree (`organisation.imports.rebuild_unit_paths`): a rollup sums a subtree.

    On PostgreSQL the unit tree is locked exclusively first: every submission or import in
    flight is waited for (it read the units' old paths and is then counted by this rebuild) and
    new ones wait until this transaction ends (then they read the new paths); the months are
    listed after that, and locked exclusively against a rebuild of one month's tallies."""
    if session.get_bind().dialect.name == "postgresql":
        _lock_tree(session, exclusive=True)
    months = set(session.scalars(select(response_tally.c.month).distinct())) | set(rollups.rollup_months(session))
    _lock_months(session, months, exclusive=True)
    rollups.rebuild_from_tallies(session, months)


@dataclass(frozen=True)
class Mismatch:
    key: tuple[Any, ...]  # a response_tally group, or (month, unit id) of a unit_rollup row
    slots: tuple[str, ...]  # slots whose values differ ("missing" when a group is absent)
    table: str = "response_tally"


def compare_with_raw(session: Session, month: str | None = None) -> list[Mismatch]:
    """Groups whose stored tally differs from a recomputation from raw responses, slot by slot
    (month by month, so memory stays bounded by one month's groups). Run it when no import is
    running: a response committed between the two reads would show as a difference."""
    problems: list[Mismatch] = []
    for one in [month] if month is not None else all_months(session):
        problems += _compare_month(session, one)
    return problems


def _compare_month(session: Session, month: str) -> list[Mismatch]:
    stored = stored_tallies(session, [month])
    raw = recompute_from_raw(session, month)
    problems = _differences(stored, raw, "response_tally")
    # The rollups must equal the raw tallies summed up today's unit tree.
    expected = rollups.expected_from_tallies(session, raw)
    problems += _differences(rollups.stored_rollups(session, month), expected, unit_rollup.name)
    return problems


def _differences(stored: Mapping[Any, np.ndarray], expected: Mapping[Any, np.ndarray], table: str) -> list[Mismatch]:
    import numpy as np

    zero = np.zeros(TALLY_WIDTH, np.int64)
    problems = []
    for key in sorted(set(stored) | set(expected)):
        a, b = stored.get(key, zero), expected.get(key, zero)
        differing = tuple(TALLY_SLOTS[i] for i in np.flatnonzero(a != b))
        if differing:
            problems.append(Mismatch(key, differing, table))
    return problems


def subtree_sums(
    session: Session, unit_path: str, months: Sequence[str], by: str | None, slots: Sequence[str] | None = None
) -> list[tuple[str, Any, np.ndarray]]:
    """SQL sums of the tally slots of the units under `unit_path` (a Unit.path prefix) for the
    given months: rows (month, group value, vector). `by` is None, "path" (the unit's path),
    "counter_id", "procedure_id" (0 = none) or "channel". Reads only those months' rows.
    slots: only these slots are summed (the others are 0 in the vectors): a caller that needs
    a handful of the 211 slots does not make the database add up the rest."""
    import numpy as np

    wanted = list(range(TALLY_WIDTH)) if slots is None else [slot(name) for name in slots]
    columns: list[ColumnElement[Any] | QueryableAttribute[Any]] = [response_tally.c.month]
    if by == "path":
        columns.append(Unit.path)
    elif by is not None:
        columns.append(response_tally.c[by])
    query = (
        select(*columns, *[func.sum(response_tally.c[SLOT_COLUMNS[i]]) for i in wanted])
        .join(Unit, Unit.id == response_tally.c.unit_id)
        .where(Unit.path.startswith(unit_path, autoescape=True), response_tally.c.month.in_(list(months)))
        .group_by(*columns)
    )
    width = len(columns)
    out = []
    for row in session.execute(query):
        group = row[1] if by is not None else None
        vector = np.zeros(TALLY_WIDTH, dtype=np.int64)
        vector[wanted] = [int(v or 0) for v in row[width:]]
        out.append((row[0], group, vector))
    return out


def responses_per_unit(session: Session, unit_path: str, month: str) -> dict[str, int]:
    """Responses of one month per unit path under `unit_path`, from the aggregates' `n` slot
    (the response rate needs counts only; the raw table is never scanned)."""
    n_column = response_tally.c[slot_column("n")]
    query = (
        select(Unit.path, func.sum(n_column))
        .join(Unit, Unit.id == response_tally.c.unit_id)
        .where(Unit.path.startswith(unit_path, autoescape=True), response_tally.c.month == month)
        .group_by(Unit.path)
    )
    return {path: int(count or 0) for path, count in session.execute(query)}
