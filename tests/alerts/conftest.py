from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.alerts.receiver import WebhookReceiver
from tests.dossiers.servers import SmtpServer

WEBHOOK_KEY = Fernet.generate_key().decode()


# The same real SMTP server as the invitation tests (tests/dossiers/servers.py), started before
# the app so that its port is in the settings.
@pytest.fixture
def smtp():  # type: ignore[no-untyped-def]
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp):  # type: ignore[no-untyped-def]
    return {"WTF_CSRF_ENABLED": False, "WEBHOOK_KEY": WEBHOOK_KEY, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False, "SMTP_FROM": "khaosat@anphu.gov.vn"}


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    server = WebhookReceiver(secret="receiver-shared-secret-0123")
    yield server
    server.stop()
