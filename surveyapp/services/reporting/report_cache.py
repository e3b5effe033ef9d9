"""Computed reports kept per process, keyed by what they were computed from (docs/ARCHITECTURE.md,
"Report cache").

A period's report of a unit is a function of: the `unit_rollup` rows it reads (the unit and its
children for the period, the previous period and the year before; the unit alone for the trend's
months), the unit tree, targets and stored questionnaires, the dossier volumes of the subtree,
the QĐ 766 counts, and the caller's arguments (period, funnel centre, MIN_RESPONSES, language).
`freshness_key` reads each of them cheaply and exactly:

- the rollup rows: COUNT(*) and SUM(revision) over exactly the rows the report reads, through
  the (month, unit, shard) key's index. Every upsert of a row raises its revision by one and a
  new row adds one to the count (slot_upserts.py), so while no row is deleted each added
  response strictly raises COUNT + SUM. Responses reach the fine aggregates (`response_tally`,
  read for the questionnaire split) and the raw rows (versions, XLSForm answers, dossier facts)
  only together with their rollup rows, in one transaction, so this one pair covers them all;
- `lookup_generation`: triggers raise it with every change to units (names, moves, targets),
  counters, procedures and stored questionnaires, and `rollups.delete_months` raises it when a
  rebuild deletes rollup rows (a re-added row starts its revision again);
- the subtree's dossier volumes of the period and the QĐ 766 block: read as they are (a few
  rows, two counts; they depend on the date too), so they are their own key.

The key is read in the transaction that computes the report and again after it: a value is kept
only when both readings agree, so a report is never stored under a key older than its data.
What a report shows never depends on who asks (each page checks the official's scope before
it asks for a report), so the official is not part of the key.

Nothing here imports Flask: `ReportCache` is a bounded, thread-safe LRU; the pages keep one per
application (surveyapp/dashboard/cached.py) sized by the REPORT_CACHE_ENTRIES setting.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, literal_column, select, union_all
from sqlalchemy.orm import Session

from surveyapp.models import DossierVolume, Unit, unit_rollup
from surveyapp.models.operations import REVISION_COLUMN
from surveyapp.periods import Period, months_ending
from surveyapp.services.survey.lookup_cache import current_generation

T = TypeVar("T")
RollupRead = tuple[Sequence[int], Sequence[str]]  # unit ids x months


def rollup_revisions(session: Session, reads: Sequence[RollupRead]) -> tuple[int, int]:
    """(rows, sum of their revisions) over the rollup rows of each (units x months) read, all
    shards: one statement, reading only the key's index and the revision column."""
    parts = [
        select(unit_rollup.c[REVISION_COLUMN].label("revision")).where(
            unit_rollup.c.month.in_(list(months)), unit_rollup.c.unit_id.in_(list(unit_ids))
        )
        for unit_ids, months in reads
        if unit_ids and months
    ]
    if not parts:
        return 0, 0
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(rows.c.revision), literal_column("0")))
    ).one()
    return int(count), int(total or 0)


def report_reads(unit: Unit, child_ids: Sequence[int], period: Period) -> list[RollupRead]:
    """The rollup rows a period's report and its trend read (reports.period_report, period_trend)."""
    months = sorted({*period.month_texts(), *period.previous().month_texts(), *period.year_earlier().month_texts()})
    trend_months = months_ending(str(period), 12) if period.kind == "month" else period.month_texts()
    return [([unit.id, *child_ids], months), ([unit.id], trend_months)]


def subtree_volumes(session: Session, unit: Unit, months: Sequence[str]) -> tuple[tuple[int, str, int], ...]:
    """Every dossier volume of the unit's subtree in the months, as stored (the response rates
    and the weighting read these)."""
    query = (
        select(DossierVolume.unit_id, DossierVolume.month, DossierVolume.dossiers)
        .join(Unit, Unit.id == DossierVolume.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True), DossierVolume.month.in_(list(months)))
        .order_by(DossierVolume.unit_id, DossierVolume.month)
    )
    return tuple((int(u), str(m), int(n)) for u, m, n in session.execute(query))


def freshness_key(session: Session, unit: Unit, period: Period, arguments: Hashable) -> tuple[Any, ...]:
    """What a period's report of `unit` is computed from (module docstring): equal keys, equal
    reports. `arguments`: the caller's own (funnel centre, MIN_RESPONSES, language, view)."""
    child_ids = [child.id for child in unit.children]
    now = period.month_texts()
    return (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        unit.id,
        tuple(now),
        arguments,
        current_generation(session),
        rollup_revisions(session, report_reads(unit, child_ids, period)),
        subtree_volumes(session, unit, now),
        _qd766_text(session, unit, now),
    )


def _qd766_text(session: Session, unit: Unit, months: Sequence[str]) -> str | None:
    # analysis.qd766 loads scipy: imported with the first report, not with the app (ARCHITECTURE.md).
    from surveyapp.services.reporting.qd766 import qd766_block

    block = qd766_block(session, unit, months)
    return None if block is None else json.dumps(block.to_json(), sort_keys=True)


class ReportCache:
    """A bounded least-recently-used map of computed reports, safe to share between threads."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.entries <= 0:
            return
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def fetch(self, key: Hashable, compute: Callable[[], T], still_fresh: Callable[[], bool]) -> T:
        """The value kept under `key`, or `compute()`'s, kept only if `still_fresh()` (the key
        read again after computing) says nothing changed meanwhile."""
        found = self.get(key)
        if found is not None:
            return found
        value = compute()
        if still_fresh():
            self.put(key, value)
        return value
