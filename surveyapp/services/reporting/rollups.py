"""Per-unit monthly rollups: the tally slots of a unit's whole subtree, one row per month.

`response_tally` is fine-grained (month, unit, counter, procedure, channel, form, shard), so a
province's report used to read and sum thousands of rows. `unit_rollup` keeps, per (month, unit),
the sums over the unit's subtree: every response adds its tally to the row of its unit and of
each ancestor, in the same transaction as the response (`add_rollups`, called by
`aggregates.add_tallies`). A report then reads one row per (child, month) and shard.

Contention: the rows of a province or the nation are hot (every submission below them adds
to them), so, like `response_tally`, each writing process adds to its own shard of a row
(`shard` = pid % TALLY_SHARDS) and readers sum the shards; rows are written in key order so two
transactions never lock them in opposite orders.

The rollups derive from `response_tally` and the unit tree: `rebuild_from_tallies` recomputes
them with one SQL statement per month (after a rebuild of the tallies, or when units move), and
`expected_from_tallies` gives what they must hold, for `rebuild-aggregates --check`.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from surveyapp.models import LookupGeneration, Unit
from surveyapp.models.operations import ROLLUP_KEY, SLOT_COLUMNS, slot_column, unit_rollup
from surveyapp.services import driver_sql
from surveyapp.services.reporting.slot_upserts import pg_bulk_upsert, row_upsert, upsert_values

if TYPE_CHECKING:
    import numpy as np

RollupKey = tuple[str, int]  # month, unit id (the unit's whole subtree)
_ONE_PATH = f"SELECT id, path FROM {Unit.__tablename__} WHERE id = ?"


def ancestors_of(path: str) -> list[int]:
    """The unit ids of a `/1/4/9/` path: the unit itself and every ancestor."""
    return [int(part) for part in path.strip("/").split("/") if part]


def unit_paths(session: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(unit_ids))
    if not wanted:
        return {}
    if len(wanted) == 1:  # one submission's unit: a primary-key read, straight through the driver
        return {pk: path for pk, path in driver_sql.rows(session, _ONE_PATH, wanted)}
    return {pk: path for pk, path in session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(wanted)))}


def rolled_up(
    tallies: Mapping[tuple[Any, ...], np.ndarray | Sequence[int]], paths: Mapping[int, str]
) -> dict[RollupKey, np.ndarray]:
    """Tally vectors keyed (month, unit id, ...) summed into every ancestor's (month, unit) row."""
    import numpy as np

    out: dict[RollupKey, np.ndarray] = {}
    for key, vector in tallies.items():
        month, unit_id = str(key[0]), int(key[1])
        for ancestor in ancestors_of(paths.get(unit_id, f"/{unit_id}/")):
            slot = (month, ancestor)
            if slot in out:
                out[slot] = out[slot] + vector
            else:
                out[slot] = np.array(vector, dtype=np.int64, copy=True)
    return out


# Built once: a 217-column construct rebuilt per request costs more than the statement.
_ROW_UPSERT = row_upsert("unit_rollup", ROLLUP_KEY)
_PG_BULK_UPSERT = pg_bulk_upsert("unit_rollup", ROLLUP_KEY)


def add_rollups(
    session: Session,
    tallies: Mapping[tuple[Any, ...], np.ndarray | Sequence[int]],
    shard: int,
) -> None:
    """Add tally vectors (keyed by a `response_tally` group: month, unit id, ...) to the rollup
    rows of their unit and its ancestors, in this process's shard (no commit)."""
    if not tallies:
        return
    sums = rolled_up(tallies, unit_paths(session, (int(key[1]) for key in tallies)))
    rows = []
    for (month, unit_id) in sorted(sums):
        row: dict[str, Any] = {"month": month, "unit_id": unit_id, "shard": shard}
        row.update(zip(SLOT_COLUMNS, (int(v) for v in sums[(month, unit_id)]), strict=True))
        rows.append(row)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_BULK_UPSERT, {"rows": json.dumps(rows)})
    else:
        session.execute(_ROW_UPSERT, rows)


def add_rollups_of_one(
    session: Session,
    key: tuple[Any, ...],
    slots: Sequence[int],
    shard: int,
) -> None:
    """One response's slots (its `response_tally` group `key`: month, unit id, ...) added to
    the rollup rows of its unit and every ancestor, in unit order (no commit). On SQLite, call
    it after the transaction's first write: the unit's path is then read under the write lock,
    so no move of units can come in between."""
    month, unit_id = str(key[0]), int(key[1])
    units = sorted(ancestors_of(unit_paths(session, [unit_id]).get(unit_id, f"/{unit_id}/")))
    upsert_values(session, "unit_rollup", ROLLUP_KEY, [(month, unit, shard, *slots) for unit in units])


