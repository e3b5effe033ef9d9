"""Every user-visible string has a Vietnamese translation, and the catalogue matches the code."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from surveyapp.settings import PROJECT_ROOT

PO = PROJECT_ROOT / "surveyapp/translations/vi/LC_MESSAGES/messages.po"


def test_every_message_in_the_source_is_translated_to_vietnamese(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "surveyapp"],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(wanted - translated)
    assert not missing, "untranslated (run scripts/add_translations.py): " + "; ".join(missing[:20])
