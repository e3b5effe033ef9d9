"""Structured logs: one JSON object per line on stderr, without personal data.

The request log names the route *template* (`/t/<token>`), never the URL (which would carry a
one-time token or a query string), and holds no address, answer or comment. An unhandled
exception is logged the same way (`log_exception`): the route template, the endpoint, the
exception's type and a traceback of code locations only. Exception messages are left out on
purpose: a database error repeats the values it refused (an answer, a comment, a token hash),
and any other message may quote what a user typed. The engine hides SQL parameters too
(`hide_parameters`, surveyapp/db.py).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from types import TracebackType
from typing import Any

REQUEST_LOGGER = "surveyapp.request"
ERROR_LOGGER = "surveyapp.error"


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "logger": ..., "pid": ..., "msg" or fields...}`"""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": os.getpid(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        else:
            entry["msg"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


_MARK = "_surveyapp_json"


def configure(level: int = logging.INFO) -> None:
    """Send the app's loggers to stderr as JSON lines (idempotent: once per process)."""
    logger = logging.getLogger("surveyapp")
    if logger.handlers:  # configured already (by an earlier app, or gunicorn's logconfig_dict)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _MARK, True)
    logger.addHandler(handler)
    logger.setLevel(level)


def log_request(fields: dict[str, Any]) -> None:
    logging.getLogger(REQUEST_LOGGER).info("request", extra={"fields": {"event": "request", **fields}})


ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def scrubbed_traceback(error: BaseException) -> str:
    """The traceback of `error` and the exceptions it was raised from, as code locations and
    exception types: no message, no local value, nothing a user typed."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for link in reversed(chain):  # the first cause first, like Python's own traceback
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.StackSummary.extract(traceback.walk_tb(link.__traceback__)).format())
        parts.append(_type_name(link) + "\n")
    return "".join(parts)


def log_exception(fields: dict[str, Any], exc_info: ExcInfo) -> None:
    """An unhandled exception of a request: `fields` names the request (route template,
    endpoint, method), the exception appears by type and scrubbed traceback only."""
    error = exc_info[1]
    entry: dict[str, Any] = {"event": "exception", **fields}
    if error is not None:
        entry["exception"] = _type_name(error)
        entry["traceback"] = scrubbed_traceback(error)
    logging.getLogger(ERROR_LOGGER).error("exception", extra={"fields": entry})
