"""Tables that keep the service fast at scale: monthly tallies and rate-limit windows.

`response_tally` holds, per (month, unit, counter, procedure, channel, definition), the additive
sufficient statistics of analysis.tally: one BIGINT column per slot of TALLY_SLOTS, so sums over
any set of groups are plain SQL SUMs and exact. Absent counter/procedure are stored as 0 (not
NULL) so the unique key works for the race-safe upsert on both databases.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, SmallInteger, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from analysis.tally import TALLY_SLOTS
from surveyapp.models.base import Base

TALLY_KEY: tuple[str, ...] = ("month", "unit_id", "counter_id", "procedure_id", "channel", "definition_id")
# A group's tally is split over a few rows ("shards", one per writing process) so that
# concurrent submissions to the same group do not queue on one row lock; every reader sums.
TALLY_SHARDS = 8
ROW_KEY: tuple[str, ...] = TALLY_KEY + ("shard",)


def slot_column(name: str) -> str:
    """Column name of a tally slot: `TC01.4` -> `s_tc01_4`."""
    return "s_" + name.lower().replace(".", "_")


SLOT_COLUMNS: tuple[str, ...] = tuple(slot_column(name) for name in TALLY_SLOTS)
assert len(set(SLOT_COLUMNS)) == len(SLOT_COLUMNS), "slot column names must be unique"

response_tally = Table(
    "response_tally",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("month", String(7), nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("counter_id", Integer, nullable=False),
    Column("procedure_id", Integer, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("definition_id", String(64), nullable=False),
    Column("shard", SmallInteger, nullable=False, server_default="0"),
    *[Column(name, BigInteger, nullable=False, server_default="0") for name in SLOT_COLUMNS],
    UniqueConstraint(*ROW_KEY, name="uq_response_tally_group"),
    # A counter's recent months: the procedures its form lists (services/organisation/usual_procedures.py).
    # Only a new group's insert writes it; the upserts that add to a row change neither column.
    Index("ix_response_tally_counter_month", "counter_id", "month"),
)


# The same slots summed per (month, unit) over the unit's whole subtree: a response adds to
# the row of its unit and of every ancestor (surveyapp/services/reporting/rollups.py), so a
# report reads one row per (child, month) however fine the groups of `response_tally` are.
ROLLUP_KEY: tuple[str, ...] = ("month", "unit_id", "shard")
REVISION_COLUMN = "revision"

unit_rollup = Table(
    "unit_rollup",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("month", String(7), nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("shard", SmallInteger, nullable=False, server_default="0"),
    *[Column(name, BigInteger, nullable=False, server_default="0") for name in SLOT_COLUMNS],
    # Raised by one on every upsert of the row (services/reporting/slot_upserts.py): what a
    # report's freshness key sums (services/reporting/report_cache.py).
    Column(REVISION_COLUMN, BigInteger, nullable=False, server_default="0"),
    UniqueConstraint(*ROLLUP_KEY, name="uq_unit_rollup_key"),
    Index("ix_unit_rollup_unit_month", "unit_id", "month"),  # one unit's months (the month picker)
)


class RateLimitWindow(Base):
    """Hits of one client bucket (a salted hash, never an address) in one fixed time window."""

    __tablename__ = "rate_limit_window"
    __table_args__ = (Index("ix_rate_limit_window_window_start", "window_start"),)

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
