"""The health check's write: one upsert of one row, which changes it every time (a write that
changes nothing might never reach the file, and a full disk would go unnoticed)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from surveyapp.models import HealthCheck

HEALTH_ROW_ID = 1


def record_health_write(session: Session, now: datetime) -> None:
    """Upsert the health row (the caller commits: the check only passes once that succeeds)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(HealthCheck)
        .values(id=HEALTH_ROW_ID, checked_at=now, writes=1)
        .on_conflict_do_update(index_elements=["id"], set_={"checked_at": now, "writes": HealthCheck.writes + 1})
    )
    session.execute(statement)
