"""Dashboard fixtures: the demo province with six months of responses and four officials.

The populated database is built once per session (demo responses take ~2 s) and copied for
each test, like the project's template database.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from surveyapp import create_app
from surveyapp.db import get_engine, get_session
from surveyapp.services.accounts import accounts
from surveyapp.services.operations.demo import load_demo
from tests import databases

# A fixed "today" keeps the demo months stable: June to November 2026.
DEMO_TODAY = datetime(2026, 11, 21, 5, 0)
MONTH = "2026-11"
PROVINCE, COMMUNE, OTHER_COMMUNE = "DEMO", "DEMO-X-TANLAP", "DEMO-X-BINHMINH"
WEAK_COUNTER, OTHER_COUNTER = "TL-Q01", "BM-Q01"

# Production hashes with scrypt; a cheap method keeps the many sign-ins of these tests fast.
FAST_HASH = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}

# username: (password, role, unit)
OFFICIALS = {
    "admin": ("admin-password", "admin", None),
    "tanlap": ("tanlap-password", "viewer", COMMUNE),
    "tanlap-manager": ("manager-password", "manager", COMMUNE),
    "binhminh": ("binhminh-password", "viewer", OTHER_COMMUNE),
}


def populate(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "TESTING": True, **FAST_HASH})
    with app.app_context():
        session = get_session()
        load_demo(session, today=DEMO_TODAY)
        for username, (password, role, unit) in OFFICIALS.items():
            accounts.create_user(session, username, password, role, unit, full_name=username.title())
        session.commit()
        get_engine().dispose()


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, **FAST_HASH}


@pytest.fixture(scope="session")
def demo_template(template_db: Path | str, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest) -> Iterator[Path | str]:
    """SQLite: a populated file. PostgreSQL: a populated template database (cloned per test)."""
    if databases.on_postgres():
        server = request.getfixturevalue("pg_server")
        name, url = databases.clone_database(server, str(template_db))
        populate(url)
        yield name
        databases.drop_database(server, name)
        return
    path = tmp_path_factory.mktemp("dashboard") / "demo.sqlite"
    shutil.copy(template_db, path)
    populate(f"sqlite:///{path}")
    yield path


@pytest.fixture
def database_url(demo_template: Path | str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Overrides the project fixture: every dashboard test starts from the populated demo."""
    if databases.on_postgres():
        server = request.getfixturevalue("pg_server")
        name, url = databases.clone_database(server, str(demo_template))
        yield url
        databases.drop_database(server, name)
        return
    path = tmp_path / "surveyapp.sqlite"
    shutil.copy(demo_template, path)
    yield f"sqlite:///{path}"


def sign_in(client: FlaskClient, username: str, password: str | None = None):  # type: ignore[no-untyped-def]
    password = password if password is not None else OFFICIALS[username][0]
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def as_admin(client: FlaskClient) -> FlaskClient:
    assert sign_in(client, "admin").status_code == 302
    return client


@pytest.fixture
def as_commune(client: FlaskClient) -> FlaskClient:
    assert sign_in(client, "tanlap").status_code == 302
    return client


@pytest.fixture
def as_manager(client: FlaskClient) -> FlaskClient:
    assert sign_in(client, "tanlap-manager").status_code == 302
    return client


HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = HIDDEN_CSRF.search(html)
    assert match, "the page carries no CSRF token"
    return match.group(1)
