"""Files the app reads at run time that live at the top of the repository, not in the package.

`survey_definitions/`, `kiosk/` and `docs/openapi.yaml` stay where a maintainer expects them in
a checkout. A wheel cannot reach the checkout, so the build copies them into the package under
`_shipped/` (setup.py). This module answers where they are in either case.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_DIR.parent
# Filled only by building a wheel; a checkout (editable install included) never has it.
SHIPPED_DIR = PACKAGE_DIR / "_shipped"


def resource_path(relative: str) -> Path:
    """The installed copy of `relative` (a path from the repository root) when the package was
    built into a wheel, the repository's own file or folder when running from a checkout."""
    shipped = SHIPPED_DIR / relative
    return shipped if shipped.exists() else CHECKOUT_ROOT / relative
