"""The generation of the look-ups every survey link needs (units, counters, procedures, stored
questionnaires): one row whose `value` the database itself raises, by trigger, in the same
transaction as any change to those tables (migration 0010_lookup_generation). Each worker's
copies of them (surveyapp/services/survey/lookup_cache.py) are valid while the value they were
read under is still the stored one."""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.models.base import Base

# The tables whose rows the survey path copies into each worker; a trigger on each raises the
# generation on every INSERT, UPDATE or DELETE (and TRUNCATE on PostgreSQL).
WATCHED_TABLES = ("unit", "counter", "procedure", "survey_definition")


class LookupGeneration(Base):
    """Row 1 only."""

    __tablename__ = "lookup_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
