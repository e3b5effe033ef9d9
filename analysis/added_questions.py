"""Distributions of the questions a province added from an XLSForm (docs/REPORT.md,
"Added questions"): per option the share of respondents who answered the question, with its
Wilson interval; for a whole number, the mean with its t interval. Suppressed below the
minimum n like every published rate.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scipy import stats

from .model import AddedQuestion
from .rates import json_float, rate
from .sipas import CONFIDENCE, MIN_RESPONSES


def added_question_of(
    item_id: str,
    kind: str,
    codes: Sequence[str],
    answers: Iterable[Any],
    labels: Mapping[str, Mapping[str, str]],
    *,
    min_responses: int = MIN_RESPONSES,
) -> AddedQuestion:
    """`answers`: the stored answer of each response that answered the item (a code, a list of
    codes or an int); `labels`: {"": question labels, code: option labels}."""
    given = [a for a in answers if a is not None and a != []]
    n = len(given)
    options = None
    mean = low = high = None
    if kind in ("choice", "multi"):
        counts = dict.fromkeys(codes, 0)
        for answer in given:
            for code in (answer if isinstance(answer, list) else [answer]):
                if code in counts:
                    counts[code] += 1
        options = {code: rate(count, n, min_responses=min_responses) for code, count in counts.items()}
    elif kind == "integer" and n >= min_responses and n > 0:
        values = [float(a) for a in given if isinstance(a, int | float) and not isinstance(a, bool)]
        mean = sum(values) / len(values)
        if len(values) > 1:
            spread = stats.tstd(values) / math.sqrt(len(values))
            margin = float(stats.t.ppf(0.5 + CONFIDENCE / 2, len(values) - 1)) * spread
            low, high = mean - margin, mean + margin
    return AddedQuestion(
        id=item_id, type=kind, n=n, insufficient=n < min_responses,
        labels=dict(labels.get("", {})),
        options=options,
        option_labels={code: dict(labels.get(code, {})) for code in codes} if options is not None else None,
        mean=json_float(mean), ci_low=json_float(low), ci_high=json_float(high),
    )
