from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    # Links live long enough for last month's dossiers to be answered today.
    return {"WTF_CSRF_ENABLED": False, "DOSSIER_LINK_DAYS": 90, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
