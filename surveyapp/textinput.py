"""Text that people and files send in, made safe to store: control characters are removed.

Every text entry point passes what it receives through `clean_text` before anything looks at it:
the query strings and form fields of every page (`surveyapp/web/request.py`), the JSON bodies of
the kiosk API (`surveyapp/web/jsonbody.py`), the answers of every channel
(`surveyapp/definitions/answers.py::validate_answers`, and `collect` before it looks a procedure
up) and every cell of an imported CSV or XLSX file (`surveyapp/services/operations/tabular.py`).

Removed, not refused: these characters cannot be typed on a phone or a keyboard and show
nothing on screen, so taking them out changes nothing a person meant, and a citizen's answers
are stored instead of lost. PostgreSQL cannot store a NUL byte or an unpaired surrogate at all
(SQLite would store them, and the exports would then break on them), so the same text is stored
on both databases. Tab, line feed and carriage return stay: a comment may have lines.
"""
from __future__ import annotations

import re
from typing import Any

#: C0 controls but tab, LF and CR; DEL; C1 controls; UTF-16 surrogates (never valid alone in
#: text, and a JSON "\\ud800" escape makes one).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """`value` without control characters (tab, line feed and carriage return are kept)."""
    return CONTROL_CHARACTERS.sub("", value)


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def clean_json(value: Any) -> Any:
    """A parsed JSON value with `clean_text` applied to every string, object keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): clean_json(item) for key, item in value.items()}
    return value
