from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

CONTACT_KEY = Fernet.generate_key().decode()


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "CONTACT_KEY": CONTACT_KEY, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
