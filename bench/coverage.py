"""Coverage of the pooled-index 95 % interval (issue 12, deliverable 1): `python -m bench.coverage`.

The grid: true satisfaction 0.85, 0.95, 0.98 × latent ICC 0.2, 0.5, 0.8 × 30, 100, 500
respondents, 2,000 replications per cell.  Each respondent has a satisfaction propensity
p_i = expit(μ + σ·u_i), u_i ~ N(0, 1), whose latent intra-respondent correlation is
σ² / (σ² + π²/3) (the logistic threshold model); μ is set so that E[p_i] is the true
satisfaction.  A quarter of the respondents use the kiosk (the 5 element ratings, each answered
with probability 0.9); the others answer each of the 22 items with their own probability drawn
from U(0.5, 1) (mixed "not applicable").  Each answered item is satisfied with probability p_i.

It prints, and writes to bench/results/coverage.json, the coverage and the mean width of today's
`analysis.intervals.cluster_ratio_interval` and of the method it replaced
(`wilson_t_cluster_interval`), per cell; the table of docs/ANALYSIS.md §3.3 is its output
(`--markdown`).  Not a test: tests/analysis/test_coverage.py runs a seeded slice of it.
"""
from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import optimize, special

from analysis.intervals import cluster_ratio_interval, wilson_t_cluster_interval

SATISFACTION: tuple[float, ...] = (0.85, 0.95, 0.98)
LATENT_ICC: tuple[float, ...] = (0.2, 0.5, 0.8)
RESPONDENTS: tuple[int, ...] = (30, 100, 500)
ITEMS = 22
KIOSK_ITEMS = 5
KIOSK_SHARE = 0.25
REPLICATIONS = 2000
SEED = 20261127

Sums = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
Method = Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
METHODS: dict[str, Method] = {"old": wilson_t_cluster_interval, "new": cluster_ratio_interval}
RESULTS = Path(__file__).resolve().parent / "results" / "coverage.json"

# Gauss–Hermite nodes for E[expit(μ + σu)] with u standard normal.
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


@dataclass(frozen=True)
class Cell:
    satisfaction: float
    icc: float
    respondents: int
    coverage: dict[str, float]
    width: dict[str, float]
    above: dict[str, float]  # share of intervals entirely above the truth (the optimistic misses)


def latent_sd(icc: float) -> float:
    """σ of the logit-normal random effect whose latent ICC is `icc`."""
    return float(np.sqrt(icc / (1.0 - icc) * np.pi**2 / 3.0))


def logit_mean(satisfaction: float, sd: float) -> float:
    """μ such that E[expit(μ + σu)] = satisfaction."""
    def gap(mu: float) -> float:
        return float(np.sum(_WEIGHTS * special.expit(mu + sd * _NODES))) - satisfaction

    return float(optimize.brentq(gap, -30.0, 30.0))


def simulate(rng: np.random.Generator, satisfaction: float, icc: float, respondents: int, reps: int) -> Sums:
    """The tally's pool sums (Σy, Σm, Σy², Σm², Σym, respondents with an answer) of `reps` samples."""
    sd = latent_sd(icc)
    p = special.expit(logit_mean(satisfaction, sd) + sd * rng.standard_normal((reps, respondents)))
    kiosk = rng.random((reps, respondents)) < KIOSK_SHARE
    answered_share = rng.uniform(0.5, 1.0, (reps, respondents))
    m = np.where(kiosk, rng.binomial(KIOSK_ITEMS, 0.9, (reps, respondents)), rng.binomial(ITEMS, answered_share))
    y = rng.binomial(m, p).astype(float)
    m = m.astype(float)
    return (y.sum(1), m.sum(1), (y * y).sum(1), (m * m).sum(1), (y * m).sum(1), (m > 0).sum(1).astype(float))


def run_cell(
    rng: np.random.Generator, satisfaction: float, icc: float, respondents: int, reps: int, methods: dict[str, Method]
) -> Cell:
    sums = simulate(rng, satisfaction, icc, respondents, reps)
    coverage, width, above = {}, {}, {}
    for name, method in methods.items():
        _, low, high, _ = method(*sums)
        coverage[name] = float(np.mean((low <= satisfaction) & (satisfaction <= high)))
        width[name] = float(np.mean(high - low))
        above[name] = float(np.mean(low > satisfaction))
    return Cell(satisfaction, icc, respondents, coverage, width, above)


def grid(reps: int = REPLICATIONS, seed: int = SEED, methods: dict[str, Method] = METHODS) -> Iterator[Cell]:
    rng = np.random.default_rng(seed)
    for satisfaction in SATISFACTION:
        for icc in LATENT_ICC:
            for respondents in RESPONDENTS:
                yield run_cell(rng, satisfaction, icc, respondents, reps, methods)


def markdown(cells: list[Cell], reps: int) -> str:
    lines = [
        f"| satisfaction | latent ICC | respondents | coverage old | coverage new | width old | width new | "
        f"above truth old | above truth new |  ({reps:,} replications per cell)",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines[0] = lines[0].split("  (")[0]
    for c in cells:
        lines.append(
            f"| {c.satisfaction:.2f} | {c.icc:.1f} | {c.respondents} | {c.coverage['old']:.1%} | "
            f"{c.coverage['new']:.1%} | {c.width['old']:.4f} | {c.width['new']:.4f} | "
            f"{c.above['old']:.1%} | {c.above['new']:.1%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=REPLICATIONS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--markdown", action="store_true", help="print the table of docs/ANALYSIS.md")
    args = parser.parse_args()
    started = time.monotonic()
    cells = []
    for cell in grid(args.reps, args.seed):
        cells.append(cell)
        if not args.markdown:
            print(
                f"p={cell.satisfaction:.2f} icc={cell.icc:.1f} n={cell.respondents:>3}  "
                + "  ".join(f"{name}: {cell.coverage[name]:.3f} (width {cell.width[name]:.4f})" for name in METHODS),
                flush=True,
            )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"reps": args.reps, "seed": args.seed, "cells": [asdict(c) for c in cells]}, indent=1))
    if args.markdown:
        print(markdown(cells, args.reps))
    worst = min(c.coverage["new"] for c in cells)
    print(f"\nlowest coverage of the new interval: {worst:.1%}  ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
