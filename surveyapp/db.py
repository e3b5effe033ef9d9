"""Engine, per-request session, and who commits it (docs/ARCHITECTURE.md, "Transactions").

The rule: services add and flush, never commit. A request commits once, after its view
answered, and rolls back when anything was raised; a CLI command commits once when it ends
and rolls back when it fails. Both are implemented here and nowhere else.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask, Response, after_this_request, current_app, g
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, Dialect, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException

F = TypeVar("F", bound=Callable[..., Any])

# g.db_outcome: how the current request or command ends its transaction.
COMMIT, ROLLBACK, FAILED, ENDED = "commit", "rollback", "failed", "ended"

replica_log = logging.getLogger("surveyapp.replica")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while a submission writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_sqlite_savepoint(connection: Connection, _name: str) -> None:
    # Python's sqlite3 begins a transaction only right before an INSERT, UPDATE or DELETE
    # (so reads never hold a snapshot that a later write would find stale). A SAVEPOINT sent
    # before any of those would open a transaction of its own, and its RELEASE would commit
    # it: begin the request's or command's transaction first, so a savepoint stays inside it.
    # SQLAlchemy types dbapi_connection as optional (None once detached); an open connection always has it.
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN")


# hide_parameters: an error of the database (and SQLAlchemy's message for it, which reaches the
# exception log) never repeats the values of the statement: answers, comments, token hashes.
def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10}, hide_parameters=True)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "savepoint", _begin_before_sqlite_savepoint)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10, hide_parameters=True)
    event.listen(engine, "checkout", functools.partial(_ping_when_idle, engine.dialect))
    event.listen(engine, "checkin", _stamp_last_use)
    return engine


# A pooled connection unused for this long is pinged before use (a restarted or failed-over
# server closed it meanwhile); one in steady use is not: SQLAlchemy's pool_pre_ping would cost
# every request one more round trip (about a sixth of a citizen's POST on PostgreSQL).
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(dialect: Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if time.monotonic() - record.info.get("last_use", 0.0) <= PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)  # the ping pool_pre_ping would send
        dbapi_connection.rollback()  # psycopg began a transaction for it
    except Exception as gone:  # the pool replaces it with a fresh connection and tries again
        raise DisconnectionError() from gone


def _stamp_last_use(_dbapi_connection: Any, record: Any) -> None:
    record.info["last_use"] = time.monotonic()


def make_reports_engine(url: str) -> Engine:
    """The engine of the reporting replica. Every transaction on it is read-only, so a write
    sent there by mistake fails instead of landing outside the primary; a standby that is down
    is noticed within seconds (connect timeout) and the reports fall back to the primary."""
    if url.startswith("sqlite"):
        return make_engine(url)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"options": "-c default_transaction_read_only=on", "connect_timeout": 3},
    )


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["sqlalchemy_engine"] = engine
    app.extensions["sqlalchemy_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    replica_url = app.config.get("REPORTS_DATABASE_URL")
    if replica_url:
        replica = make_reports_engine(replica_url)
        app.extensions["reports_engine"] = replica
        app.extensions["reports_sessionmaker"] = sessionmaker(bind=replica, expire_on_commit=False)
        app.extensions["reports_replica_down"] = False
    # First of all before_request hooks, whatever the order of the factory's init_app calls:
    # a hook answering before it would otherwise skip the commit of what it wrote.
    app.before_request_funcs.setdefault(None, []).insert(0, _open_request)
    _fail_request_on_exception(app)
    app.teardown_request(_roll_back_unfinished_request)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["sqlalchemy_engine"]


def get_session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sqlalchemy_sessionmaker"]()
    return g.db_session


def get_reports_session() -> Session:
    """The session for the reports' reads (dashboard, reports, exports): the read-only
    replica's of `REPORTS_DATABASE_URL` when it is set and answers, else the request's own.

    Writes never go through it (the request's session stays on the primary). When the replica
    cannot be reached the reports read the primary; one warning is logged when it goes down and
    one line when it is back, not one per request."""
    if "reports_session" in g:
        return g.reports_session
    maker = current_app.extensions.get("reports_sessionmaker")
    if maker is None:
        return get_session()
    session = maker()
    try:
        session.connection()  # connects now, so a standby that is down is found here
    except OperationalError:
        session.close()
        if not current_app.extensions["reports_replica_down"]:
            current_app.extensions["reports_replica_down"] = True
            replica_log.warning("reports database unreachable: reports read the primary database")
        return get_session()
    if current_app.extensions["reports_replica_down"]:
        current_app.extensions["reports_replica_down"] = False
        replica_log.warning("reports database reachable again: reports read it")
    g.reports_session = session
    return session


def discard_changes() -> None:
    """End the current request or command with a rollback instead of its commit.

    For an answer given on purpose that must leave no trace: a public submission that was not
    stored (its rate-limit hit is forgotten with it), a command's dry run."""
    g.db_outcome = ROLLBACK


def before_commit(check: Callable[[Session], None]) -> None:
    """Run `check` on the request's session right before its commit, after the view wrote
    everything, and only when the request is about to commit (never before a rollback).

    For a write on a row that many requests share (a rate-limit bucket: every citizen behind one
    address): its lock is then held for the last statements and the commit, not for the whole
    request. `check` may raise an HTTPException (a 429): the request's transaction is rolled
    back and that error is the reply."""
    g.setdefault("before_commit", []).append(check)


def commit_on_its_own(work: Callable[[Session], None]) -> None:
    """Run `work` in a session of its own and commit it at once, apart from the request's
    transaction: for the health check, which must see its write committed (or fail) before it
    answers. Raises what the database raised; nothing is left half-done."""
    with current_app.extensions["sqlalchemy_sessionmaker"]() as session:
        try:
            work(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise


# ---------------------------------------------------------------- requests


def _open_request() -> None:
    # A function given to after_this_request runs before every after_request hook, so the
    # security headers and the request log already see a 500 when the commit fails.
    g.db_outcome = COMMIT
    after_this_request(_commit_request)


def _fail_request_on_exception(app: Flask) -> None:
    """Mark the request failed whenever its hooks or view raise, abort() included.

    Flask hands every such exception to `handle_user_exception` (an HTTPException is turned
    into its error page there and never reaches a teardown), so that is the one place to see
    them all (Flask-RESTful wraps this method the same way to route its errors)."""
    handle_user_exception = app.handle_user_exception

    def fail_then_handle(error: Exception) -> HTTPException | ResponseReturnValue:
        g.db_outcome = FAILED
        return handle_user_exception(error)

    # Flask types handle_user_exception as a method; wrapping it on the instance is the point (see above).
    app.handle_user_exception = fail_then_handle  # type: ignore[method-assign, assignment]


def _commit_request(response: Response) -> Response:
    """Commit what the view did when it answered normally (any status it chose, e.g. a failed
    sign-in's 401 keeps its throttle record); roll back after an exception or discard_changes.

    A failing commit is re-raised, so Flask answers 500 instead of the page the view prepared:
    a citizen never sees "thank you" for answers that were not stored."""
    outcome = g.get("db_outcome")
    g.db_outcome = ENDED  # the error page rendered after a failed commit must not commit
    session: Session | None = g.get("db_session")
    if session is None or outcome == ENDED:
        return response
    if outcome != COMMIT:
        session.rollback()
        return response
    try:
        for check in g.pop("before_commit", ()):
            check(session)
    except HTTPException as refused:
        session.rollback()
        return current_app.make_response(current_app.handle_http_exception(refused))
    except BaseException:
        session.rollback()
        raise
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return response


def _roll_back_unfinished_request(error: BaseException | None) -> None:
    # An exception Flask did not turn into a response (PROPAGATE_EXCEPTIONS in tests and debug)
    # skips the after-request functions: nothing of that request may stay in the session.
    outcome = g.pop("db_outcome", ENDED)
    session: Session | None = g.get("db_session")
    if session is not None and (error is not None or outcome != ENDED):
        session.rollback()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever was not committed
    reports_session = g.pop("reports_session", None)
    if reports_session is not None:
        reports_session.close()


# ---------------------------------------------------------------- CLI commands


def transactional_command(callback: F) -> F:
    """Run a command's callback as one transaction: commit when it returns (or exits with
    status 0), roll back when it raises or exits with another status, and when it called
    discard_changes() (a dry run). Needs the app context (apply inside with_appcontext)."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        g.db_outcome = COMMIT
        try:
            result = callback(*args, **kwargs)
        except SystemExit as exit_:
            _end_command(succeeded=exit_.code in (0, None))
            raise
        except click.exceptions.Exit as exit_:
            _end_command(succeeded=exit_.exit_code == 0)
            raise
        except BaseException:
            _end_command(succeeded=False)
            raise
        _end_command(succeeded=True)
        return result

    # functools.wraps keeps the callback's signature at run time; mypy cannot see that `run` is an F.
    return run  # type: ignore[return-value]


def _end_command(*, succeeded: bool) -> None:
    outcome = g.pop("db_outcome", COMMIT)
    session: Session | None = g.get("db_session")
    if session is None:
        return
    if succeeded and outcome == COMMIT:
        try:
            session.commit()
        except BaseException:
            session.rollback()
            raise
    else:
        session.rollback()
