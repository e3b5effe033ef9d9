"""Top-level runtime files resolve to the checkout's folders, or to the copies a wheel carries."""
from __future__ import annotations

from pathlib import Path

import pytest

from surveyapp import create_app, resources
from surveyapp.settings import PROJECT_ROOT


def test_a_checkout_uses_the_repository_folders(tmp_path: Path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}", "TESTING": True})
    assert Path(app.config["DEFINITIONS_DIR"]) == PROJECT_ROOT / "survey_definitions"
    assert Path(app.config["KIOSK_DIR"]) == PROJECT_ROOT / "kiosk"
    assert Path(app.config["OPENAPI_PATH"]) == PROJECT_ROOT / "docs" / "openapi.yaml"


def test_an_installed_package_prefers_the_copies_shipped_inside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shipped = tmp_path / "_shipped"
    (shipped / "kiosk").mkdir(parents=True)
    monkeypatch.setattr(resources, "SHIPPED_DIR", shipped)
    assert resources.resource_path("kiosk") == shipped / "kiosk"
    # Anything the build did not copy is still looked for in the checkout.
    assert resources.resource_path("docs/openapi.yaml") == PROJECT_ROOT / "docs" / "openapi.yaml"
