"""Plain statements sent straight through the database driver, for the few short reads and
writes of a citizen's submission (docs/BENCHMARKS.md, the submission path).

SQLAlchemy's statement processing (coercion, cache key, compiled-parameter handling) costs a
submission more than each of these one-row statements costs the database. The text is written
once with `?` placeholders and turned into the driver's own style (`%s` for psycopg) once."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
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


@cache
def _bind_processors(table: Table, dialect: Dialect) -> dict[str, Callable[[Any], Any]]:
    """Each column's conversion of a Python value for the driver (JSON serialised, SQLite's
    date-times as text), the one SQLAlchemy's own INSERT applies."""
    found: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            found[column.name] = processor
    return found


@cache
def _insert_sql(table: str, columns: tuple[str, ...], placeholder: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([placeholder] * len(columns))})"


def insert_statement(connection: Connection, table: Table, row: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The INSERT of one row in the driver's own style, and its parameters converted as
    SQLAlchemy's Core INSERT converts them: the same row is stored."""
    processors = _bind_processors(table, connection.dialect)
    columns = tuple(row)
    values = tuple(processors[c](row[c]) if c in processors else row[c] for c in columns)
    return _insert_sql(table.name, columns, placeholder(connection)), values


def insert(session: Session, table: Table, row: Mapping[str, Any]) -> None:
    """Insert one row, in the session's transaction (`insert_statement`)."""
    connection = session.connection()
    connection.exec_driver_sql(*insert_statement(connection, table, row))
