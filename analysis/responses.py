"""Raw survey responses as integer-coded numpy arrays.

One row per response.  Everything is a small integer with 0 meaning "not
answered / not applicable", so that the tally can count with np.bincount and
never has to look at Python objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from .sipas import CHOICE_CODES, CRITERIA, ELEMENTS, EXPECT_CODES
from .slots import CHOICE_LUTS as _CHOICE_LUTS
from .slots import EXPECT_INDEX as _EXPECT_INDEX
from .slots import SCORE_LUT as _SCORE_LUT

if TYPE_CHECKING:
    import numpy as np

# numpy is imported inside the functions that build arrays, so importing the package (the web
# application does, for the questionnaire's constants) does not load it.


@dataclass(eq=False)
class ResponseArrays:
    """Integer-coded answers of n responses (0 = unanswered everywhere).

    `criteria` (n, 22) and `element_ratings` (n, 5, kiosk short form) and
    `overall` (n,) hold scores 1..5.  Each choice item (n,) holds the 1-based
    position of the answer in CHOICE_CODES[item].  `expect` (n, 10) flags the
    improvement areas named; `expect_asked` (n,) says the form offered them.
    """

    criteria: np.ndarray
    element_ratings: np.ndarray
    overall: np.ndarray
    trips: np.ndarray
    slip: np.ndarray
    ontime: np.ndarray
    apology: np.ndarray
    harassment: np.ndarray
    extra_payment: np.ndarray
    submit_channel: np.ndarray
    receive_channel: np.ndarray
    expect: np.ndarray
    expect_asked: np.ndarray

    def __post_init__(self) -> None:
        import numpy as np

        n = len(np.asarray(self.overall))
        self.criteria = _coded(self.criteria, "criteria", (n, len(CRITERIA)), 5)
        self.element_ratings = _coded(self.element_ratings, "element_ratings", (n, len(ELEMENTS)), 5)
        self.overall = _coded(self.overall, "overall", (n,), 5)
        for item, codes in CHOICE_CODES.items():
            setattr(self, item, _coded(getattr(self, item), item, (n,), len(codes)))
        self.expect = _flags(self.expect, "expect", (n, len(EXPECT_CODES)))
        self.expect_asked = _flags(self.expect_asked, "expect_asked", (n,))

    def __len__(self) -> int:
        return int(self.overall.shape[0])

    def choice(self, item: str) -> np.ndarray:
        """The coded array of a choice item, by its questionnaire id."""
        if item not in CHOICE_CODES:
            raise KeyError(item)
        return getattr(self, item)

    @classmethod
    def empty(cls, n: int = 0) -> ResponseArrays:
        """n responses with nothing answered (fill the arrays in place)."""
        import numpy as np

        return cls(
            criteria=np.zeros((n, len(CRITERIA)), np.int8),
            element_ratings=np.zeros((n, len(ELEMENTS)), np.int8),
            overall=np.zeros(n, np.int8),
            **{item: np.zeros(n, np.int8) for item in CHOICE_CODES},
            expect=np.zeros((n, len(EXPECT_CODES)), bool),
            expect_asked=np.zeros(n, bool),
        )

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> ResponseArrays:
        """Encode answer dicts keyed by questionnaire ids.

        Scores may be int, digit strings, or None/"na" (not applicable).  Choice
        items take their codes ("3", "no", "late", ...).  `expect` is a list of
        codes; the question counts as asked when the record has an `expect` key
        that is not None (pass [] when offered but left blank) or an explicit
        boolean `expect_asked`.  Unknown answers raise ValueError.
        """
        import numpy as np

        rows = records if isinstance(records, list) else list(records)
        n = len(rows)
        out = cls.empty(n)
        # Column by column: one comprehension per item is much faster in CPython
        # than touching every key of every record in a nested loop.
        for j, key in enumerate(CRITERIA):
            out.criteria[:, j] = _encode_column(rows, key, _SCORE_LUT)
        for j, key in enumerate(ELEMENTS):
            out.element_ratings[:, j] = _encode_column(rows, key, _SCORE_LUT)
        out.overall[:] = _encode_column(rows, "overall", _SCORE_LUT)
        for item in CHOICE_CODES:
            getattr(out, item)[:] = _encode_column(rows, item, _CHOICE_LUTS[item])

        hit_rows: list[int] = []
        hit_cols: list[int] = []
        for i, r in enumerate(rows):
            chosen = r.get("expect")
            asked = r.get("expect_asked")
            out.expect_asked[i] = bool(asked) if asked is not None else chosen is not None
            if isinstance(chosen, str):  # a single code instead of a list
                chosen = [chosen]
            if chosen:
                for code in chosen:
                    try:
                        hit_cols.append(_EXPECT_INDEX[code])
                    except (KeyError, TypeError):
                        raise ValueError(f"expect: unknown code {code!r} in record {i}") from None
                    hit_rows.append(i)
        if hit_rows:
            out.expect[np.asarray(hit_rows), np.asarray(hit_cols)] = True
        return out

    @classmethod
    def concatenate(cls, parts: Sequence[ResponseArrays]) -> ResponseArrays:
        """Stack several batches into one (row order preserved)."""
        import numpy as np

        if not parts:
            return cls.empty(0)
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    def take(self, index: np.ndarray | Sequence[int]) -> ResponseArrays:
        """Subset by a boolean mask or integer positions."""
        import numpy as np

        idx = np.asarray(index)
        return type(self)(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})


def _encode_column(rows: list[Mapping[str, Any]], key: str, lut: dict[Any, int]) -> np.ndarray:
    import numpy as np

    try:
        return np.fromiter((lut[r.get(key)] for r in rows), dtype=np.int8, count=len(rows))
    except (KeyError, TypeError):  # TypeError: unhashable answer such as a list
        for i, r in enumerate(rows):
            value = r.get(key)
            try:
                lut[value]
            except (KeyError, TypeError):
                raise ValueError(f"{key}: invalid answer {value!r} in record {i}") from None
        raise


def _coded(values: Any, name: str, shape: tuple[int, ...], highest: int) -> np.ndarray:
    """Coerce to int8 after checking the range, so an out-of-range value is an
    error instead of silently wrapping around in the cast."""
    import numpy as np

    a = np.asarray(values)
    if a.shape != shape:
        raise ValueError(f"{name}: shape {a.shape}, expected {shape}")
    if a.dtype.kind not in "iub":
        raise TypeError(f"{name}: integer codes expected, got dtype {a.dtype}")
    if a.size and (int(a.min()) < 0 or int(a.max()) > highest):
        raise ValueError(f"{name}: codes must lie in 0..{highest}")
    return a if a.dtype == np.int8 else a.astype(np.int8)


def _flags(values: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    import numpy as np

    a = np.asarray(values)
    if a.shape != shape:
        raise ValueError(f"{name}: shape {a.shape}, expected {shape}")
    return a if a.dtype == np.bool_ else a.astype(bool)


# The dataclass fields for choice items must be exactly the questionnaire ids.
assert set(CHOICE_CODES) <= {f.name for f in fields(ResponseArrays)}
