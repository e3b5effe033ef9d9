"""Reading a JSON request body within bounds: a body too deeply nested is refused before it is
parsed, so no client can make the parser recurse until the interpreter gives up (a 500).

The size is bounded first by MAX_CONTENT_LENGTH for every request (413), and an endpoint may ask
for less (the unauthenticated pairing takes a few bytes). Every JSON endpoint reads its body here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from surveyapp.textinput import clean_json

#: Deepest nesting of arrays and objects any JSON body of the API needs (a batch is 4 deep).
MAX_JSON_DEPTH = 20


@dataclass(frozen=True)
class JsonRefusal:
    """Why a body was refused: the HTTP status and the API's error code."""

    status: int
    code: str


TOO_DEEP = JsonRefusal(400, "json_too_deep")
MALFORMED = JsonRefusal(400, "malformed_json")
TOO_LARGE = JsonRefusal(413, "request_too_large")


def nesting_depth(raw: bytes, stop_above: int) -> int:
    """The deepest nesting of `[` and `{` outside strings, counting no further than
    `stop_above + 1` (a linear scan that never recurses)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_json_body(
    raw: bytes, *, max_bytes: int | None = None, max_depth: int = MAX_JSON_DEPTH
) -> tuple[Any, JsonRefusal | None]:
    """The parsed body, or why it is refused (too deep, too large, not JSON). The depth is
    checked first: its scan stops at the first level too many."""
    if nesting_depth(raw, max_depth) > max_depth:
        return None, TOO_DEEP
    if max_bytes is not None and len(raw) > max_bytes:
        return None, TOO_LARGE
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, MALFORMED
    return clean_json(parsed), None  # no control character reaches the services (surveyapp/textinput.py)
