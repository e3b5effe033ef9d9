"""Shared fixtures for the analysis tests.

The project root is put on sys.path here so the tests run whether or not the
app's packaging (pyproject.toml) exists yet.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.responses import ResponseArrays  # noqa: E402
from analysis.sipas import CHOICE_CODES, CRITERIA, ELEMENTS, EXPECT_CODES  # noqa: E402


def random_arrays(rng: np.random.Generator, n: int, kiosk_share: float = 0.3) -> ResponseArrays:
    """Plausible synthetic responses: a latent satisfaction per respondent
    drives all of that respondent's scores (so answers are correlated), part
    of the respondents use the kiosk short form, and some items are skipped."""
    a = ResponseArrays.empty(n)
    latent = rng.beta(4.0, 1.2, n)  # mean ≈ 0.77
    kiosk = rng.random(n) < kiosk_share

    def scores(shape: tuple[int, ...]) -> np.ndarray:
        p = latent.reshape((n,) + (1,) * (len(shape) - 1))
        satisfied = rng.random(shape) < p
        high = np.where(rng.random(shape) < 0.5, 5, 4)
        low = rng.integers(1, 4, shape)
        return np.where(satisfied, high, low)

    crit = scores((n, len(CRITERIA)))
    crit[rng.random((n, len(CRITERIA))) < 0.1] = 0  # not applicable
    crit[kiosk] = 0
    direct = scores((n, len(ELEMENTS)))
    direct[~kiosk] = 0
    direct[rng.random((n, len(ELEMENTS))) < 0.05] = 0
    a.criteria[:] = crit
    a.element_ratings[:] = direct
    a.overall[:] = np.where(rng.random(n) < 0.97, scores((n,)), 0)
    for item, codes in CHOICE_CODES.items():
        a.choice(item)[:] = rng.integers(0, len(codes) + 1, n)
    # Skip logic as the app enforces it: apology only after a late result.
    late = a.ontime == CHOICE_CODES["ontime"].index("late") + 1
    a.apology[~late] = 0
    a.expect_asked[:] = ~kiosk
    a.expect[:] = (rng.random((n, len(EXPECT_CODES))) < 0.15) & ~kiosk[:, None]
    return a


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20250801)


@pytest.fixture
def make_arrays() -> Callable[..., ResponseArrays]:
    return random_arrays
