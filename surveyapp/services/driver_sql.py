"""Plain statements sent straight through the database driver, for the few short reads and
writes of a citizen's submission (docs/BENCHMARKS.md, the submission path).

SQLAlchemy's statement processing (coercion, cache key, compiled-parameter handling) costs a
submission more than each of these one-row statements costs the database. The text is written
once with `?` placeholders and turned into the driver's own style (`%s` for psycopg) once."""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session


def placeholder(connection: Connection) -> str:
    """The driver's positional placeholder: `?` for sqlite3, `%s` for psycopg."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


@cache
def _in_style(sql: str, placeholder: str) -> str:
    return sql if placeholder == "?" else sql.replace("?", placeholder)


def rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of `sql` (`?` placeholders, no other `?` in the text), in the session's
    transaction."""
    connection = session.connection()
    result = connection.exec_driver_sql(_in_style(sql, placeholder(connection)), tuple(params))
    return [tuple(row) for row in result] if result.returns_rows else []


def scalar(session: Session, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row, or None."""
    found = rows(session, sql, params)
    return found[0][0] if found else None
