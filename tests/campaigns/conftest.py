from __future__ import annotations

import pytest

from tests.dossiers.conftest import CONTACT_KEY, SmsGatewayServer, SmtpServer


@pytest.fixture
def app_config(smtp, gateway):  # type: ignore[no-untyped-def]
    return {
        "WTF_CSRF_ENABLED": False, "CONTACT_KEY": CONTACT_KEY, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False, "SMTP_FROM": "khaosat@example.vn",
        "SMS_GATEWAY_URL": gateway.url, "MIN_RESPONSES": 1,
    }


# A real SMTP server and an HTTP stand-in for the SMS gateway (tests/dossiers/servers.py).
@pytest.fixture
def smtp():  # type: ignore[no-untyped-def]
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def gateway():  # type: ignore[no-untyped-def]
    server = SmsGatewayServer()
    yield server
    server.stop()
