"""PUBLIC_BASE_URL pointing at this machine is said out loud (issue 18, item 4): on posters and
officials' pages when the site is served on another address or in production mode, and in one
log line."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from surveyapp import create_app
from surveyapp.db import get_engine, get_session
from surveyapp.services.accounts import accounts
from surveyapp.web.public_url import is_loopback_host

WARNING = "chỉ là địa chỉ của chính máy tính này"


def make_app(database_url: str, **config: object) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **config})
    with app.app_context():
        accounts.create_user(get_session(), "admin", "admin-password", "admin")
        get_session().commit()
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def local_url_app(database_url: str) -> Iterator[Flask]:
    yield from make_app(database_url, TESTING=True, SECRET_KEY="test-secret", PUBLIC_BASE_URL="http://127.0.0.1:5000")


def test_loopback_hosts_are_recognised() -> None:
    for host in ("localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0.0.0.0", "app.localhost", ""):
        assert is_loopback_host(host), host
    for host in ("survey.example.vn", "192.168.1.20", "10.0.0.5", "2001:db8::1"):
        assert not is_loopback_host(host), host


def test_a_poster_served_on_another_address_warns_that_its_qr_code_points_here(local_url_app: Flask, caplog) -> None:
    client = local_url_app.test_client()
    with caplog.at_level(logging.WARNING, logger="surveyapp.public_url"):
        elsewhere = client.get("/posters/TT-Q01", base_url="http://192.168.1.20").get_data(as_text=True)
        client.get("/posters/TT-Q02", base_url="http://192.168.1.20")
    assert WARNING in elsewhere and "http://127.0.0.1:5000" in elsewhere and 'role="alert"' in elsewhere
    lines = [r for r in caplog.records if r.name == "surveyapp.public_url"]
    assert len(lines) == 1 and lines[0].fields["problem"] == "elsewhere"  # type: ignore[attr-defined]

    # On the machine itself (a trial on a laptop), nothing to warn about.
    here = client.get("/posters/TT-Q01", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert WARNING not in here


def test_officials_pages_carry_the_warning_in_their_language(local_url_app: Flask) -> None:
    client = local_url_app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-password"}, base_url="http://192.168.1.20")
    page = client.get("/manage/units", base_url="http://192.168.1.20").get_data(as_text=True)
    assert WARNING in page
    english = client.get("/admin/users?lang=en", base_url="http://192.168.1.20").get_data(as_text=True)
    assert "an address of this computer only" in english
    sheet = client.post("/manage/slips?lang=vi", data={"counter": "TT-Q01", "procedure": "", "count": "1"},
                        base_url="http://192.168.1.20").get_data(as_text=True)
    assert 'class="slip"' in sheet and WARNING in sheet


def test_a_real_public_address_gives_no_warning(database_url: str) -> None:
    for app in make_app(database_url, TESTING=True, SECRET_KEY="test-secret", PUBLIC_BASE_URL="https://survey.example.vn"):
        page = app.test_client().get("/posters/TT-Q01", base_url="http://192.168.1.20").get_data(as_text=True)
        assert WARNING not in page


def test_production_mode_with_the_default_address_logs_at_start_up_and_warns_everywhere(
    database_url: str, tmp_path: Path, caplog
) -> None:
    with caplog.at_level(logging.WARNING, logger="surveyapp.public_url"):
        apps = make_app(database_url, TESTING=False, SECRET_KEY="a-real-production-secret")
        app = next(apps)
        started = [r for r in caplog.records if r.name == "surveyapp.public_url"]
        assert len(started) == 1 and started[0].fields["problem"] == "production"  # type: ignore[attr-defined]
        page = app.test_client().get("/posters/TT-Q01").get_data(as_text=True)  # even on localhost
        assert WARNING in page
        assert len([r for r in caplog.records if r.name == "surveyapp.public_url"]) == 1
    for _ in apps:
        pass
