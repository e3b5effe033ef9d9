"""Fixtures in the Flask tutorial's style: an app on a fresh database per test.

The database is built once per session (migrations, definitions, the demo organisation
without responses) and copied for each test, which keeps the suite fast.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp import create_app, migrate
from surveyapp.db import get_engine, get_session
from surveyapp.services.operations.demo import DEMO_DIR
from surveyapp.services.organisation.imports import import_counters, import_procedures, import_units
from surveyapp.services.survey.definitions import sync_definitions
from tests import databases


def build_database(url: str) -> None:
    """Migrate an empty database and load the definitions and the demo organisation."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        migrate.upgrade(get_engine())
        session = get_session()
        sync_definitions(session, Path(app.config["DEFINITIONS_DIR"]))
        import_units(session, DEMO_DIR / "units.csv")
        import_counters(session, DEMO_DIR / "counters.csv")
        import_procedures(session, DEMO_DIR / "procedures.csv")
        session.commit()  # services only flush: the caller owns the transaction
        get_engine().dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of the PostgreSQL server of this run (SURVEYAPP_TEST_DB, see tests/databases.py)."""
    yield from databases.server()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path | str:
    """SQLite: the template file. PostgreSQL: the name of the template database."""
    if databases.on_postgres():
        return databases.create_template(request.getfixturevalue("pg_server"), build_database)
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    build_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. enable CSRF)."""
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def database_url(template_db: Path | str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if databases.on_postgres():
        server = request.getfixturevalue("pg_server")
        name, url = databases.clone_database(server, str(template_db))
        yield url
        databases.drop_database(server, name)
        return
    path = tmp_path / "surveyapp.sqlite"
    shutil.copy(template_db, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PUBLIC_BASE_URL": "https://survey.example.vn",
            **app_config,
        }
    )
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask):  # type: ignore[no-untyped-def]
    """A session on the test database, inside an app context."""
    with app.app_context():
        yield get_session()


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


# ---------------------------------------------------------------- real browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--no-first-run"]


class LiveServer:
    """The app served over real HTTP on a free loopback port, in a background thread."""

    def __init__(self, app: Flask):
        import threading

        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    app.config["PUBLIC_BASE_URL"] = "http://placeholder"  # replaced below once the port is known
    server = LiveServer(app)
    app.config["PUBLIC_BASE_URL"] = server.url
    # What settings.https_defaults gives a site on plain http:// (decided at start-up, when the
    # fixture's https address was still the base URL).
    app.config.update(SESSION_COOKIE_SECURE=False, HSTS_SECONDS=0)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (no browser download: CI has no network)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium missing: `make test` installs it (scripts/install-system-deps.sh)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A page the size of a cheap Android phone (360 x 740, touch)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()
