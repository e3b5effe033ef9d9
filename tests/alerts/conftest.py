from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.alerts.receiver import WebhookReceiver
from tests.dossiers.servers import SmtpServer

WEBHOOK_KEY = Fernet.generate_key().decode()


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "WEBHOOK_KEY": WEBHOOK_KEY, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SMTP_STARTTLS": False}


# The same real SMTP server as the invitation tests (tests/dossiers/servers.py).
@pytest.fixture
def smtp():  # type: ignore[no-untyped-def]
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    server = WebhookReceiver(secret="receiver-shared-secret-0123")
    yield server
    server.stop()
