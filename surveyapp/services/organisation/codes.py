"""The shape of a unit, counter or procedure code and of a name, with the reason given when
one is wrong. The CSV imports, the single-record edits and the management forms all check
against these, so a code accepted by one is accepted by the others."""
from __future__ import annotations

import re

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PROCEDURE_CODE_PATTERN = re.compile(r"^\d\.\d{6}$")
NAME_LIMIT = 255  # unit and counter names, procedure fields (the columns' length)
PROCEDURE_NAME_LIMIT = 500

REQUIRED = _l("a value is required")
BAD_CODE = _l("a code may hold only letters, digits, '.', '_' and '-' (at most 64)")
BAD_PROCEDURE_CODE = _l("a procedure code looks like 1.001612")
#: The help shown under every code field of the forms: the same rules as the checks above.
CODE_HELP = _l("Letters without accents, digits, '.', '_' or '-', starting with a letter or a digit, at most 64 "
               "characters, e.g. DEMO-X-TANLAP or TL-Q01. It cannot be changed later: posters, links and "
               "reports use it.")
PROCEDURE_CODE_HELP = _l("The procedure's code in the national catalogue: a digit, a dot and six digits, e.g. "
                         "1.001612.")


def too_long(limit: int) -> LazyString:
    return _l("longer than %(limit)s characters", limit=limit)
