"""The request class of the application: every query-string and form value arrives with its
control characters removed (surveyapp/textinput.py), whichever page or form reads it."""
from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from surveyapp.textinput import clean_text, has_control_characters


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value  # uploaded files stay as they are


class CleanedParameters(ImmutableMultiDict[str, Any]):
    """`request.args` and `request.form`: keys and text values without control characters."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        items = mapping if isinstance(mapping, list) else list(MultiDict(mapping).items(multi=True))
        # One search over all the text is about three times cheaper than one per key and value,
        # and almost every request has nothing to remove.
        if has_control_characters("\n".join(part for pair in items for part in pair if isinstance(part, str))):
            items = [(_clean(key), _clean(value)) for key, value in items]
        super().__init__(items)


class CleanedRequest(Request):
    parameter_storage_class = CleanedParameters
