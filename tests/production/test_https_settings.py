"""An HTTPS site sends its cookies Secure and asks for HTTPS with HSTS, without anyone setting
it: both follow PUBLIC_BASE_URL, and explicit settings override them (issue 11)."""
from __future__ import annotations

from pathlib import Path

import pytest

from surveyapp import create_app, settings
from tests.dashboard.conftest import FAST_HASH


def _app(database_url: str, **config: object):  # type: ignore[no-untyped-def]
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k",
                       "WTF_CSRF_ENABLED": False, **FAST_HASH, **config})


def _cookies(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return reply.headers.getlist("Set-Cookie")


def test_an_https_site_sends_secure_cookies_and_hsts(database_url):
    # CSRF on, as in production: the form's token puts a session cookie on the page.
    client = _app(database_url, PUBLIC_BASE_URL="https://khaosat.example.gov.vn", WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/s/TT-Q01?lang=en")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = _cookies(page)
    assert cookies and all("Secure" in cookie for cookie in cookies)  # the session (CSRF) and the language
    assert {cookie.split("=")[0] for cookie in cookies} >= {"session", "lang"}
    assert client.get("/no-such-page").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_plain_http_development_site_sends_neither(database_url):
    client = _app(database_url, PUBLIC_BASE_URL="http://127.0.0.1:5000").test_client()
    page = client.get("/s/TT-Q01?lang=en")
    assert "Strict-Transport-Security" not in page.headers
    assert _cookies(page) and not any("Secure" in cookie for cookie in _cookies(page))


def test_explicit_settings_win_over_the_base_url(database_url, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("HSTS_SECONDS", "600")
    client = _app(database_url, PUBLIC_BASE_URL="http://intranet.local").test_client()
    page = client.get("/s/TT-Q01?lang=en")
    assert page.headers["Strict-Transport-Security"] == "max-age=600"
    assert all("Secure" in cookie for cookie in _cookies(page))
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    monkeypatch.setenv("HSTS_SECONDS", "0")
    client = _app(database_url, PUBLIC_BASE_URL="https://khaosat.example.gov.vn").test_client()
    page = client.get("/s/TT-Q01?lang=en")
    assert "Strict-Transport-Security" not in page.headers
    assert not any("Secure" in cookie for cookie in _cookies(page))


@pytest.mark.parametrize(("environment", "secure", "hsts"), [
    ({}, True, 31536000),
    ({"SESSION_COOKIE_SECURE": ""}, True, 31536000),
    ({"HSTS_SECONDS": "", "PUBLIC_BASE_URL": "http://x.example"}, False, 0),
    ({"SESSION_COOKIE_SECURE": "off", "HSTS_SECONDS": "86400"}, False, 86400),
])
def test_the_settings_follow_the_base_url_unless_set(monkeypatch, tmp_path: Path, environment, secure, hsts):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://khaosat.example.gov.vn")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = settings.load(tmp_path)
    assert (config["SESSION_COOKIE_SECURE"], config["HSTS_SECONDS"]) == (secure, hsts)


def test_a_malformed_value_is_refused_at_start_up(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HSTS_SECONDS", "a year")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "maybe")
    with pytest.raises(settings.SettingsError) as refused:
        settings.load(tmp_path)
    assert {problem.setting.name for problem in refused.value.problems} == {"HSTS_SECONDS", "SESSION_COOKIE_SECURE"}
