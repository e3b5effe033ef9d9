"""The two statements that add tally slots to a keyed row, shared by `response_tally` and
`unit_rollup` (both keep the 211 slots and add on conflict).

Written as plain SQL once per table: the same text is valid on SQLite (>= 3.24) and PostgreSQL,
and a prebuilt statement skips SQLAlchemy's construction and cache-key work over 217 columns on
every request (that was half of a submission's CPU time, docs/BENCHMARKS.md).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import TextClause, text

from surveyapp.models.operations import SLOT_COLUMNS


def row_upsert(table: str, key: Sequence[str]) -> TextClause:
    """One row per parameter set: insert it, or add its slots to the row of the same key."""
    columns = [*key, *SLOT_COLUMNS]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in SLOT_COLUMNS)
    return text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def pg_bulk_upsert(table: str, key: Sequence[str], key_types: Mapping[str, str]) -> TextClause:
    """PostgreSQL only: every row in one JSON parameter (`:rows`) instead of thousands of rows x
    217 bound parameters, about ten times faster for imports and rebuilds."""
    columns = [*key, *SLOT_COLUMNS]
    record = ", ".join(f"{c} {key_types.get(c, 'bigint')}" for c in columns)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in SLOT_COLUMNS)
    return text(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x({record}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
