"""What makes a password acceptable: at least 12 characters, and not a common password.

The common passwords are the 30,000 most frequent passwords of leaked password sets, as shipped
by the `zxcvbn` package (Dropbox's password strength estimator, Python port
github.com/dwolfhub/zxcvbn-python, MIT licence; the list is `frequency_lists.FREQUENCY_LISTS
["passwords"]`, lower case, most frequent first). A password is refused when, lower-cased, it is
on that list, or becomes an entry once digits, punctuation and spaces around it are taken off
(`Password1234!`, `123456qwerty`...): guessing scripts try those variants first. Twelve
characters rule out most of the list by themselves; the check catches the long ones people
still choose (`qwertyuiop123`, `1q2w3e4r5t6y`, `password1234`).
"""
from __future__ import annotations

import string
from functools import cache

MIN_PASSWORD_LENGTH = 12
_DECORATION = string.digits + string.punctuation + string.whitespace


@cache
def common_passwords() -> frozenset[str]:
    """The list, loaded on first use (the module is large; sign-in never needs it)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    lowered = password.lower()
    candidates = {lowered, lowered.strip(_DECORATION), lowered.strip(string.punctuation + string.whitespace)}
    if len(set(lowered)) <= 2:  # aaaaaaaaaaaa, abababababab
        return True
    return any(candidate in common_passwords() for candidate in candidates if candidate)