#: The summed slot columns of a rollup read, built once (211 SQL expressions per read add up).
_SLOT_SUMS = tuple(func.sum(unit_rollup.c[c]) for c in SLOT_COLUMNS)


def read_rollups(session: Session, unit_ids: Sequence[int], months: Sequence[str]) -> dict[RollupKey, np.ndarray]:
    """The subtree sums of the given units for the given months, shards summed: at most one row
    per (month, unit) comes back, read through the (month, unit, shard) key's index."""
    if not unit_ids or not months:
        return {}
    query = (
        select(unit_rollup.c.month, unit_rollup.c.unit_id, *_SLOT_SUMS)
        .where(unit_rollup.c.month.in_(list(months)), unit_rollup.c.unit_id.in_(list(unit_ids)))
        .group_by(unit_rollup.c.month, unit_rollup.c.unit_id)
    )
    return _vectors(session, query)


def subtree_response_counts(session: Session, unit_ids: Sequence[int]) -> dict[int, int]:
    """Responses of each unit's whole subtree, all months: the `n` slot of its rollup rows."""
    if not unit_ids:
        return {}
    responses = unit_rollup.c[slot_column("n")]
    query = (
        select(unit_rollup.c.unit_id, func.sum(responses))
        .where(unit_rollup.c.unit_id.in_(list(unit_ids)))
        .group_by(unit_rollup.c.unit_id)
    )
    return {int(unit_id): int(total or 0) for unit_id, total in session.execute(query)}


def stored_rollups(session: Session, month: str) -> dict[RollupKey, np.ndarray]:
    """Every rollup row of a month, shards summed."""
    query = (
        select(unit_rollup.c.month, unit_rollup.c.unit_id, *_SLOT_SUMS)
        .where(unit_rollup.c.month == month)
        .group_by(unit_rollup.c.month, unit_rollup.c.unit_id)
    )
    return _vectors(session, query)


def _vectors(session: Session, query: Any) -> dict[RollupKey, np.ndarray]:
    import numpy as np

    rows = session.execute(query).all()
    if not rows:
        return {}
    # The slot columns are NOT NULL, so a group's sums are never NULL: one conversion for all rows.
    vectors = np.array([tuple(row[2:]) for row in rows], dtype=np.int64)
    return {(row[0], int(row[1])): vectors[i] for i, row in enumerate(rows)}


def expected_from_tallies(
    session: Session, tallies: Mapping[tuple[Any, ...], np.ndarray]
) -> dict[RollupKey, np.ndarray]:
    """What the rollups must hold for these `response_tally` groups under today's unit tree."""
    return rolled_up(tallies, unit_paths(session, (int(key[1]) for key in tallies)))


def delete_months(session: Session, months: Iterable[str]) -> None:
    """Delete the months' rows, and raise `lookup_generation` in the same transaction: a row's
    revision only grows while the row lives, so a deleted and re-added row could repeat an old
    revision; the generation is part of every report's freshness key (report_cache.py)."""
    session.execute(delete(unit_rollup).where(unit_rollup.c.month.in_(sorted(set(months)))))
    session.execute(update(LookupGeneration).where(LookupGeneration.id == 1).values(value=LookupGeneration.value + 1))


def rebuild_from_tallies(session: Session, months: Iterable[str]) -> None:
    """Recompute the rollups of these months from `response_tally` and the unit tree, in SQL
    (no commit; the caller holds the months' exclusive locks)."""
    wanted = sorted(set(months))
    if not wanted:
        return
    delete_months(session, wanted)
    sums = ", ".join(f"SUM(t.{c})" for c in SLOT_COLUMNS)
    statement = text(
        f"INSERT INTO unit_rollup (month, unit_id, shard, {', '.join(SLOT_COLUMNS)}) "
        f"SELECT t.month, a.id, 0, {sums} FROM response_tally t "
        "JOIN unit u ON u.id = t.unit_id JOIN unit a ON u.path LIKE a.path || '%' "
        "WHERE t.month = :month GROUP BY t.month, a.id"
    )
    for month in wanted:
        session.execute(statement, {"month": month})


def rollup_months(session: Session) -> list[str]:
    return sorted(session.scalars(select(unit_rollup.c.month).distinct()))
