"""Answers a citizen might give, for tests of the questionnaire."""
from __future__ import annotations

from analysis import sipas


def full_answers(**overrides: object) -> dict[str, object]:
    """A complete, valid sipas-full submission as form fields (item ids as names)."""
    answers: dict[str, object] = {
        "submit_channel": "direct",
        "receive_channel": "direct",
        "trips": "1",
        "slip": "yes",
        "ontime": "ontime",
        "harassment": "none",
        "extra_payment": "no",
        "overall": "4",
        "expect": ["time", "online"],
        "comment": "Cán bộ nhiệt tình.",
    }
    for index, criterion in enumerate(sipas.CRITERIA):
        answers[criterion] = str(5 - index % 3)
    answers["TC22"] = "na"
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}
