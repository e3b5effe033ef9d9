"""Fixtures in the Flask tutorial's style: an app on a fresh database per test.

The database is built once per session (migrations, definitions, the demo organisation
without responses) and copied for each test, which keeps the suite fast.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp import create_app, migrate
from surveyapp.db import get_engine, get_session
from surveyapp.services.definitions import sync_definitions
from surveyapp.services.demo import DEMO_DIR
from surveyapp.services.organisation import import_counters, import_procedures, import_units


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
        get_engine().dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    build_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. enable CSRF)."""
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def database_url(template_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "surveyapp.sqlite"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


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
