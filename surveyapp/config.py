"""Configuration read from environment variables, with safe defaults for one office."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from surveyapp.resources import resource_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_config(instance_path: str) -> dict[str, Any]:
    """Settings for the app factory; every one can be overridden by the environment."""
    default_db = "sqlite:///" + str(Path(instance_path) / "surveyapp.sqlite")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-change-me"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "DEFINITIONS_DIR": os.environ.get("DEFINITIONS_DIR", str(resource_path("survey_definitions"))),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "COMMENT_MAX_LENGTH": int(os.environ.get("COMMENT_MAX_LENGTH", "1000")),
        # A citizen may leave the form open for a while at the counter; an expired
        # token is handled by re-showing the answers, but make expiry rare.
        "WTF_CSRF_TIME_LIMIT": 6 * 3600,
        "WTF_I18N_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 256 * 1024,
    }
