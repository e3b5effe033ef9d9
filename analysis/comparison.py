"""Sub-units on the parent's funnel: the centre line chosen for the report, each child judged
without its own data, and the limits widened for overdispersion (analysis.overdispersion).

Centre (`center_kind`):

* "parent" (default): the parent's pooled overall satisfaction. Each child is judged against
  the parent **without that child** (leave-one-out: (K − k_i)/(N − n_i)), so a child holding
  half of its parent's responses is not compared with itself. The drawn centre line stays the
  whole parent's rate; each child's own centre is in its `funnel.center`.
* "target": the unit's overall target (a fixed standard, nothing to leave out); when the unit
  has no overall target, the parent's rate as above.

Overdispersion is always measured around the parent's rate without each child (see
child_funnels), and the limits around either centre are widened by it when it is applied.

Positions keep the exact binomial tail rule of analysis.funnel when the limits are not widened;
when they are, a child is outside a limit when its rate lies beyond the widened limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from .funnel import DEFAULT_LEVELS, _lower_limit, level_label
from .model import CENTER_KINDS as CENTER_KINDS  # declared with the model, numpy-free; used here
from .model import CenterKind as CenterKind
from .model import ChildFunnel, FunnelBand, FunnelCurve, Overdispersion, Position
from .overdispersion import overdispersion_of, widen
from .sipas import MIN_RESPONSES


def leave_one_out_centers(k: np.ndarray, n: np.ndarray, parent_k: float, parent_n: float) -> np.ndarray:
    """Each child's reference rate: the parent's without the child (the whole parent's rate for a
    child that holds all of its responses)."""
    whole = parent_k / parent_n
    rest_n = parent_n - n
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = (parent_k - k) / rest_n
    return np.where(rest_n > 0, rest, whole)


def exact_limits(centers: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """analysis.funnel's interpolated exact limits, one centre per unit."""
    tail = (1.0 - level) / 2.0
    safe_n = np.where(n > 0, n, 1.0)
    degenerate = (centers <= 0) | (centers >= 1)
    inner = np.clip(centers, 1e-12, 1 - 1e-12)
    low = np.where(degenerate, centers, _lower_limit(tail, safe_n, inner))
    high = np.where(degenerate, centers, 1.0 - _lower_limit(tail, safe_n, 1.0 - inner))
    return low, high


def positions(
    k: np.ndarray,
    n: np.ndarray,
    centers: np.ndarray,
    limits: dict[str, tuple[np.ndarray, np.ndarray]],
    widened: bool,
    levels: Sequence[float] = DEFAULT_LEVELS,
    min_responses: int = MIN_RESPONSES,
) -> list[Position]:
    """Where each child falls; the exact tail rule of analysis.funnel.funnel_position unless the
    limits were widened for overdispersion."""
    inner, outer = sorted(levels)
    safe_n = np.where(n > 0, n, 1.0)
    if widened:
        rate = k / safe_n
        (lo_in, hi_in), (lo_out, hi_out) = limits[level_label(inner)], limits[level_label(outer)]
        conditions = [rate > hi_out, rate > hi_in, rate < lo_out, rate < lo_in]
    else:
        with np.errstate(all="ignore"):
            at_most = stats.binom.cdf(k, safe_n, centers)
            at_least = stats.binom.sf(k - 1.0, safe_n, centers)
        tail_outer, tail_inner = (1.0 - outer) / 2.0, (1.0 - inner) / 2.0
        conditions = [at_least < tail_outer, at_least < tail_inner, at_most < tail_outer, at_most < tail_inner]
    chosen = np.select(
        [~(n >= min_responses), *conditions],
        ["insufficient", "above_998", "above_95", "below_998", "below_95"],
        default="inside",
    )
    return [str(p) for p in chosen.ravel()]  # type: ignore[misc]


def child_funnels(
    k: np.ndarray,
    n: np.ndarray,
    center: float | None,
    parent_k: float,
    parent_n: float,
    leave_one_out: bool,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    min_responses: int = MIN_RESPONSES,
) -> tuple[list[ChildFunnel], Overdispersion | None]:
    """Every child's position, limits and centre, and the overdispersion behind them."""
    if center is None:
        return [ChildFunnel(position=None, limits=None) for _ in k], None
    if k.size == 0:
        return [], None
    k, n = k.astype(float), n.astype(float)
    # The spread between units is measured around the parent's rate (without each child) whatever
    # the centre line: around a target it would count a whole province being below target as
    # "overdispersion" and widen the limits exactly when every unit falls short.
    around_parent = leave_one_out_centers(k, n, parent_k, parent_n) if parent_n > 0 else np.full(k.shape, center)
    centers = around_parent if leave_one_out else np.full(k.shape, center)
    spread = overdispersion_of(k, n, around_parent)
    limits: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for level in levels:
        low, high = exact_limits(centers, n, level)
        if spread.applied and spread.tau2 is not None:
            low, high = widen(low, centers, n, spread.tau2), widen(high, centers, n, spread.tau2)
        limits[level_label(level)] = (low, high)
    placed = positions(k, n, centers, limits, spread.applied, levels, min_responses)
    funnels = [
        ChildFunnel(
            position=position,
            limits=None if n[i] == 0 else {label: (float(lo[i]), float(hi[i])) for label, (lo, hi) in limits.items()},
            center=float(centers[i]),
        )
        for i, position in enumerate(placed)
    ]
    return funnels, spread


def widened_curve(curve: FunnelCurve, spread: Overdispersion | None) -> FunnelCurve:
    """The drawn funnel, widened like the children's limits when overdispersion is applied."""
    if spread is None or not spread.applied or spread.tau2 is None:
        return curve
    n = np.array(curve.n, dtype=float)
    bands = {
        label: FunnelBand(
            low=tuple(float(v) for v in widen(np.array(band.low), curve.center, n, spread.tau2)),
            high=tuple(float(v) for v in widen(np.array(band.high), curve.center, n, spread.tau2)),
        )
        for label, band in curve.bands.items()
    }
    return FunnelCurve(center=curve.center, n=curve.n, bands=bands)
