from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.dossiers.servers import SmsGatewayServer, SmtpServer

CONTACT_KEY = Fernet.generate_key().decode()


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "CONTACT_KEY": CONTACT_KEY, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


# A real SMTP server and an HTTP stand-in for the SMS gateway, started by the tests that ask.
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
