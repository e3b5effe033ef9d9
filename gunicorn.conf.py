"""gunicorn settings for production-style serving (`make serve`; docs/DEPLOY.md).

Every value can be overridden from the environment (GUNICORN_*), so one file serves a laptop,
one office's machine and each app machine of a province behind nginx. The application's own
settings are declared in surveyapp/settings.py; these are gunicorn's, and this file reads them
itself: gunicorn executes it in the master process before any application code, and importing
`surveyapp` here would keep that code in the master, so a `kill -HUP` would fork new workers
with the old code. docs/DEPLOY.md lists every GUNICORN_* variable (a test checks it).

* Sync workers, 2 x cores + 1: a request is a few milliseconds of Python plus one short
  transaction; nginx in front buffers slow phones on weak connections, so a sync worker never
  waits on a client.
* No preload: each worker imports the app and opens its own database pool after the fork
  (a pool inherited across fork would share sockets between processes), and `kill -HUP`
  then reloads new code gracefully: new workers start, old ones finish their requests.
* Shared libraries, not shared code: the master imports the third-party libraries every worker
  needs (Flask, Jinja, SQLAlchemy's ORM, WTForms, Babel, ...) before it forks, and freezes them
  out of the garbage collector's reach, so the workers share those pages instead of each
  holding a private copy (bench/memory.py measures RSS and PSS per worker). Never `surveyapp` or
  `analysis`: their code is imported by each worker, so `kill -HUP` still loads new code
  (upgrading a library needs a restart, as it always did for gunicorn itself).
* Each worker freezes the application it has just loaded (`post_worker_init`): those objects
  live as long as the worker, and the garbage collector's full collections stop walking them.
* max_requests with jitter recycles workers now and then, so a slow leak never grows and the
  workers never restart all at once.
* gunicorn's own access log is off: its URL field would contain the one-time tokens of
  `/t/<token>`. The app writes one JSON line per request with the route template instead
  (surveyapp/logs.py), and gunicorn's error log is JSON lines too.
"""
from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    text = os.environ.get(name)
    if text is None:
        return default
    if not text.strip().isdecimal():
        raise SystemExit(f"{name}={text!r} is not valid: expected a whole number / cần một số nguyên")
    return int(text)


wsgi_app = os.environ.get("GUNICORN_APP", "surveyapp:create_app()")
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # time to finish requests on reload/stop
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
preload_app = False
limit_request_line = 4094
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "surveyapp"
# gunicorn >= 23 opens a control socket in ~/.gunicorn by default; several instances on one
# machine (tests, staging) would share it. Set GUNICORN_CONTROL_SOCKET to a path to enable it.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "surveyapp.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "surveyapp": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

# The libraries of the previous notes (third-party only; see "Shared libraries" above).
SHARED_LIBRARIES = (
    "flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "sqlalchemy", "sqlalchemy.orm",
    "flask_wtf", "wtforms", "flask_babel", "babel", "babel.dates", "babel.numbers", "flask_compress",
    "email", "smtplib", "jsonschema", "cryptography.fernet", "psycopg",
)


def on_starting(server: Any) -> None:
    for name in SHARED_LIBRARIES:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional driver (psycopg on a SQLite-only machine)
            pass


def pre_fork(server: Any, worker: Any) -> None:
    # Objects that exist now are never scanned by the workers' garbage collector, which would
    # otherwise write to (and so copy) every shared page it visits.
    gc.freeze()


def post_worker_init(worker: Any) -> None:
    # The application a worker has just loaded (its modules, models, templates: some 200,000
    # objects) lives as long as the worker: frozen, it is no longer walked by every full
    # collection. Without this, about one report page in forty paid ~110 ms for one (the
    # slowest of 40 cold province views at 100k responses: 172 ms, against 59 ms frozen).
    gc.freeze()
