#!/usr/bin/env python
"""Re-extract messages and merge Vietnamese translations from a JSON file into the catalogue.

Usage: flock /tmp/surveyapp-po.lock .venv/bin/python scripts/add_translations.py FILE.json
FILE.json maps an English msgid to its Vietnamese text; for plurals the value is a list
[singular, plural] (Vietnamese has one form, so both are usually the same).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "surveyapp/translations/vi/LC_MESSAGES/messages.po"
BIN = Path(sys.executable).parent


def main(paths: list[str]) -> int:
    subprocess.run(
        [BIN / "pybabel", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "-o", "surveyapp/translations/messages.pot", "surveyapp"],
        cwd=ROOT, check=True, capture_output=True,
    )
    subprocess.run(
        [BIN / "pybabel", "update", "-i", "surveyapp/translations/messages.pot",
         "-d", "surveyapp/translations", "--no-fuzzy-matching", "--ignore-obsolete"],
        cwd=ROOT, check=True, capture_output=True,
    )
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    wanted: dict[str, object] = {}
    for path in paths:
        wanted.update(json.loads(Path(path).read_text(encoding="utf-8")))
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in wanted:
            value = wanted[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value  # type: ignore[assignment]
            message.flags.discard("fuzzy")
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
