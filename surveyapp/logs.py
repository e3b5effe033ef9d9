"""Structured logs: one JSON object per line on stderr, without personal data.

The request log names the route *template* (`/t/<token>`), never the URL (which would carry a
one-time token or a query string), and holds no address, answer or comment.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

REQUEST_LOGGER = "surveyapp.request"


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
