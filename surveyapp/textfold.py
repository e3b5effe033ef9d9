"""Vietnamese text folded for searching: tones and case removed, so "cap giay phep" finds
"Cấp giấy phép".

NFD splits every letter from its tone and vowel marks, which are then dropped; `đ` is a letter
of its own (no decomposition), so it becomes `d` by hand. Anything that is not a letter, a digit
or a dot (procedure codes are `1.001612`) separates words.
"""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[^a-z0-9.]+")


def fold(text: str) -> str:
    """Lower case, no tones, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(word.strip(".") for word in _SEPARATORS.split(bare) if word.strip("."))


def fold_words(text: str) -> list[str]:
    """The folded words of a text, in order, each once."""
    return list(dict.fromkeys(fold(text).split()))
