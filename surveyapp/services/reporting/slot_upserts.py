"""The two statements that add tally slots to a keyed row, shared by `response_tally` and
`unit_rollup` (both keep the 211 slots and add on conflict).

Written as plain SQL once per table: the same text is valid on SQLite (>= 3.24) and PostgreSQL,
and a prebuilt statement skips SQLAlchemy's construction and cache-key work over 217 columns on
every request (that was half of a submission's CPU time, docs/BENCHMARKS.md).

A table with a `revision` column (`unit_rollup`) has it raised by one in the same statement
whenever a row is added to, so a reader can tell that a row changed from its revision alone
(the report cache's freshness key, services/reporting/report_cache.py); a new row starts at 0.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from surveyapp.models import Base
from surveyapp.models.operations import REVISION_COLUMN, SLOT_COLUMNS
from surveyapp.services import driver_sql


def _updates(table: str) -> str:
    """The ON CONFLICT assignments: every slot added, and the row's revision raised if it has one."""
    updates = [f"{c} = {table}.{c} + excluded.{c}" for c in SLOT_COLUMNS]
    if REVISION_COLUMN in Base.metadata.tables[table].c:
        updates.append(f"{REVISION_COLUMN} = {table}.{REVISION_COLUMN} + 1")
    return ", ".join(updates)


def row_upsert(table: str, key: Sequence[str]) -> TextClause:
    """One row per parameter set: insert it, or add its slots to the row of the same key."""
    columns = [*key, *SLOT_COLUMNS]
    updates = _updates(table)
    return text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def pg_bulk_upsert(table: str, key: Sequence[str]) -> TextClause:
    """PostgreSQL only: every row in one JSON parameter (`:rows`) instead of thousands of rows x
    217 bound parameters, about ten times faster for imports and rebuilds."""
    columns = [*key, *SLOT_COLUMNS]
    types = _key_types(key)
    record = ", ".join(f"{c} {types.get(c, 'bigint')}" for c in columns)
    updates = _updates(table)
    return text(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x({record}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


@cache
def _driver_upsert(table: str, key: tuple[str, ...], placeholder: str) -> str:
    columns = [*key, *SLOT_COLUMNS]
    updates = _updates(table)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([placeholder] * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


# The key columns that are text; every other key column is an integer.
_TEXT_KEY_COLUMNS = frozenset({"month", "channel", "definition_id"})


def _key_types(key: Sequence[str]) -> dict[str, str]:
    """PostgreSQL's type of each key column, for the casts of the statements that bind them."""
    return {c: "varchar" if c in _TEXT_KEY_COLUMNS else "integer" for c in key}


def upsert_values(
    session: Session, table: str, key: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """SQLite: the statement of `row_upsert`, sent through the driver with positional
    parameters; each of `values` holds the key's values, then the slots in SLOT_COLUMNS order.

    For the few rows of one submission: SQLAlchemy's processing of 217 named parameters on every
    call cost more than the database's work; the statement and what it does are the same. (On
    PostgreSQL one submission's rows go in one statement instead: `pg_upsert_with_rollups`.)"""
    connection = session.connection()
    sql = _driver_upsert(table, tuple(key), driver_sql.placeholder(connection))
    connection.exec_driver_sql(sql, tuple(values[0]) if len(values) == 1 else [tuple(row) for row in values])


@cache
def _pg_one_with_rollups(
    tally_table: str, tally_key: tuple[str, ...], rollup_table: str, unit_table: str, first: str | None
) -> str:
    """One response's group row and its units' rollup rows in one PostgreSQL statement, after
    `first` (an INSERT of the response itself) when given.

    The slots travel once, as one `bigint[]`; the rollup rows are one per unit of the group's
    unit's path (`/1/4/9/`: the unit and its ancestors), read by this statement. The rollup
    insert reads the group's RETURNING (and `first`'s), so those are written first and the
    rollup rows after them in unit order, the order every other writer locks them in (a
    data-modifying WITH that nothing reads would run after the main statement)."""
    key_types = _key_types(tally_key)
    slots = ", ".join(f"v.s[{i}]" for i in range(1, len(SLOT_COLUMNS) + 1))
    columns = ", ".join(SLOT_COLUMNS)
    leading = f"fst AS ({first} RETURNING 1 AS done), " if first else ""
    return (
        f"WITH {leading}v AS (SELECT CAST(%s AS bigint[]) AS s), "
        f"grp AS (INSERT INTO {tally_table} ({', '.join(tally_key)}, {columns}) "
        f"SELECT {', '.join(f'CAST(%s AS {key_types[c]})' for c in tally_key)}, {slots} FROM v "
        f"ON CONFLICT ({', '.join(tally_key)}) DO UPDATE SET {_updates(tally_table)} RETURNING 1 AS done) "
        f"INSERT INTO {rollup_table} (month, unit_id, shard, {columns}) "
        f"SELECT CAST(%s AS varchar), u.unit_id, CAST(%s AS integer), {slots} "
        f"FROM {'fst, ' if first else ''}grp, v, "
        f"(SELECT CAST(part AS integer) AS unit_id FROM {unit_table}, "
        f"unnest(string_to_array(trim(both '/' from {unit_table}.path), '/')) AS part "
        f"WHERE {unit_table}.id = CAST(%s AS integer)) AS u ORDER BY u.unit_id "
        f"ON CONFLICT (month, unit_id, shard) DO UPDATE SET {_updates(rollup_table)}"
    )


def pg_upsert_with_rollups(
    session: Session,
    group: Mapping[str, Any],
    group_key: Sequence[str],
    slots: Sequence[int],
    first: tuple[str, Sequence[Any]] | None = None,
) -> None:
    """PostgreSQL: add one response's slots to its `response_tally` group (`group`: the key's
    values) and to the `unit_rollup` rows of its unit and every ancestor in the group's month and
    shard, in one round trip; `first` (an INSERT with `%s` placeholders, and its parameters)
    goes in the same statement, before them.

    The unit's path is read by this statement: take the shared locks of the unit tree and the
    month in an earlier one (`aggregates.tally_of_one`), so that its snapshot already sees any
    move of units committed before they were granted (a move rebuilds the rollups under the
    tree's exclusive lock, `aggregates.rebuild_rollups`)."""
    sql = _pg_one_with_rollups("response_tally", tuple(group_key), "unit_rollup", "unit", first[0] if first else None)
    params = (
        *(first[1] if first else ()),
        list(slots),
        *(group[c] for c in group_key),
        group["month"],
        group["shard"],
        group["unit_id"],
    )
    session.connection().exec_driver_sql(sql, params)
